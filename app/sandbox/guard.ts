import "server-only";
import { headers } from "next/headers";
import { notFound } from "next/navigation";
import { env } from "@/lib/env";
import { sandboxAvailableTo } from "@/lib/sandbox";

/**
 * Every sandbox page and action asks this itself: the layout's own check is not enough,
 * since Next does not render a layout again for a client navigation that says it has it (an RSC
 * request whose Next-Router-State-Tree names the sandbox segment), and the page then rendered alone.
 */
export async function requireSandbox(): Promise<void> {
  if (!sandboxAvailableTo(await headers())) notFound();
}

/**
 * The dashboard's controls (reset, settings, redelivery, tokens, faults) change the sandbox for
 * everyone: on a public sandbox they are the control API's, behind its token, not a page's.
 */
export async function requireSandboxControls(): Promise<void> {
  await requireSandbox();
  if (env().sandboxPublic) throw new Error("The dashboard's controls are off on a public sandbox: use the control API with its token.");
}

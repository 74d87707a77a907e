import { env } from "@/lib/env";
import { clientAddress } from "@/lib/security/client-address";
import { isLoopback } from "@/lib/security/ip";

type HeaderSource = { get(name: string): string | null };

/**
 * Whether this request may use the sandbox. Never outside sandbox mode: the sandbox
 * built in a UAT or production store would hold that store's secrets. In a production build, only
 * clients on this machine (loopback), unless SANDBOX_PUBLIC opts in (a public demo; lib/env.ts then
 * demands a control token and keeps its webhooks on the store's own origin). `next dev` and tests
 * are not production builds. Every sandbox page, route and action asks this itself, and proxy.ts
 * answers 404 for all of /sandbox/* before them.
 */
export function sandboxAvailableTo(headers: HeaderSource): boolean {
  const e = env();
  if (!e.sandboxServed) return false;
  if (e.nodeEnv !== "production" || e.sandboxPublic) return true;
  return isLoopback(clientAddress(headers));
}

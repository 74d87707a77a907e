import { readFileSync } from "node:fs";
import type { APIRequestContext } from "@playwright/test";
// React's own encoder for server action arguments: the very bytes a browser sends.
import { encodeReply } from "next/dist/compiled/react-server-dom-turbopack/client.edge";

/**
 * Calls a server action over HTTP as the browser does: a POST to a page that uses the action, with
 * the `Next-Action` header carrying the action's id (from the build's server reference manifest) and
 * the arguments encoded by React. Nothing of the page is needed, which is what an attacker does too.
 */
type Manifest = { node: Record<string, { filename: string; exportedName: string }> };

let manifest: Manifest | undefined;
export function actionId(filename: string, exportedName: string): string {
  manifest ??= JSON.parse(readFileSync(".next/server/server-reference-manifest.json", "utf8")) as Manifest;
  const found = Object.entries(manifest.node).find(([, a]) => a.filename === filename && a.exportedName === exportedName);
  if (!found) throw new Error(`no server action ${exportedName} in ${filename} (is the build current?)`);
  return found[0];
}

export const SHOP_ACTIONS = "app/(shop)/actions.ts";
export const ADMIN_ACTIONS = "app/admin/actions.ts";
export const SANDBOX_ACTIONS = "app/sandbox/actions.ts";

export type ActionAnswer = { status: number; text: string; value: unknown; redirect: string | undefined };

export async function callAction(
  request: APIRequestContext,
  opts: { path: string; file: string; name: string; args: unknown[]; headers?: Record<string, string>; baseURL?: string },
): Promise<ActionAnswer> {
  const body = await encodeReply(opts.args);
  const origin = opts.baseURL ?? new URL(opts.path, "http://127.0.0.1").origin;
  const headers = { "next-action": actionId(opts.file, opts.name), accept: "text/x-component", origin, ...opts.headers };
  const res =
    typeof body === "string"
      ? await request.post(opts.path, { headers: { ...headers, "content-type": "text/plain;charset=UTF-8" }, data: body, maxRedirects: 0 })
      : await request.post(opts.path, { headers, multipart: body, maxRedirects: 0 });
  const text = await res.text();
  return { status: res.status(), text, value: actionValue(text), redirect: res.headers()["x-action-redirect"] };
}

/** The action's return value from the RSC answer (row 1), when it is plain JSON. */
function actionValue(text: string): unknown {
  const row = text.split("\n").find((l) => l.startsWith("1:"));
  if (!row) return undefined;
  try {
    return JSON.parse(row.slice(2));
  } catch {
    return row.slice(2);
  }
}

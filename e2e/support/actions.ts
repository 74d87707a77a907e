import type { APIRequestContext } from "@playwright/test";
// React's own encoder for server action arguments: the very bytes a browser sends.
import { encodeReply } from "next/dist/compiled/react-server-dom-turbopack/client.edge";
import { actionIds, actionValue } from "../../lib/testing/shopper.mjs";

const actionId = actionIds();

// The modules' names as the build's manifest has them: the test shopper's (lib/testing/shopper.mjs).
export { ADMIN_ACTIONS, SANDBOX_ACTIONS, SHOP_ACTIONS } from "../../lib/testing/shopper.mjs";

export type ActionAnswer = { status: number; text: string; value: unknown; redirect: string | undefined };

/**
 * Calls a server action over HTTP as the browser does: a POST to a page that uses the action, with
 * the `Next-Action` header carrying the action's id (from the build's server reference manifest) and
 * the arguments encoded by React. Nothing of the page is needed, which is what an attacker does too.
 */
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

/** Signed webhooks, and the sandbox's control API: settings, a token, approving a pending payment. */
import { createHmac } from "node:crypto";
import { rand } from "./util.mjs";
import { get } from "./server.mjs";
import { payerAnswers } from "../../lib/testing/shopper.mjs";

/**
 * The sandbox's default webhook secret: the built-in client secret (lib/env.ts SANDBOX_DEFAULTS),
 * used as raw UTF-8 bytes (PLURAL_WEBHOOK_SECRET_FORMAT=raw, the default).
 */
export const SANDBOX_CLIENT = { clientId: "sandbox-merchant-0001", clientSecret: "5a4e3b2c1d0f9e8d7c6b5a4938271605" };
export const WEBHOOK_SECRET = SANDBOX_CLIENT.clientSecret;

/**
 * Standard Webhooks, as lib/plural/signature.ts `webhookHeaders` builds them with the raw key:
 * `v1,` + base64 HMAC-SHA256 over `id.timestamp.body`.
 */
export function webhookHeaders(id, body, timestampSeconds = Math.floor(Date.now() / 1000), secret = WEBHOOK_SECRET) {
  const signature = createHmac("sha256", Buffer.from(secret, "utf8")).update(`${id}.${timestampSeconds}.${body}`).digest("base64");
  return { "content-type": "application/json", "webhook-id": id, "webhook-timestamp": String(timestampSeconds), "webhook-signature": `v1,${signature}` };
}

export const webhookId = () => `msg_bench_${rand(20)}`;

/* ------------------------------------------------------------------------------- the sandbox */

export async function sandboxSettings(base, patch) {
  const r = await get(`${base}/sandbox/control/settings`, { method: "PATCH", headers: { "content-type": "application/json" }, body: JSON.stringify(patch) });
  if (!r.ok) throw new Error(`sandbox settings: ${r.status} ${await r.text()}`);
}

/** A token of our own, straight from the sandbox (not through the proxy: the harness's calls are not the store's). */
export async function sandboxToken(base) {
  const r = await get(`${base}/sandbox/api/auth/v1/token`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ client_id: SANDBOX_CLIENT.clientId, client_secret: SANDBOX_CLIENT.clientSecret, grant_type: "client_credentials" }),
  });
  if (!r.ok) throw new Error(`sandbox token: ${r.status}`);
  return (await r.json()).access_token;
}

/** The order's latest PENDING payment at the sandbox (by our reference), or null. */
export async function pendingPayment(base, token, merchantOrderReference) {
  const r = await get(`${base}/sandbox/api/pay/v1/orders/reference/${encodeURIComponent(merchantOrderReference)}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  if (!r.ok) return null;
  return [...((await r.json()).data.payments ?? [])].reverse().find((p) => p.status === "PENDING") ?? null;
}

/**
 * The payer approves the order's pending payment in the sandbox (webhooks off, so the store hears
 * nothing); returns the ORDER_PROCESSED webhook body Plural would send, or null if nothing was pending.
 */
export async function approveByReference(base, token, merchantOrderReference) {
  const pending = await pendingPayment(base, token, merchantOrderReference);
  if (!pending) return null;
  const approved = await payerAnswers(base, pending.id, "approve").catch(() => null);
  if (!approved) return null;
  return JSON.stringify({ event_type: "ORDER_PROCESSED", data: approved.data });
}

import { createHmac, timingSafeEqual } from "node:crypto";
import { Webhook, WebhookVerificationError } from "standardwebhooks";

/* -------------------------------------------------------------- return URL (callback), "Verify Payment Signature" */

const HEX = /^(?:[0-9a-fA-F]{2})+$/;

/** `key=value` pairs of every field except `signature`, sorted by key, joined with `&`, raw values. */
export function callbackSigningString(fields: Record<string, string>): string {
  return Object.keys(fields)
    .filter((k) => k !== "signature")
    .sort()
    .map((k) => `${k}=${fields[k]}`)
    .join("&");
}

/** Uppercase hex HMAC-SHA256 of the signing string, keyed with the hex-decoded secret key. */
export function signCallback(fields: Record<string, string>, secretKeyHex: string): string {
  if (!HEX.test(secretKeyHex)) throw new Error("The callback secret key must be an even-length hex string");
  return createHmac("sha256", Buffer.from(secretKeyHex, "hex")).update(callbackSigningString(fields), "utf8").digest("hex").toUpperCase();
}

/**
 * True only when `fields.signature` is the signature of the other fields. Constant time,
 * case-insensitive; any malformed input (missing, odd-length or non-hex signature, bad key) is false.
 */
export function verifyCallback(fields: Record<string, string | undefined>, secretKeyHex: string): boolean {
  const signature = fields.signature;
  if (typeof signature !== "string" || !HEX.test(signature) || signature.length !== 64) return false;
  if (typeof secretKeyHex !== "string" || !HEX.test(secretKeyHex)) return false;
  const clean: Record<string, string> = {};
  for (const [k, v] of Object.entries(fields)) {
    if (typeof v !== "string") return false;
    clean[k] = v;
  }
  const expected = Buffer.from(signCallback(clean, secretKeyHex), "hex");
  const received = Buffer.from(signature, "hex");
  return expected.length === received.length && timingSafeEqual(expected, received);
}

/* -------------------------------------------- webhooks, "Webhook Signature Verification" */

export type WebhookSecretFormat = "raw" | "base64";
const WEBHOOK_TOLERANCE_SECONDS = 300;

export type WebhookHeaders = { "webhook-id": string; "webhook-timestamp": string; "webhook-signature": string };

export type WebhookVerification = { ok: true; id: string; timestamp: number } | { ok: false; reason: "malformed" | "stale" | "bad_signature"; message: string };

/**
 * Standard Webhooks (the `standardwebhooks` package): `v1,<base64 HMAC-SHA256>` over
 * `id.timestamp.rawBody`. The key is the secret's raw UTF-8 bytes by default, as Pine Labs' own plugins
 * do; `base64` decodes it first, as the generated docs say (the page's own example encodes, then decodes).
 */
function webhookFor(secret: string, format: WebhookSecretFormat): Webhook {
  return format === "raw" ? new Webhook(new Uint8Array(Buffer.from(secret, "utf8")), { format: "raw" }) : new Webhook(secret);
}

/** `v1,<base64>` for the given message; used by the sandbox and the tests. */
export function signWebhook(secret: string, id: string, timestampSeconds: number, rawBody: string, format: WebhookSecretFormat = "raw"): string {
  return webhookFor(secret, format).sign(id, new Date(timestampSeconds * 1000), rawBody);
}

/** Builds the three headers for a delivery. */
export function webhookHeaders(secret: string, id: string, timestampSeconds: number, rawBody: string, format: WebhookSecretFormat = "raw"): WebhookHeaders {
  return { "webhook-id": id, "webhook-timestamp": String(timestampSeconds), "webhook-signature": signWebhook(secret, id, timestampSeconds, rawBody, format) };
}

/**
 * Verifies a delivery on its raw body. Distinguishes malformed headers (400) from a bad or stale
 * signature (401). Accepts several space-separated signatures; never throws.
 */
export function verifyWebhook(
  rawBody: string,
  headers: { get(name: string): string | null } | Record<string, string | undefined>,
  secret: string,
  format: WebhookSecretFormat = "raw",
): WebhookVerification {
  const get = (n: string) =>
    "get" in headers && typeof headers.get === "function" ? (headers.get(n) ?? undefined) : (headers as Record<string, string | undefined>)[n];
  const id = get("webhook-id");
  const ts = get("webhook-timestamp");
  const sig = get("webhook-signature");
  if (!id || !ts || !sig) return { ok: false, reason: "malformed", message: "missing webhook-id, webhook-timestamp or webhook-signature" };
  // The canonical spelling only: the library would read "0123" or "123" alike, but only one was signed.
  if (!/^[1-9]\d{0,11}$/.test(ts)) return { ok: false, reason: "malformed", message: "webhook-timestamp is not a Unix time in seconds" };
  if (id.length > 256) return { ok: false, reason: "malformed", message: "webhook-id is too long" };
  // Only well-formed v1 signatures are passed on: the library reads "v1,<sig>,anything" as "v1,<sig>".
  const signatures = sig.split(" ").filter((s) => /^v1,[A-Za-z0-9+/]+={0,2}$/.test(s));
  if (signatures.length === 0) return { ok: false, reason: "malformed", message: "webhook-signature has no v1 signature" };
  const timestamp = Number(ts);
  if (Math.abs(Math.floor(Date.now() / 1000) - timestamp) > WEBHOOK_TOLERANCE_SECONDS) {
    return { ok: false, reason: "stale", message: "webhook-timestamp is outside the 300 s window" };
  }
  let wh: Webhook;
  try {
    wh = webhookFor(secret, format);
  } catch {
    return { ok: false, reason: "bad_signature", message: "webhook secret is not usable" };
  }
  try {
    wh.verify(rawBody, { "webhook-id": id, "webhook-timestamp": ts, "webhook-signature": signatures.join(" ") }, { jsonParse: false });
    return { ok: true, id, timestamp };
  } catch (e) {
    if (e instanceof WebhookVerificationError && /too (old|new)/.test(e.message))
      return { ok: false, reason: "stale", message: "webhook-timestamp is outside the 300 s window" };
    return { ok: false, reason: "bad_signature", message: "no matching signature" };
  }
}

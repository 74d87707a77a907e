import { signWebhook } from "@/lib/plural/signature";
import type { Random } from "./random";
import type { Attempt, FuzzCase } from "./run";

/**
 * Mutations of a signed Plural webhook (Standard Webhooks): body bytes, JSON values and keys, the
 * three headers' values and names, signatures (flipped, truncated, other versions, other messages,
 * wrong or misread secrets), timestamps (stale, future, re-spelt), ids and encodings.
 *
 * Whether a case is the genuine delivery again is decided here, by comparing what was sent with
 * what was signed: the same body bytes, webhook-id and webhook-timestamp, and the genuine `v1,`
 * signature among the signatures sent. Nothing else is genuine, however valid it may look.
 */
export type GenuineWebhook = { body: string; id: string; timestamp: string; signature: string; orderId: string };

const PATH = "/api/plural/webhook";
const enc = new TextEncoder();

export function signedDelivery(secret: string, id: string, timestampSeconds: number, body: string, orderId: string): GenuineWebhook {
  return { body, id, timestamp: String(timestampSeconds), signature: signWebhook(secret, id, timestampSeconds, body), orderId };
}

/** A header as HTTP delivers it: names without case, values without surrounding white space. */
const header = (h: Record<string, string>, name: string) =>
  Object.entries(h)
    .find(([k]) => k.toLowerCase() === name)?.[1]
    ?.replace(/^[ \t]+|[ \t]+$/g, "");

function isGenuine(a: Attempt, g: GenuineWebhook): boolean {
  return (
    !!a.body &&
    Buffer.from(a.body).equals(Buffer.from(g.body, "utf8")) &&
    header(a.headers, "webhook-id") === g.id &&
    header(a.headers, "webhook-timestamp") === g.timestamp &&
    (header(a.headers, "webhook-signature") ?? "").split(" ").includes(g.signature)
  );
}

export function* webhookCases(rng: Random, genuine: GenuineWebhook[], count: number, secret: string): Generator<FuzzCase> {
  if (genuine.length < 2) throw new Error("webhookCases needs at least two genuine deliveries");
  for (let i = 0; i < count; i++) {
    const g = rng.pick(genuine);
    const other = rng.pick(genuine.filter((x) => x !== g));
    const { kind, attempt } = mutate(rng, g, other, secret);
    yield { kind, attempt, equivalent: genuine.some((x) => isGenuine(attempt, x)) };
  }
}

function mutate(rng: Random, g: GenuineWebhook, other: GenuineWebhook, secret: string): { kind: string; attempt: Attempt } {
  const headers = (over: Record<string, string | undefined> = {}): Record<string, string> => {
    const h: Record<string, string | undefined> = {
      "content-type": "application/json",
      "webhook-id": g.id,
      "webhook-timestamp": g.timestamp,
      "webhook-signature": g.signature,
      ...over,
    };
    return Object.fromEntries(Object.entries(h).filter((e): e is [string, string] => e[1] !== undefined));
  };
  const send = (body: string | Uint8Array, h = headers()): Attempt => ({
    method: "POST",
    path: PATH,
    headers: h,
    body: typeof body === "string" ? enc.encode(body) : body,
  });
  const json = JSON.parse(g.body) as { event_type?: string; data: Record<string, unknown> };
  const edit = (f: (j: typeof json) => void) => {
    const j = structuredClone(json);
    f(j);
    return JSON.stringify(j);
  };
  const sigValue = g.signature.slice(3);
  const now = Math.floor(Date.now() / 1000);
  const k = rng.int(0, 35);
  switch (k) {
    // The genuine delivery again.
    case 0:
      return { kind: "genuine:replayed", attempt: send(g.body) };
    case 1:
      return {
        kind: "genuine:header-names-in-capitals",
        attempt: send(g.body, { "Content-Type": "application/json", "Webhook-Id": g.id, "WEBHOOK-TIMESTAMP": g.timestamp, "Webhook-Signature": g.signature }),
      };
    case 2:
      return {
        kind: "genuine:several-signatures",
        attempt: send(g.body, headers({ "webhook-signature": `v1,${Buffer.from(rng.token(8)).toString("base64")} ${g.signature}` })),
      };
    case 3:
      return {
        kind: "genuine:other-content-type",
        attempt: send(g.body, headers({ "content-type": rng.pick(["text/plain", "application/octet-stream", "application/json; charset=latin1"]) })),
      };
    // Body bytes.
    case 4: {
      const b = Array.from(enc.encode(g.body));
      const at = rng.int(0, b.length - 1);
      b[at] = b[at]! ^ (1 << rng.int(0, 7));
      return { kind: "body:bit-flipped", attempt: send(new Uint8Array(b)) };
    }
    case 5:
      return { kind: "body:whitespace-added", attempt: send(rng.pick([`${g.body} `, `${g.body}\n`, ` ${g.body}`, g.body.replace(":", ": ")])) };
    case 6:
      return { kind: "body:re-serialised", attempt: send(JSON.stringify(json, null, rng.int(1, 4))) };
    case 7:
      return { kind: "body:unicode-escaped", attempt: send(g.body.replace(/"(\w)/, (_, c: string) => `"\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`)) };
    case 8:
      return { kind: "body:byte-order-mark", attempt: send(new Uint8Array([0xef, 0xbb, 0xbf, ...enc.encode(g.body)])) };
    case 9: {
      const utf16 = new Uint8Array(g.body.length * 2);
      for (let j = 0; j < g.body.length; j++) utf16[j * 2] = g.body.charCodeAt(j) & 0xff;
      return { kind: "body:utf-16", attempt: send(utf16) };
    }
    case 10:
      return { kind: "body:truncated", attempt: send(g.body.slice(0, rng.int(0, g.body.length - 1))) };
    case 11:
      return {
        kind: "body:status-changed",
        attempt: send(
          edit((j) => {
            j.data.status = rng.pick(["PROCESSED", "FAILED", "CANCELLED", "AUTHORIZED", "processed"].filter((s) => s !== j.data.status));
          }),
        ),
      };
    case 12:
      return {
        kind: "body:event-changed",
        attempt: send(
          edit((j) => {
            j.event_type = rng.pick(
              ["ORDER_PROCESSED", "ORDER_FAILED", "PAYMENT_FAILED", "REFUND_PROCESSED", "ORDER_CANCELLED"].filter((s) => s !== j.event_type),
            );
          }),
        ),
      };
    case 13:
      return {
        kind: "body:order-id-swapped",
        attempt: send(
          edit((j) => {
            j.data.order_id = other.orderId;
          }),
        ),
      };
    case 14:
      return {
        kind: "body:amount-changed",
        attempt: send(
          edit((j) => {
            const amount = j.data.order_amount as { value: number } | undefined;
            if (amount) amount.value = rng.pick([1, 0, -1, amount.value * 10, amount.value - 1]);
            else j.data.order_amount = { value: 1, currency: "INR" };
          }),
        ),
      };
    case 15:
      return {
        kind: "body:field-added",
        attempt: send(
          edit((j) => {
            (j.data as Record<string, unknown>)[rng.pick(["refund_amount", "x", "__proto__", "status_code"])] = rng.junk(6);
          }),
        ),
      };
    case 16:
      return { kind: "body:duplicate-key", attempt: send(g.body.replace(/^\{/, `{"event_type":"ORDER_PROCESSED",`)) };
    case 17:
      return { kind: "body:huge", attempt: send(g.body + " ".repeat(rng.int(70_000, 200_000))) };
    case 18:
      return { kind: "body:another-delivery's", attempt: send(other.body) };
    // webhook-id.
    case 19:
      return {
        kind: "id:changed",
        attempt: send(
          g.body,
          headers({
            "webhook-id": rng.pick([`${g.id}x`, g.id.slice(0, -1), other.id, g.id.toUpperCase() === g.id ? `${g.id}a` : g.id.toUpperCase(), rng.token(10)]),
          }),
        ),
      };
    case 20:
      return { kind: "id:missing-empty-or-long", attempt: send(g.body, headers({ "webhook-id": rng.pick([undefined, "", "x".repeat(300)]) })) };
    // webhook-timestamp.
    case 21: {
      const ts = Number(g.timestamp) + rng.pick([1, -1, 2, -2, 60]);
      return { kind: "timestamp:moved-a-little", attempt: send(g.body, headers({ "webhook-timestamp": String(ts) })) };
    }
    case 22: {
      const ts = Number(g.timestamp) + rng.pick([-301, 301, -86_400, 86_400, -1e9]);
      return { kind: "timestamp:outside-the-window", attempt: send(g.body, headers({ "webhook-timestamp": String(ts) })) };
    }
    case 23:
      return {
        kind: "timestamp:re-spelt",
        attempt: send(
          g.body,
          headers({
            "webhook-timestamp": rng.pick([
              `0${g.timestamp}`,
              `${g.timestamp}.0`,
              ` ${g.timestamp}`,
              `+${g.timestamp}`,
              `${g.timestamp}000`,
              "",
              "-1",
              "NaN",
              undefined,
            ]),
          }),
        ),
      };
    // webhook-signature.
    case 24: {
      const at = rng.int(0, sigValue.length - 2);
      const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
      const c = alphabet[(alphabet.indexOf(sigValue[at]!) + rng.int(1, 63)) % 64]!;
      return { kind: "signature:flipped", attempt: send(g.body, headers({ "webhook-signature": `v1,${sigValue.slice(0, at)}${c}${sigValue.slice(at + 1)}` })) };
    }
    case 25:
      return { kind: "signature:truncated", attempt: send(g.body, headers({ "webhook-signature": g.signature.slice(0, rng.int(0, g.signature.length - 1)) })) };
    case 26:
      return {
        kind: "signature:other-version",
        attempt: send(g.body, headers({ "webhook-signature": rng.pick([`v2,${sigValue}`, sigValue, `v1a,${sigValue}`, `V1,${sigValue}`, `v1=${sigValue}`]) })),
      };
    case 27:
      return { kind: "signature:missing-or-empty", attempt: send(g.body, headers({ "webhook-signature": rng.pick([undefined, "", "v1,", " "]) })) };
    case 28:
      return { kind: "signature:another-delivery's", attempt: send(g.body, headers({ "webhook-signature": other.signature })) };
    case 29: {
      const wrong = rng.pick([`${secret}x`, secret.slice(1), secret.toUpperCase(), "whsec_AAAA"]);
      return { kind: "signature:wrong-secret", attempt: send(g.body, headers({ "webhook-signature": signWebhook(wrong, g.id, Number(g.timestamp), g.body) })) };
    }
    case 30: {
      // The secret read the other way (base64-decoded instead of raw), as a confused sender might.
      const b64 = Buffer.from(secret).toString("base64");
      return {
        kind: "signature:secret-misread",
        attempt: send(g.body, headers({ "webhook-signature": signWebhook(b64, g.id, Number(g.timestamp), g.body, "base64") })),
      };
    }
    case 31:
      return {
        kind: "signature:padding-or-spacing",
        attempt: send(
          g.body,
          headers({
            "webhook-signature": rng.pick([`${g.signature}=`, `v1, ${sigValue}`, `${g.signature.replace(/=+$/, "")}`, `v1,${sigValue}x`, `${g.signature},x`]),
          }),
        ),
      };
    // Correctly signed, but stale or early: the window must hold.
    case 32: {
      const ts = now + rng.pick([-400, -3600, 400, 3600]);
      return {
        kind: "resigned:outside-the-window",
        attempt: send(g.body, headers({ "webhook-timestamp": String(ts), "webhook-signature": signWebhook(secret, g.id, ts, g.body) })),
      };
    }
    // Header names.
    case 33:
      return {
        kind: "headers:misnamed",
        attempt: send(
          g.body,
          rng.pick<Record<string, string>>([
            { "content-type": "application/json", webhook_id: g.id, webhook_timestamp: g.timestamp, webhook_signature: g.signature },
            { "content-type": "application/json", "svix-id": g.id, "svix-timestamp": g.timestamp, "svix-signature": g.signature },
            { "content-type": "application/json", "x-webhook-id": g.id, "webhook-timestamp": g.timestamp, "webhook-signature": g.signature },
          ]),
        ),
      };
    case 34:
      return {
        kind: "headers:repeated",
        attempt: send(
          g.body,
          headers({ "webhook-id": `${g.id}, ${g.id}`, "webhook-timestamp": rng.chance(0.5) ? `${g.timestamp}, ${g.timestamp}` : g.timestamp }),
        ),
      };
    default:
      return {
        kind: "body:random-json",
        attempt: send(
          JSON.stringify({
            event_type: rng.pick(["ORDER_PROCESSED", "REFUND_PROCESSED", rng.junk(5)]),
            data: { order_id: g.orderId, status: "PROCESSED", [rng.junk(3)]: rng.junk(5) },
          }),
        ),
      };
  }
}

/**
 * The contract suite's harness (lib/sandbox/contract/*.test.ts): drives lib/plural against the sandbox over HTTP
 * for every endpoint, status path and documented error, and checks answers against the documented shapes. With
 * PLURAL_ENV=uat and credentials the same calls run against Plural's UAT; tests that need to force an outcome are
 * sandbox-only. Each part calls `underEachProfile`, which starts the sandbox and a webhook receiver for its file.
 */
import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { createPluralClient, type PluralClient } from "../../plural/client";
import { verifyWebhook } from "../../plural/signature";
import { PROFILE_NAMES, READINGS, type ProfileName, type Sandbox } from "../engine";
import { startSandboxServer, TEST_CREDENTIALS } from "@/lib/testing/sandbox";

export const UAT = process.env.PLURAL_ENV === "uat" && !!process.env.PLURAL_CLIENT_ID && !!process.env.PLURAL_CLIENT_SECRET;
export const sandboxOnly = it.skipIf(UAT);
/** The whole suite runs under each profile of the sandbox (docs/sandbox.md, "Profiles"); against UAT, once, against what UAT does. */
const PROFILES: ReadonlyArray<ProfileName | "uat"> = UAT ? ["uat"] : PROFILE_NAMES;

export let server: Awaited<ReturnType<typeof startSandboxServer>> | undefined;
export let sb: Sandbox;
export let client: PluralClient;
export let baseUrl: string;

/** Webhook receiver: records deliveries; `failNext` answers 500 that many times. */
export const hooks = { received: [] as Array<{ id: string; body: string; headers: Record<string, string>; verified: boolean }>, failNext: 0, url: "" };
const receiver = createServer(async (req, res) => {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const body = Buffer.concat(chunks).toString("utf8");
  const headers = req.headers as Record<string, string>;
  hooks.received.push({ id: headers["webhook-id"] ?? "", body, headers, verified: verifyWebhook(body, headers, TEST_CREDENTIALS.webhookSecret).ok });
  if (hooks.failNext > 0) {
    hooks.failNext--;
    res.writeHead(500).end();
  } else res.writeHead(200).end("ok");
});

/** The profile the tests now run under (underEachProfile, below). */
let profile: ProfileName | "uat" = PROFILES[0]!;
/** The sandbox's reading of `key` now (docs/sandbox.md, "Profiles"); undefined against UAT. */
export const reading = (key: string): unknown => (UAT ? undefined : READINGS.find((r) => r.key === key)![profile as ProfileName]);

async function freshSandbox() {
  if (UAT) return;
  // A webhook the last test caused may still be on its way: let it land before the slate is wiped.
  await sb.flush(2000);
  sb.reset();
  sb.updateSettings({
    profile: profile as ProfileName,
    auto_answer_ms: 30,
    refund_delay_ms: 30,
    // The documented schedule (27.5 h) runs 100,000 times faster: its last retry comes about a second after the first try.
    webhook: { url: hooks.url, retry_base_ms: 20, timeout_ms: 1000, time_scale: reading("webhook.schedule") === "documented" ? 100_000 : 1 },
  });
  hooks.received.length = 0;
  hooks.failNext = 0;
}

/** ORDER_NOT_FOUND's HTTP status under this profile (Pine Labs' Error Codes page says 404; a sample on the Get Order page answers 422). */
export const notFoundStatus = () => (reading("order_not_found_status") as number | undefined) ?? 404;

/** A UPI payment, then the order as Plural has it: from the answer when it carries the order, else (the guide's flat answer) from Get Order. */
export async function pay(orderId: string, input: Parameters<PluralClient["createUpiPayment"]>[1]) {
  const answer = await client.createUpiPayment(orderId, input);
  return answer.order ?? (await client.getOrder(orderId));
}

export const ref = (p = "ord") => `${p}_${randomUUID().replaceAll("-", "").slice(0, 20)}`;
export const newOrder = (value = 34900, extra: object = {}) =>
  client.createOrder({ merchant_order_reference: ref(), order_amount: { value, currency: "INR" }, ...extra });
export async function raw(method: string, path: string, body?: unknown, token?: string | null) {
  const t = token === null ? undefined : (token ?? (await client.getToken()));
  const res = await fetch(baseUrl + path, {
    method,
    headers: { "content-type": "application/json", ...(t ? { authorization: `Bearer ${t}` } : {}) },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
}
/** Keys of the documented sample that our answer must also have (shape check). */
export function expectShape(actual: unknown, sample: unknown, path = "data") {
  if (Array.isArray(sample)) {
    expect(Array.isArray(actual), path).toBe(true);
    if (sample.length && (actual as unknown[]).length) expectShape((actual as unknown[])[0], sample[0], `${path}[0]`);
    return;
  }
  if (sample && typeof sample === "object") {
    expect(actual && typeof actual === "object", path).toBeTruthy();
    for (const [k, v] of Object.entries(sample)) {
      if (k === "purchase_details" || k === "notes" || k === "payment_option" || k === "merchant_payment_reference") continue;
      expect(actual, `${path}.${k}`).toHaveProperty(k);
      expectShape((actual as Record<string, unknown>)[k], v, `${path}.${k}`);
    }
    return;
  }
  expect(typeof actual, path).toBe(typeof sample);
}
/** Polls until `ok` holds (vi.waitFor: fails with the last value's reason when it never does). */
export const waitFor = <T>(fn: () => Promise<T> | T, ok: (v: T) => boolean, ms = 5000): Promise<T> =>
  vi.waitFor(
    async () => {
      const v = await fn();
      if (!ok(v)) throw new Error(`not yet: ${JSON.stringify(v).slice(0, 300)}`);
      return v;
    },
    { timeout: ms, interval: 25 },
  );
export const events = () => hooks.received.map((h) => (JSON.parse(h.body) as { event_type: string }).event_type);

function startServers() {
  beforeAll(async () => {
    if (UAT) {
      baseUrl = process.env.PLURAL_BASE_URL ?? "https://pluraluat.v2.pinepg.in";
      client = createPluralClient({ baseUrl, clientId: process.env.PLURAL_CLIENT_ID!, clientSecret: process.env.PLURAL_CLIENT_SECRET! });
      return;
    }
    await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
    hooks.url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    server = await startSandboxServer();
    sb = server.sandbox;
    baseUrl = server.baseUrl;
    client = createPluralClient({
      baseUrl,
      clientId: TEST_CREDENTIALS.clientId,
      clientSecret: TEST_CREDENTIALS.clientSecret,
      retry: { baseDelayMs: 10, maxDelayMs: 50 },
      timeoutMs: 3000,
    });
  });
  afterAll(async () => {
    await server?.close();
    if (receiver.listening) await new Promise<void>((r) => receiver.close(() => r()));
  });
}

/**
 * The suite's parts run under each profile of the sandbox (docs/sandbox.md, "Profiles"); against UAT, once, against
 * what UAT does. Each file gets its own sandbox and receiver, wiped before each test.
 */
export function underEachProfile(parts: (p: ProfileName | "uat") => void) {
  startServers();
  describe.each(PROFILES)("under the %s profile", (p) => {
    beforeAll(() => {
      profile = p;
    });
    beforeEach(freshSandbox);
    parts(p);
  });
}

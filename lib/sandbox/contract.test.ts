/**
 * Contract suite: drives lib/plural against the sandbox over HTTP for every endpoint, status path
 * and documented error, and checks answers against the documented shapes. With PLURAL_ENV=uat and
 * credentials it runs the same calls against Plural's UAT; tests that need to force an outcome are
 * sandbox-only.
 */
import { randomUUID } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { rejection } from "@/lib/plural/testing/rejection";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { createPluralClient, type PluralClient } from "../plural/client";
import { DOC_COLLECT_RESPONSE, DOC_CREATE_ORDER_RESPONSE, DOC_INTENT_RESPONSE, DOC_WEBHOOK_ORDER_PROCESSED } from "@/lib/plural/testing/doc-samples";
import { orderResponse } from "../plural/schemas";
import { verifyCallback, verifyWebhook } from "../plural/signature";
import { parseUpiLink } from "../plural/upi";
import { PROFILE_NAMES, READINGS, type ProfileName, type Sandbox } from "./engine";
import { startSandboxServer, TEST_CREDENTIALS } from "@/lib/testing/sandbox";

const UAT = process.env.PLURAL_ENV === "uat" && !!process.env.PLURAL_CLIENT_ID && !!process.env.PLURAL_CLIENT_SECRET;
const sandboxOnly = it.skipIf(UAT);
/** The whole suite runs under each profile of the sandbox (docs/sandbox.md, "Profiles"); against UAT, once, against what UAT does. */
const PROFILES: ReadonlyArray<ProfileName | "uat"> = UAT ? ["uat"] : PROFILE_NAMES;

let server: Awaited<ReturnType<typeof startSandboxServer>> | undefined;
let sb: Sandbox;
let client: PluralClient;
let baseUrl: string;

/** Webhook receiver: records deliveries; `failNext` answers 500 that many times. */
const hooks = { received: [] as Array<{ id: string; body: string; headers: Record<string, string>; verified: boolean }>, failNext: 0, url: "" };
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
/** The profile the tests now run under (describe.each below). */
let profile: ProfileName | "uat" = PROFILES[0]!;
/** The sandbox's reading of `key` now (docs/sandbox.md, "Profiles"); undefined against UAT. */
const reading = (key: string): unknown => (UAT ? undefined : READINGS.find((r) => r.key === key)![profile as ProfileName]);

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

/** ORDER_NOT_FOUND's HTTP status under this profile (reference §13.6): 404, or 422. */
const notFoundStatus = () => (reading("order_not_found_status") as number | undefined) ?? 404;

/** A UPI payment, then the order as Plural has it: from the answer when it carries the order, else (the guide's flat answer) from Get Order. */
async function pay(orderId: string, input: Parameters<PluralClient["createUpiPayment"]>[1]) {
  const answer = await client.createUpiPayment(orderId, input);
  return answer.order ?? (await client.getOrder(orderId));
}

const ref = (p = "ord") => `${p}_${randomUUID().replaceAll("-", "").slice(0, 20)}`;
const newOrder = (value = 34900, extra: object = {}) =>
  client.createOrder({ merchant_order_reference: ref(), order_amount: { value, currency: "INR" }, ...extra });
async function raw(method: string, path: string, body?: unknown, token?: string | null) {
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
function expectShape(actual: unknown, sample: unknown, path = "data") {
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
const waitFor = <T>(fn: () => Promise<T> | T, ok: (v: T) => boolean, ms = 5000): Promise<T> =>
  vi.waitFor(
    async () => {
      const v = await fn();
      if (!ok(v)) throw new Error(`not yet: ${JSON.stringify(v).slice(0, 300)}`);
      return v;
    },
    { timeout: ms, interval: 25 },
  );
const events = () => hooks.received.map((h) => (JSON.parse(h.body) as { event_type: string }).event_type);

/**
 * Each reading (docs/sandbox.md, "Profiles") that can be seen from outside, seen by doing what tells it. In
 * the sandbox each must show its profile's setting; against UAT they are what UAT does, reported at
 * the end (and in test-results/uat-readings.json), so a team learns which profile matches its account.
 */
const OBSERVE: Record<string, () => Promise<unknown>> = {
  async idempotency() {
    const body = { merchant_order_reference: ref(), order_amount: { value: 1100, currency: "INR" } };
    await raw("POST", "/api/pay/v1/orders", body);
    const again = await raw("POST", "/api/pay/v1/orders", body);
    return again.status === 200 ? "replay" : again.body?.code === "DUPLICATE_REQUEST" ? "reject" : `HTTP ${again.status}`;
  },
  async pending_payment_policy() {
    const o = await newOrder(1100);
    const item = () => ({
      payments: [
        {
          merchant_payment_reference: ref("pay"),
          payment_method: "UPI",
          payment_amount: { value: 1100, currency: "INR" },
          payment_option: { upi_details: { txn_mode: "INTENT" } },
        },
      ],
    });
    await raw("POST", `/api/pay/v1/orders/${o.order_id}/payments`, item());
    const second = await raw("POST", `/api/pay/v1/orders/${o.order_id}/payments`, item());
    return second.status === 200 ? "replace" : second.body?.code === "PAYMENT_PENDING" ? "reject" : `HTTP ${second.status} ${second.body?.code}`;
  },
  async payment_response() {
    const o = await newOrder(1100);
    const r = await raw("POST", `/api/pay/v1/orders/${o.order_id}/payments`, {
      payments: [
        {
          merchant_payment_reference: ref("pay"),
          payment_method: "UPI",
          payment_amount: { value: 1100, currency: "INR" },
          payment_option: { upi_details: { txn_mode: "INTENT", upi_qr: true } },
        },
      ],
    });
    return r.body?.data ? "wrapped" : r.body?.payment_id ? "flat" : `HTTP ${r.status}`;
  },
  async pre_auth_upi() {
    const r = await raw("POST", "/api/pay/v1/orders", {
      merchant_order_reference: ref(),
      order_amount: { value: 1100, currency: "INR" },
      pre_auth: true,
      allowed_payment_methods: ["UPI"],
    });
    if (r.status !== 200) return "refused";
    const p = await raw("POST", `/api/pay/v1/orders/${r.body.data.order_id}/payments`, {
      payments: [
        {
          merchant_payment_reference: ref("pay"),
          payment_method: "UPI",
          payment_amount: { value: 1100, currency: "INR" },
          payment_option: { upi_details: { txn_mode: "INTENT" } },
        },
      ],
    });
    return p.status === 200 ? "honoured" : "refused";
  },
  async order_not_found_status() {
    return (await raw("GET", "/api/pay/v1/orders/v1-000000000000-aa-NOPE00")).status;
  },
  async error_body() {
    const res = await fetch(`${baseUrl}/api/pay/v1/no-such-endpoint`, { headers: { authorization: `Bearer ${await client.getToken()}` } });
    const type = res.headers.get("content-type") ?? "";
    await res.body?.cancel();
    return type.includes("json") ? "json" : type.includes("html") ? "html" : `${res.status} ${type}`;
  },
  async cancel_policy() {
    const o = await newOrder(1100);
    await pay(o.order_id, { mode: "INTENT", merchantPaymentReference: ref("pay"), amountInPaise: 1100 });
    const r = await raw("PUT", `/api/pay/v1/orders/${o.order_id}/cancel`);
    return r.status === 200 ? "any_open" : r.body?.code === "OPERATION_NOT_ALLOWED" ? "authorized_only" : `HTTP ${r.status}`;
  },
};
const observed: Record<string, unknown> = {};

describe.each(PROFILES)("under the %s profile", (p) => {
  beforeAll(() => {
    profile = p;
  });
  beforeEach(freshSandbox);

  describe("readings (what the sandbox, or UAT, answers where the documents disagree)", () => {
    for (const [key, observe] of Object.entries(OBSERVE)) {
      it(key, async () => {
        const seen = await observe();
        if (UAT) observed[key] = seen;
        else expect(seen).toBe(reading(key));
      });
    }
    afterAll(() => {
      if (!UAT) return;
      const rows = READINGS.map((r) => ({
        setting: r.key,
        uat: r.key in observed ? observed[r.key] : "(not observable without forcing an outcome)",
        friendly: r.friendly,
        strict: r.strict,
      }));
      mkdirSync("test-results", { recursive: true });
      writeFileSync("test-results/uat-readings.json", `${JSON.stringify(rows, null, 2)}\n`);
      console.log('\nWhat UAT answered where Plural\'s documents disagree (docs/sandbox.md, "Profiles"):');
      console.table(rows);
    });
  });

  describe("token", () => {
    it("issues a bearer token with expires_in and expires_at", async () => {
      const r = await raw(
        "POST",
        "/api/auth/v1/token",
        {
          client_id: UAT ? process.env.PLURAL_CLIENT_ID : TEST_CREDENTIALS.clientId,
          client_secret: UAT ? process.env.PLURAL_CLIENT_SECRET : TEST_CREDENTIALS.clientSecret,
          grant_type: "client_credentials",
        },
        null,
      );
      expect(r.status).toBe(200);
      expect(r.body.access_token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
      if (!UAT) {
        expect(r.body.expires_in).toBe(3600);
        expect(Date.parse(r.body.expires_at) - Date.now()).toBeGreaterThan(3500_000);
        expect(r.body.data).toBeUndefined();
      }
    });

    it("refuses bad credentials with 401 UNAUTHORIZED", async () => {
      const r = await raw("POST", "/api/auth/v1/token", { client_id: "nobody", client_secret: "wrong", grant_type: "client_credentials" }, null);
      expect(r.status).toBe(401);
      expect(r.body).toMatchObject({ code: "UNAUTHORIZED" });
    });

    sandboxOnly("answers 400 INVALID_REQUEST for a missing field or grant type", async () => {
      expect((await raw("POST", "/api/auth/v1/token", { client_id: "x" }, null)).body.code).toBe("INVALID_REQUEST");
      expect(
        (
          await raw(
            "POST",
            "/api/auth/v1/token",
            { client_id: TEST_CREDENTIALS.clientId, client_secret: TEST_CREDENTIALS.clientSecret, grant_type: "password" },
            null,
          )
        ).status,
      ).toBe(400);
      expect((await raw("POST", "/api/auth/v1/token", "{not json", null)).status).toBe(400);
    });

    it("rejects a missing or unknown token on every other endpoint", async () => {
      expect((await raw("GET", "/api/pay/v1/orders/v1-x", undefined, null)).status).toBe(401);
      expect((await raw("POST", "/api/pay/v1/orders", {}, "not-a-token")).body).toEqual({ code: "UNAUTHORIZED", message: "Unauthorized" });
    });

    sandboxOnly("rejects an expired token; the client refreshes once and carries on", async () => {
      const o = await newOrder();
      const before = client.tokenRequestCount;
      sb.expireTokens();
      expect((await raw("GET", `/api/pay/v1/orders/${o.order_id}`, undefined, await client.getToken())).status).toBe(401);
      expect((await client.getOrder(o.order_id)).order_id).toBe(o.order_id);
      expect(client.tokenRequestCount).toBe(before + 1);
    });

    sandboxOnly("tokens really expire after the configured TTL", async () => {
      sb.updateSettings({ token_ttl_seconds: 1 });
      const r = await raw(
        "POST",
        "/api/auth/v1/token",
        { client_id: TEST_CREDENTIALS.clientId, client_secret: TEST_CREDENTIALS.clientSecret, grant_type: "client_credentials" },
        null,
      );
      expect(r.body.expires_in).toBe(1);
      expect((await raw("GET", "/api/pay/v1/orders/reference/nothing", undefined, r.body.access_token)).status).toBe(notFoundStatus());
      // Once its second is up, the token is refused.
      await waitFor(
        async () => (await raw("GET", "/api/pay/v1/orders/reference/nothing", undefined, r.body.access_token)).status,
        (status) => status === 401,
        3000,
      );
    });
  });

  describe("orders", () => {
    it("creates an order in the documented shape", async () => {
      const reference = ref();
      const res = await raw("POST", "/api/pay/v1/orders", {
        merchant_order_reference: reference,
        order_amount: { value: 1100, currency: "INR" },
        pre_auth: false,
        notes: "order1",
        purchase_details: DOC_CREATE_ORDER_RESPONSE.data.purchase_details,
      });
      expect(res.status).toBe(200);
      expectShape(res.body.data, DOC_CREATE_ORDER_RESPONSE.data);
      expect(res.body.data).toMatchObject({
        merchant_order_reference: reference,
        type: "CHARGE",
        status: "CREATED",
        order_amount: { value: 1100, currency: "INR" },
        pre_auth: false,
        payments: [],
      });
      expect(res.body.data.order_id).toMatch(/^v1-\d{10,12}-aa-[A-Za-z0-9]{6}$/);
      expect(res.body.data.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3,6}Z$/);
      expect(orderResponse.safeParse(res.body.data).success).toBe(true);
    });

    sandboxOnly("accepts a numeric merchant_order_reference and answers it as a string", async () => {
      const n = Math.floor(Math.random() * 1e9);
      const res = await raw("POST", "/api/pay/v1/orders", { merchant_order_reference: n, order_amount: { value: 1100, currency: "INR" } });
      expect(res.body.data.merchant_order_reference).toBe(String(n));
    });

    const invalid: Array<[string, object, string]> = [
      ["amount below 100", { order_amount: { value: 99, currency: "INR" } }, "Amount must be an Integer value greater than or equal to 1"],
      ["fractional amount", { order_amount: { value: 100.5, currency: "INR" } }, "Amount must be an Integer value greater than or equal to 1"],
      ["amount above the limit", { order_amount: { value: 100_000_001, currency: "INR" } }, "Amount must be an Integer value less than or equal to 100000000"],
      ["empty reference", { merchant_order_reference: "" }, "Merchant Order Reference must not be empty"],
      ["51-character reference", { merchant_order_reference: "a".repeat(51) }, "Merchant Order Reference must be less than or equal to 50 characters"],
      ["unknown payment method", { allowed_payment_methods: ["CASH"] }, "Payment method is missing/invalid"],
      ["51-character first name", { purchase_details: { customer: { first_name: "x".repeat(51) } } }, "Invalid Request Parameters"],
      ["short pincode", { purchase_details: { customer: { billing_address: { pincode: "123" } } } }, "Invalid Request Parameters"],
      ["relative callback URL", { callback_url: "/return" }, "Invalid Request Parameters"],
    ];
    for (const [name, patch, message] of invalid) {
      sandboxOnly(`rejects ${name} with 400 INVALID_REQUEST "${message}"`, async () => {
        const res = await raw("POST", "/api/pay/v1/orders", { merchant_order_reference: ref(), order_amount: { value: 1100, currency: "INR" }, ...patch });
        expect(res.status).toBe(400);
        expect(res.body).toMatchObject({ code: "INVALID_REQUEST", message });
        expect(sb.snapshot().orders).toHaveLength(0);
      });
    }

    it("returns the existing order for a repeated identical request", async () => {
      const body = { merchant_order_reference: ref(), order_amount: { value: 1100, currency: "INR" as const } };
      const a = await client.createOrder(body);
      const b = await client.createOrder(body);
      expect(b.order_id).toBe(a.order_id);
    });

    sandboxOnly("answers 422 DUPLICATE_REQUEST for the same reference with another body, or always in reject mode", async () => {
      const reference = ref();
      await client.createOrder({ merchant_order_reference: reference, order_amount: { value: 1100, currency: "INR" } });
      // Another body under the same reference: refused in either reading, and the client leaves it refused (it is not this order).
      const e = await rejection(client.createOrder({ merchant_order_reference: reference, order_amount: { value: 1200, currency: "INR" } }));
      expect(e).toMatchObject({ status: 422, code: "DUPLICATE_REQUEST" });
      // The same body again: the existing order (replay), or 422 (reject), which the client reads back.
      const again = await raw("POST", "/api/pay/v1/orders", { merchant_order_reference: reference, order_amount: { value: 1100, currency: "INR" } });
      expect(again.status).toBe(reading("idempotency") === "replay" ? 200 : 422);
      sb.updateSettings({ idempotency: "reject" });
      expect((await raw("POST", "/api/pay/v1/orders", { merchant_order_reference: reference, order_amount: { value: 1100, currency: "INR" } })).body).toEqual({
        code: "DUPLICATE_REQUEST",
        message: "The request has already been processed",
      });
      const read = await client.createOrder({ merchant_order_reference: reference, order_amount: { value: 1100, currency: "INR" } });
      expect(read.merchant_order_reference).toBe(reference);
    });

    it("gets an order by id and by merchant reference", async () => {
      const o = await newOrder();
      expect((await client.getOrder(o.order_id)).merchant_order_reference).toBe(o.merchant_order_reference);
      expect((await client.getOrderByReference(o.merchant_order_reference!)).order_id).toBe(o.order_id);
    });

    it("answers ORDER_NOT_FOUND for an unknown order", async () => {
      const e = await rejection(client.getOrder("v1-000000000000-aa-NOPE00"));
      expect(e.isNotFound).toBe(true);
      expect(e.code).toBe("ORDER_NOT_FOUND");
      expect((await rejection(client.getOrderByReference("no_such_reference"))).isNotFound).toBe(true);
    });
  });

  describe("UPI payments", () => {
    it("INTENT: challenge_url is the documented upi:// deep link", async () => {
      const o = await newOrder(34900);
      const p = await pay(o.order_id, { mode: "INTENT", merchantPaymentReference: ref("pay"), amountInPaise: 34900 });
      expect(p.status).toBe("PENDING");
      const link = parseUpiLink(p.challenge_url!);
      expect(link).toMatchObject({ amountInPaise: 34900, mc: "6012", cu: "INR", mode: "04" });
      expect(link!.tn).toContain(o.order_id);
      expect(p.payments[0]).toMatchObject({ status: "PENDING", payment_method: "UPI", upi: { txn_mode: "INTENT" } });
      expect(p.payments[0]!.id).toMatch(new RegExp(`^${o.order_id}-up-.$`));
      const rawRes = await raw("GET", `/api/pay/v1/orders/${o.order_id}`);
      expectShape(rawRes.body.data, DOC_INTENT_RESPONSE.data);
    });

    it("QR: also an image_url that serves a PNG of the same link, expiring like a pre-signed URL", async () => {
      const o = await newOrder(34900);
      const p = await pay(o.order_id, { mode: "QR", merchantPaymentReference: ref("pay"), amountInPaise: 34900 });
      expect(p.challenge_url).toMatch(/^upi:\/\/pay\?/);
      expect(p.image_url).toContain("X-Amz-Expires=1200");
      expect(p.payments[0]!.upi).toMatchObject({ txn_mode: "INTENT", upi_qr: true });
      const img = await fetch(p.image_url!);
      expect(img.status).toBe(200);
      expect(img.headers.get("content-type")).toBe("image/png");
      expect(
        Buffer.from(await img.arrayBuffer())
          .subarray(1, 4)
          .toString(),
      ).toBe("PNG");
      if (!UAT) expect((await fetch(p.image_url!.replace(/X-Amz-Signature=\w+/, "X-Amz-Signature=0000"))).status).toBe(403);
    });

    it("COLLECT: validates the VPA and waits for the payer", async () => {
      const o = await newOrder(100);
      const p = await pay(o.order_id, {
        mode: "COLLECT",
        vpa: "kevin.bob@examplebank",
        merchantPaymentReference: ref("pay"),
        amountInPaise: 100,
      });
      expect(p.status).toBe("PENDING");
      expect(p.payments[0]).toMatchObject({ status: "PENDING", upi: { txn_mode: "COLLECT", payer: { vpa: "kevin.bob@examplebank" } } });
      expectShape((await raw("GET", `/api/pay/v1/orders/${o.order_id}`)).body.data, DOC_COLLECT_RESPONSE.data);
    });

    sandboxOnly("rejects other methods, wrong amounts and bad VPAs with the documented codes", async () => {
      const o = await newOrder(1100);
      const pay = (item: object) =>
        raw("POST", `/api/pay/v1/orders/${o.order_id}/payments`, {
          payments: [
            {
              merchant_payment_reference: ref("pay"),
              payment_method: "UPI",
              payment_amount: { value: 1100, currency: "INR" },
              payment_option: { upi_details: { txn_mode: "INTENT" } },
              ...item,
            },
          ],
        });
      expect((await pay({ payment_method: "CARD" })).body).toMatchObject({ code: "PAYMENT_METHOD_NOT_ENABLED" });
      expect((await pay({ payment_method: "CARD" })).status).toBe(422);
      expect((await pay({ payment_method: "" })).body).toMatchObject({ code: "INVALID_REQUEST", message: "Payment method is missing/invalid" });
      expect((await pay({ payment_amount: { value: 1000, currency: "INR" } })).status).toBe(400);
      expect((await pay({ payment_option: { upi_details: { txn_mode: "COLLECT" } } })).status).toBe(400);
      expect((await pay({ payment_option: { upi_details: { txn_mode: "COLLECT", payer: { vpa: "not-a-vpa" } } } })).status).toBe(400);
      expect((await pay({ payment_option: { upi_details: { txn_mode: "COLLECT", payer: { vpa: "invalid@sandbox" } } } })).body).toMatchObject({
        code: "INVALID_USER_ACCOUNT",
      });
      expect((await pay({ payment_option: { upi_details: { txn_mode: "QR" } } })).status).toBe(400);
      expect(
        (
          await raw("POST", `/api/pay/v1/orders/v1-000000000000-aa-NOPE00/payments`, {
            payments: [{ payment_method: "UPI", payment_amount: { value: 1100, currency: "INR" }, payment_option: { upi_details: { txn_mode: "INTENT" } } }],
          })
        ).status,
      ).toBe(notFoundStatus());
      expect((await client.getOrder(o.order_id)).status).toBe("CREATED");
    });

    sandboxOnly("accepts the docs' UPI sample without merchant_payment_reference", async () => {
      const o = await newOrder(1100);
      const res = await raw("POST", `/api/pay/v1/orders/${o.order_id}/payments`, {
        payments: [{ payment_method: "UPI", payment_amount: { value: 1100, currency: "INR" }, payment_option: { upi_details: { txn_mode: "INTENT" } } }],
      });
      expect(res.status).toBe(200);
      // Wrapped: the order; flat: the payment, as the guide's sample says a new one is.
      if (reading("payment_response") === "wrapped") expect(res.body.data.status).toBe("PENDING");
      else expect(res.body).toMatchObject({ status: "INITIATED", payment_id: expect.stringMatching(new RegExp(`^${o.order_id}-up-.$`)) });
    });

    it("replays a payment with the same merchant_payment_reference instead of creating a second one", async () => {
      const o = await newOrder(1100);
      const input = { mode: "INTENT" as const, merchantPaymentReference: ref("pay"), amountInPaise: 1100 };
      const a = await pay(o.order_id, input);
      const b = await pay(o.order_id, input);
      expect(b.payments.length).toBe(a.payments.length);
      expect(b.payments.at(-1)!.id).toBe(a.payments.at(-1)!.id);
    });

    sandboxOnly("a new payment on a pending order replaces the pending one, which can no longer be paid (replace), or is refused (reject)", async () => {
      const o = await newOrder(1100);
      if (reading("pending_payment_policy") === "reject") {
        await pay(o.order_id, { mode: "QR", merchantPaymentReference: ref("pay"), amountInPaise: 1100 });
        const e = await rejection(pay(o.order_id, { mode: "COLLECT", vpa: "someone@okaxis", merchantPaymentReference: ref("pay"), amountInPaise: 1100 }));
        expect(e).toMatchObject({ status: 422, code: "PAYMENT_PENDING" });
        expect((await client.getOrder(o.order_id)).payments.map((p) => p.status)).toEqual(["PENDING"]);
        return;
      }
      const qr = await pay(o.order_id, { mode: "QR", merchantPaymentReference: ref("pay"), amountInPaise: 1100 });
      const collect = await pay(o.order_id, {
        mode: "COLLECT",
        vpa: "someone@okaxis",
        merchantPaymentReference: ref("pay"),
        amountInPaise: 1100,
      });
      expect(collect.payments.map((p) => p.status)).toEqual(["CANCELLED", "PENDING"]);
      expect(() => sb.approve(qr.payments[0]!.id)).toThrow(/only a PENDING payment/);
      sb.updateSettings({ pending_payment_policy: "reject" });
      expect((await rejection(pay(o.order_id, { mode: "INTENT", merchantPaymentReference: ref("pay"), amountInPaise: 1100 }))).code).toBe("PAYMENT_PENDING");
    });
  });

  describe.skipIf(UAT)("status paths (sandbox only: outcomes are forced)", () => {
    it("approve: PENDING → PROCESSED, with ORDER_PROCESSED signed as documented", async () => {
      const o = await newOrder(34900, { notes: "order1", callback_url: "https://shop.example/return", failure_callback_url: "https://shop.example/failed" });
      const p = await pay(o.order_id, { mode: "QR", merchantPaymentReference: ref("pay"), amountInPaise: 34900 });
      sb.approve(p.payments[0]!.id, "shopper@okicici");
      const done = await client.getOrder(o.order_id);
      expect(done.status).toBe("PROCESSED");
      expect(done.payments[0]).toMatchObject({ status: "PROCESSED", acquirer_data: { approval_code: "00" } });
      expect(done.payments[0]!.acquirer_data!.acquirer_reference).toMatch(/^\d{12}$/);
      await sb.flush();
      expect(events()).toEqual(["ORDER_PROCESSED"]);
      const hook = hooks.received[0]!;
      expect(hook.verified).toBe(true);
      expect(hook.id).toMatch(/^msg_[A-Za-z0-9]{27}$/);
      const payload = JSON.parse(hook.body);
      expectShape(payload.data, DOC_WEBHOOK_ORDER_PROCESSED.data);
      expect(payload.data.payments[0].payment_option.upi_data.payer.vpa).toBe("shopper@okicici");
      expect(payload.data.integration_mode).toBe("SEAMLESS");
    });

    it("decline: ATTEMPTED with retries remaining, then a retry on the same order succeeds", async () => {
      const o = await newOrder(1100);
      const first = await pay(o.order_id, {
        mode: "COLLECT",
        vpa: "someone@okaxis",
        merchantPaymentReference: ref("pay"),
        amountInPaise: 1100,
      });
      sb.decline(first.payments[0]!.id);
      const attempted = await client.getOrder(o.order_id);
      expect(attempted).toMatchObject({ status: "ATTEMPTED", payment_retries_remaining: 2 });
      expect(attempted.payments[0]).toMatchObject({
        status: "FAILED",
        error_detail: { code: "PAYMENT_DECLINED", message: "Transaction declined by Acquirer due to unknown reason" },
      });
      const second = await pay(o.order_id, { mode: "INTENT", merchantPaymentReference: ref("pay"), amountInPaise: 1100 });
      sb.approve(second.payments[1]!.id);
      expect((await client.getOrder(o.order_id)).status).toBe("PROCESSED");
      await sb.flush();
      expect(events()).toEqual(["PAYMENT_FAILED", "ORDER_PROCESSED"]);
    });

    it("FAILED when the retries run out; no further payment is accepted", async () => {
      const o = await newOrder(1100);
      for (let i = 0; i < 3; i++) {
        const p = await pay(o.order_id, { mode: "INTENT", merchantPaymentReference: ref("pay"), amountInPaise: 1100 });
        sb.decline(p.payments.at(-1)!.id, "USER_AUTHENTICATION_FAILED");
      }
      expect((await client.getOrder(o.order_id)).status).toBe("FAILED");
      expect((await rejection(pay(o.order_id, { mode: "INTENT", merchantPaymentReference: ref("pay"), amountInPaise: 1100 }))).code).toBe(
        "OPERATION_NOT_ALLOWED",
      );
      await sb.flush();
      expect(events().slice(-2)).toEqual(["PAYMENT_FAILED", "ORDER_FAILED"]);
    });

    it("expiry: an unanswered payment fails with PAYMENT_EXPIRED and sends PAYMENT_FAILED", async () => {
      sb.updateSettings({ payment_expiry_seconds: 1 });
      const o = await newOrder(1100);
      await pay(o.order_id, { mode: "COLLECT", vpa: "timeout@sandbox", merchantPaymentReference: ref("pay"), amountInPaise: 1100 });
      const after = await waitFor(
        () => client.getOrder(o.order_id),
        (x) => x.status !== "PENDING",
        3000,
      );
      expect(after.status).toBe("ATTEMPTED");
      expect(after.payments[0]).toMatchObject({ status: "FAILED", error_detail: { code: "PAYMENT_EXPIRED", message: "The payment has expired" } });
      await sb.flush();
      expect(events()).toEqual(["PAYMENT_FAILED"]);
    });

    it("test VPAs answer by themselves", async () => {
      const a = await newOrder(1100);
      await pay(a.order_id, { mode: "COLLECT", vpa: "success@sandbox", merchantPaymentReference: ref("pay"), amountInPaise: 1100 });
      const b = await newOrder(1100);
      await pay(b.order_id, { mode: "COLLECT", vpa: "decline@sandbox", merchantPaymentReference: ref("pay"), amountInPaise: 1100 });
      const c = await newOrder(1100);
      await pay(c.order_id, { mode: "COLLECT", vpa: "nofunds@sandbox", merchantPaymentReference: ref("pay"), amountInPaise: 1100 });
      expect(
        (
          await waitFor(
            () => client.getOrder(a.order_id),
            (x) => x.status !== "PENDING",
          )
        ).status,
      ).toBe("PROCESSED");
      expect(
        (
          await waitFor(
            () => client.getOrder(b.order_id),
            (x) => x.status !== "PENDING",
          )
        ).status,
      ).toBe("ATTEMPTED");
      expect(
        (
          await waitFor(
            () => client.getOrder(c.order_id),
            (x) => x.status !== "PENDING",
          )
        ).payments[0]!.error_detail?.code,
      ).toBe("INSUFFICIENT_FUNDS");
    });

    it("test amounts have fixed outcomes (.51 approves, .52 declines)", async () => {
      const a = await newOrder(10151);
      await pay(a.order_id, { mode: "INTENT", merchantPaymentReference: ref("pay"), amountInPaise: 10151 });
      const b = await newOrder(10152);
      await pay(b.order_id, { mode: "QR", merchantPaymentReference: ref("pay"), amountInPaise: 10152 });
      expect(
        (
          await waitFor(
            () => client.getOrder(a.order_id),
            (x) => x.status !== "PENDING",
          )
        ).status,
      ).toBe("PROCESSED");
      expect(
        (
          await waitFor(
            () => client.getOrder(b.order_id),
            (x) => x.status !== "PENDING",
          )
        ).status,
      ).toBe("ATTEMPTED");
    });

    it("pre-auth with UPI refused (pre_auth_upi: refused): at create order for UPI only, at create payment otherwise", async () => {
      if (reading("pre_auth_upi") !== "refused") sb.updateSettings({ pre_auth_upi: "refused" });
      const e = await rejection(newOrder(5000, { pre_auth: true, allowed_payment_methods: ["UPI"] }));
      expect(e).toMatchObject({ status: 400, code: "INVALID_REQUEST" });
      expect(e.message).toContain("Pre-authorization is supported only for CARD and POINTS");
      const o = await newOrder(5000, { pre_auth: true });
      const p = await rejection(pay(o.order_id, { mode: "INTENT", merchantPaymentReference: ref("pay"), amountInPaise: 5000 }));
      expect(p).toMatchObject({ status: 422, code: "PAYMENT_METHOD_NOT_ENABLED" });
      expect((await client.getOrder(o.order_id)).status).toBe("CREATED");
    });

    it("pre-auth: AUTHORIZED → capture → PROCESSED; capture is only allowed from AUTHORIZED", async () => {
      sb.updateSettings({ pre_auth_upi: "honoured" });
      const o = await newOrder(5000, { pre_auth: true });
      expect((await rejection(client.capture(o.order_id, { merchant_capture_reference: ref("cap") }))).code).toBe("OPERATION_NOT_ALLOWED");
      const p = await pay(o.order_id, { mode: "INTENT", merchantPaymentReference: ref("pay"), amountInPaise: 5000 });
      sb.approve(p.payments[0]!.id);
      expect((await client.getOrder(o.order_id)).status).toBe("AUTHORIZED");
      const cap = ref("cap");
      const captured = await client.capture(o.order_id, { merchant_capture_reference: cap, capture_amount: { value: 5000, currency: "INR" } });
      expect(captured.status).toBe("PROCESSED");
      expect(captured.payments[0]).toMatchObject({ status: "PROCESSED", capture_data: [{ merchant_capture_reference: cap }] });
      expect((await client.capture(o.order_id, { merchant_capture_reference: cap })).status).toBe("PROCESSED");
      await sb.flush();
      expect(events()).toEqual(["ORDER_AUTHORIZED", "ORDER_PROCESSED"]);
    });

    it("pre-auth: AUTHORIZED → cancel → CANCELLED; cancel is refused on a pending order unless any_open", async () => {
      sb.updateSettings({ pre_auth_upi: "honoured", pending_payment_policy: "replace" });
      const o = await newOrder(5000, { pre_auth: true });
      const p = await pay(o.order_id, { mode: "INTENT", merchantPaymentReference: ref("pay"), amountInPaise: 5000 });
      sb.approve(p.payments[0]!.id);
      const cancelled = await client.cancel(o.order_id);
      expect(cancelled).toMatchObject({ status: "CANCELLED", payments: [{ status: "CANCELLED" }] });
      expect((await rejection(client.cancel(o.order_id))).code).toBe("OPERATION_NOT_ALLOWED");

      const pending = await newOrder(1100);
      await pay(pending.order_id, { mode: "INTENT", merchantPaymentReference: ref("pay"), amountInPaise: 1100 });
      expect((await rejection(client.cancel(pending.order_id))).code).toBe("OPERATION_NOT_ALLOWED");
      sb.updateSettings({ cancel_policy: "any_open" });
      expect((await client.cancel(pending.order_id)).status).toBe("CANCELLED");
      expect((await rejection(pay(pending.order_id, { mode: "INTENT", merchantPaymentReference: ref("pay"), amountInPaise: 1100 }))).code).toBe(
        "ORDER_CANCELLED",
      );
      await sb.flush();
      expect(events()).toEqual(["ORDER_AUTHORIZED", "ORDER_CANCELLED", "ORDER_CANCELLED"]);
    });

    async function paidOrder(value = 10000) {
      const o = await newOrder(value);
      const p = await pay(o.order_id, { mode: "INTENT", merchantPaymentReference: ref("pay"), amountInPaise: value });
      sb.approve(p.payments[0]!.id);
      return o;
    }

    it("refunds: partial then the rest; the parent becomes PARTIALLY_ then FULLY_REFUNDED", async () => {
      const o = await paidOrder(10000);
      const r1 = await client.refund(o.order_id, { merchant_order_reference: ref("rf"), order_amount: { value: 4000, currency: "INR" } });
      expect(r1).toMatchObject({ parentOrderId: o.order_id, status: "PENDING", amount: 4000 });
      expect(
        (
          await waitFor(
            () => client.getOrder(r1.refundId),
            (x) => x.status !== "PENDING",
          )
        ).status,
      ).toBe("PROCESSED");
      expect((await client.getOrder(o.order_id)).status).toBe("PARTIALLY_REFUNDED");
      expect((await rejection(client.refund(o.order_id, { merchant_order_reference: ref("rf"), order_amount: { value: 6001, currency: "INR" } }))).status).toBe(
        400,
      );
      const r2 = await client.refund(o.order_id, { merchant_order_reference: ref("rf"), order_amount: { value: 6000, currency: "INR" } });
      await waitFor(
        () => client.getOrder(r2.refundId),
        (x) => x.status !== "PENDING",
      );
      const parent = await client.getOrder(o.order_id);
      expect(parent.status).toBe("FULLY_REFUNDED");
      expect(parent.refunds).toHaveLength(2);
      await sb.flush();
      if (reading("refund_webhooks") === "none") {
        // Nothing tells the merchant: Get Order on the refund order (above) is how it is learnt.
        expect(events()).toEqual(["ORDER_PROCESSED"]);
        return;
      }
      expect(events()).toEqual(["ORDER_PROCESSED", "REFUND_PROCESSED", "REFUND_PROCESSED"]);
      const refundHook = JSON.parse(hooks.received[1]!.body);
      expect(refundHook.data).toMatchObject({ type: "REFUND", parent_order_id: o.order_id, status: "PROCESSED" });
    });

    it("refunds: idempotent by reference, refused before payment, .13 paise fails with REFUND_FAILED, refund_amount accepted", async () => {
      const unpaid = await newOrder(10000);
      expect(
        (await rejection(client.refund(unpaid.order_id, { merchant_order_reference: ref("rf"), order_amount: { value: 100, currency: "INR" } }))).code,
      ).toBe("OPERATION_NOT_ALLOWED");
      const o = await paidOrder(10000);
      const body = { merchant_order_reference: ref("rf"), order_amount: { value: 1000, currency: "INR" as const } };
      const a = await client.refund(o.order_id, body);
      const b = await client.refund(o.order_id, body);
      expect(b.refundId).toBe(a.refundId);
      const failing = await client.refund(o.order_id, { merchant_order_reference: ref("rf"), order_amount: { value: 1013, currency: "INR" } });
      expect(
        (
          await waitFor(
            () => client.getOrder(failing.refundId),
            (x) => x.status !== "PENDING",
          )
        ).status,
      ).toBe("FAILED");
      const woo = await raw("POST", `/api/pay/v1/refunds/${o.order_id}`, { merchant_order_reference: ref("rf"), refund_amount: 500, refund_reason: "damaged" });
      expect(woo.body.data).toMatchObject({ type: "REFUND", order_amount: { value: 500 } });
      await sb.flush();
      if (reading("refund_webhooks") === "sent") expect(events()).toContain("REFUND_FAILED");
      else expect(events()).not.toContain("REFUND_FAILED");
    });

    it("landing mode: an https challenge page, and a signed callback for the return URL", async () => {
      sb.updateSettings({ challenge_mode: "landing" });
      const o = await newOrder(1100, { callback_url: "https://shop.example/return", failure_callback_url: "https://shop.example/failed" });
      const p = await pay(o.order_id, { mode: "INTENT", merchantPaymentReference: ref("pay"), amountInPaise: 1100 });
      expect(p.challenge_url).toBe(`${baseUrl}/pay/${encodeURIComponent(p.payments[0]!.id)}`);
      sb.decline(p.payments[0]!.id);
      const failed = sb.callbackFor(o.order_id)!;
      expect(failed.url).toBe("https://shop.example/failed");
      expect(failed.fields).toMatchObject({ order_id: o.order_id, status: "ATTEMPTED", error_code: "PAYMENT_DECLINED" });
      expect(verifyCallback(failed.fields, TEST_CREDENTIALS.clientSecret)).toBe(true);
      const p2 = await pay(o.order_id, { mode: "INTENT", merchantPaymentReference: ref("pay"), amountInPaise: 1100 });
      sb.approve(p2.payments[1]!.id);
      const ok = sb.callbackFor(o.order_id)!;
      expect(ok).toMatchObject({ url: "https://shop.example/return", fields: { order_id: o.order_id, status: "PROCESSED" } });
      expect(Object.keys(ok.fields).sort()).toEqual(["order_id", "signature", "status"]);
      expect(verifyCallback(ok.fields, TEST_CREDENTIALS.clientSecret)).toBe(true);
    });
  });

  describe.skipIf(UAT)("webhook delivery (sandbox only)", () => {
    async function approvedOrder() {
      const o = await newOrder(1100);
      const p = await pay(o.order_id, { mode: "INTENT", merchantPaymentReference: ref("pay"), amountInPaise: 1100 });
      sb.approve(p.payments[0]!.id);
      return o;
    }

    it("retries a non-2xx answer with the same webhook-id until it is accepted", async () => {
      hooks.failNext = 2;
      await approvedOrder();
      await sb.flush();
      expect(hooks.received.map((h) => h.id)).toEqual(Array(3).fill(hooks.received[0]!.id));
      const d = sb.snapshot().webhooks[0]!;
      expect(d.state).toBe("delivered");
      expect(d.attempts.map((a) => a.status)).toEqual([500, 500, 200]);
    });

    it("gives up after 3 retries (backoff), or after the documented schedule's 8 (immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h)", async () => {
      hooks.failNext = 100;
      await approvedOrder();
      await sb.flush(5000);
      const documented = reading("webhook.schedule") === "documented";
      expect(hooks.received).toHaveLength(documented ? 9 : 4);
      const d = sb.snapshot().webhooks[0]!;
      expect(d.state).toBe("failed");
      if (documented) {
        // The gaps between attempts follow the schedule (at time_scale 100,000: 10 h is 360 ms).
        const at = d.attempts.map((a) => Date.parse(a.at));
        const gaps = at.slice(1).map((t, i) => t - at[i]!);
        expect(gaps[6]).toBeGreaterThanOrEqual(360 - 50);
        expect(gaps[0]).toBeLessThan(gaps[5]!);
      }
    });

    it("retries are signed afresh (fresh), or keep the first timestamp (first): a receiver's 300 s window refuses them from the 5-minute retry on", async () => {
      // At 1,000 times real time the 5-minute retry comes 0.3 s after the first try (an hour is 3.6 s).
      sb.updateSettings({ webhook: { schedule: "documented", time_scale: 1000 } });
      hooks.failNext = 100;
      await approvedOrder();
      await waitFor(
        () => hooks.received.length,
        (n) => n >= 5,
        10_000,
      );
      sb.updateSettings({ webhook: { enabled: false } });
      const five = hooks.received.slice(0, 5);
      const stamps = five.map((h) => Number(h.headers["webhook-timestamp"]));
      const now = Math.floor(Date.now() / 1000);
      if (reading("webhook.timestamp") === "first") {
        // The first three tries (now, immediately, 5 s) are within the window; the 5-minute retry and the next are not.
        expect(five.map((h) => h.verified)).toEqual([true, true, true, false, false]);
        expect(now - stamps[4]!).toBeGreaterThan(30 * 60);
      } else {
        expect(five.every((h) => h.verified)).toBe(true);
        expect(Math.max(...stamps.map((t) => Math.abs(now - t)))).toBeLessThan(60);
      }
    });

    it("drop, duplicate and out-of-order knobs", async () => {
      sb.updateSettings({ webhook: { drop: 1 } });
      await approvedOrder();
      await sb.flush();
      expect(hooks.received).toHaveLength(0);
      expect(sb.snapshot().webhooks[0]!.state).toBe("dropped");

      sb.updateSettings({ webhook: { drop: 0, duplicate: true } });
      await approvedOrder();
      await sb.flush();
      expect(hooks.received).toHaveLength(2);
      expect(hooks.received[0]!.id).toBe(hooks.received[1]!.id);

      hooks.received.length = 0;
      sb.updateSettings({ webhook: { duplicate: false, out_of_order: true } });
      const o = await newOrder(1100);
      const p1 = await pay(o.order_id, { mode: "INTENT", merchantPaymentReference: ref("pay"), amountInPaise: 1100 });
      sb.decline(p1.payments[0]!.id);
      const p2 = await pay(o.order_id, { mode: "INTENT", merchantPaymentReference: ref("pay"), amountInPaise: 1100 });
      sb.approve(p2.payments[1]!.id);
      await sb.flush();
      expect(events()).toEqual(["ORDER_PROCESSED", "PAYMENT_FAILED"]);
    });

    it("redelivers an event on request with the same id and a fresh signature", async () => {
      await approvedOrder();
      await sb.flush();
      const id = hooks.received[0]!.id;
      const res = await fetch(`${server!.url}/sandbox/control/webhooks/${id}/redeliver`, { method: "POST" });
      expect(res.status).toBe(200);
      expect(hooks.received.map((h) => h.id)).toEqual([id, id]);
      expect(hooks.received.every((h) => h.verified)).toBe(true);
    });
  });

  describe.skipIf(UAT)("faults (sandbox only)", () => {
    const control = (path: string, body?: unknown, method = "POST") =>
      fetch(`${server!.url}/sandbox/control/${path}`, {
        method,
        headers: { "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });

    it("503 for the next 2 calls: the client retries and succeeds", async () => {
      const o = await newOrder();
      expect((await control("faults", { endpoint: "getOrder", kind: "status", status: 503, count: 2 })).status).toBe(201);
      expect((await client.getOrder(o.order_id)).order_id).toBe(o.order_id);
      expect(sb.faults()[0]).toMatchObject({ hits: 2, remaining: 0 });
    });

    it("a lost answer on create order: the retry replays the same order, never a second one", async () => {
      await control("faults", { endpoint: "createOrder", kind: "status", status: 504, count: 1, phase: "after" });
      const o = await newOrder();
      expect(sb.snapshot().orders).toHaveLength(1);
      expect(sb.snapshot().orders[0]!.order_id).toBe(o.order_id);
    });

    it("a hung request times out in the client", async () => {
      await control("faults", { endpoint: "getOrder", kind: "hang", count: 5 });
      const slow = createPluralClient({
        baseUrl,
        clientId: TEST_CREDENTIALS.clientId,
        clientSecret: TEST_CREDENTIALS.clientSecret,
        timeoutMs: 150,
        retry: { retries: 1, baseDelayMs: 1 },
      });
      const e = await rejection(slow.getOrder("v1-x"));
      expect(e.kind).toBe("timeout");
    });

    it("429 with Retry-After, latency, and clearing faults", async () => {
      await control("faults", { endpoint: "*", kind: "latency", latency_ms: 50, count: 1 });
      await control("faults", { endpoint: "token", kind: "status", status: 429, count: 1 });
      const fresh = createPluralClient({ baseUrl, clientId: TEST_CREDENTIALS.clientId, clientSecret: TEST_CREDENTIALS.clientSecret, sleep: async () => {} });
      const started = Date.now();
      expect(await fresh.getToken()).toBeTruthy();
      expect(Date.now() - started).toBeGreaterThanOrEqual(50);
      expect((await control("faults", undefined, "DELETE")).status).toBe(200);
      expect(sb.faults()).toEqual([]);
      expect((await control("faults", { kind: "status" })).status).toBe(400);
    });
  });

  describe.skipIf(UAT)("call counters (sandbox only)", () => {
    const stats = async () => (await (await fetch(`${server!.url}/sandbox/control/stats`)).json()) as { calls: Record<string, number>; since: string };

    it("counts API calls by operation after authentication, failures and injected faults included; reset starts again", async () => {
      const reset = await fetch(`${server!.url}/sandbox/control/stats/reset`, { method: "POST" });
      expect(reset.status).toBe(200);
      const zero = await stats();
      expect(zero.calls).toEqual({ token: 0, createOrder: 0, getOrder: 0, getOrderByReference: 0, createPayment: 0, capture: 0, cancel: 0, refund: 0 });
      expect(Date.parse(zero.since)).toBeGreaterThan(Date.now() - 60_000);

      const fresh = createPluralClient({ baseUrl, clientId: TEST_CREDENTIALS.clientId, clientSecret: TEST_CREDENTIALS.clientSecret, sleep: async () => {} });
      const o = await fresh.createOrder({ merchant_order_reference: ref(), order_amount: { value: 1100, currency: "INR" } });
      await fresh.createUpiPayment(o.order_id, { mode: "INTENT", merchantPaymentReference: ref("pay"), amountInPaise: 1100 });
      await fetch(`${server!.url}/sandbox/control/faults`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ endpoint: "getOrder", kind: "status", status: 503, count: 1 }),
      });
      await fresh.getOrder(o.order_id); // a 503, then the retry
      expect((await rejection(fresh.getOrderByReference("no_such_reference"))).isNotFound).toBe(true);
      expect((await raw("GET", `/api/pay/v1/orders/${o.order_id}`, undefined, "not-a-token")).status).toBe(401); // not counted
      expect((await stats()).calls).toEqual({
        token: 1,
        createOrder: 1,
        getOrder: 2,
        getOrderByReference: 1,
        createPayment: 1,
        capture: 0,
        cancel: 0,
        refund: 0,
      });

      await fetch(`${server!.url}/sandbox/control/stats/reset`, { method: "POST" });
      expect(Object.values((await stats()).calls).every((n) => n === 0)).toBe(true);
    });
  });

  describe.skipIf(UAT)("concurrency (sandbox only)", () => {
    it("50 parallel payments on 50 orders: no lost or mixed state", async () => {
      const tokensBefore = client.tokenRequestCount;
      const orders = await Promise.all(Array.from({ length: 50 }, (_, i) => newOrder(10000 + i * 100)));
      const paid = await Promise.all(
        orders.map((o, i) =>
          pay(o.order_id, {
            mode: i % 3 === 0 ? "QR" : i % 3 === 1 ? "INTENT" : "COLLECT",
            vpa: "payer@okaxis",
            merchantPaymentReference: `pay_${o.order_id.slice(-6)}_${i}`,
            amountInPaise: 10000 + i * 100,
          } as never),
        ),
      );
      paid.forEach((p, i) => {
        expect(p.order_id).toBe(orders[i]!.order_id);
        expect(p.payments).toHaveLength(1);
        expect(p.payments[0]!.id.startsWith(orders[i]!.order_id)).toBe(true);
        expect(p.order_amount.value).toBe(10000 + i * 100);
      });
      await Promise.all(paid.map(async (p, i) => (i % 2 ? sb.approve(p.payments[0]!.id) : sb.decline(p.payments[0]!.id))));
      const final = await Promise.all(orders.map((o) => client.getOrder(o.order_id)));
      final.forEach((o, i) => {
        expect(o.status).toBe(i % 2 ? "PROCESSED" : "ATTEMPTED");
        expect(o.payments[0]!.payment_amount!.value).toBe(10000 + i * 100);
      });
      expect(new Set(final.map((o) => o.order_id)).size).toBe(50);
      expect(client.tokenRequestCount - tokensBefore).toBeLessThanOrEqual(1);
    });
  });
});

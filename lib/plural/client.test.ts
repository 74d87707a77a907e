import { rejection } from "./testing/rejection";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { sendJson, sequence, startScriptedServer } from "./testing/scripted-server";
import { createPluralClient, type PluralClientConfig } from "./client";
import { ERROR_CODES } from "./constants";
import {
  DOC_COLLECT_RESPONSE,
  DOC_CREATE_ORDER_RESPONSE,
  DOC_FLAT_QR_RESPONSE,
  DOC_INTENT_RESPONSE,
  DOC_QR_RESPONSE,
  DOC_REFUND_LIST_RESPONSE,
  DOC_REFUND_ORDER_RESPONSE,
} from "./testing/doc-samples";

type Server = Awaited<ReturnType<typeof startScriptedServer>>;
let server: Server;
const SECRET = "super-secret-client-secret-value";

beforeAll(async () => {
  server = await startScriptedServer();
});
afterAll(async () => {
  await server.close();
});

let tokenSeq = 0;
beforeEach(() => {
  server.reset();
  tokenSeq = 0;
  server.on("POST", "/api/auth/v1/token", (req, res) => {
    const b = req.json as { client_secret?: string };
    if (b.client_secret !== SECRET) return sendJson(res, 401, { code: "UNAUTHORIZED", message: "Unauthorized" });
    sendJson(res, 200, { access_token: `tok-${++tokenSeq}`, expires_in: 3600 });
  });
});

function client(extra: Partial<PluralClientConfig> = {}) {
  const delays: number[] = [];
  const c = createPluralClient({
    baseUrl: server.url,
    clientId: "client-1",
    clientSecret: SECRET,
    timeoutMs: 2_000,
    sleep: async (ms) => {
      delays.push(ms);
    },
    ...extra,
  });
  return Object.assign(c, { delays });
}

const orderPath = "/api/pay/v1/orders/v1-1";
const ok =
  (body: unknown = DOC_CREATE_ORDER_RESPONSE) =>
  (_: unknown, res: import("node:http").ServerResponse) =>
    sendJson(res, 200, body);

describe("token", () => {
  it("is requested with client_credentials and cached across calls", async () => {
    server.on("GET", orderPath, ok());
    const c = client();
    await c.getOrder("v1-1");
    await c.getOrder("v1-1");
    expect(server.count("POST", "/api/auth/v1/token")).toBe(1);
    const tokenReq = server.requests.find((r) => r.path === "/api/auth/v1/token")!;
    expect(tokenReq.json).toEqual({ client_id: "client-1", client_secret: SECRET, grant_type: "client_credentials" });
    const orderReqs = server.requests.filter((r) => r.path === orderPath);
    expect(orderReqs.map((r) => r.headers.authorization)).toEqual(["Bearer tok-1", "Bearer tok-1"]);
  });

  it("makes exactly one token request for 100 concurrent calls on a cold cache", async () => {
    server.on("POST", "/api/auth/v1/token", async (_req, res) => {
      await new Promise((r) => setTimeout(r, 50));
      sendJson(res, 200, { access_token: "tok-slow", expires_in: 3600 });
    });
    server.on("GET", orderPath, ok());
    const c = client();
    await Promise.all(Array.from({ length: 100 }, () => c.getOrder("v1-1")));
    expect(server.count("POST", "/api/auth/v1/token")).toBe(1);
    expect(server.count("GET", orderPath)).toBe(100);
    expect(c.tokenRequestCount).toBe(1);
  });

  it("is refreshed shortly before expires_in runs out", async () => {
    let now = 1_000_000;
    server.on("POST", "/api/auth/v1/token", (_q, res) => sendJson(res, 200, { access_token: `t${++tokenSeq}`, expires_in: 600 }));
    const c = client({ now: () => now });
    expect(await c.getToken()).toBe("t1");
    now += 500_000; // 100 s left: still good (skew is 60 s)
    expect(await c.getToken()).toBe("t1");
    now += 50_000; // 50 s left: refresh
    expect(await c.getToken()).toBe("t2");
  });

  it("accepts expires_at instead of expires_in", async () => {
    let now = Date.parse("2026-01-01T00:00:00.000Z");
    server.on("POST", "/api/auth/v1/token", (_q, res) => sendJson(res, 200, { access_token: `t${++tokenSeq}`, expires_at: "2026-01-01T00:10:00.000000Z" }));
    const c = client({ now: () => now });
    expect(await c.getToken()).toBe("t1");
    now += 9 * 60_000 - 1; // within skew of expiry (60 s before 10 min)
    expect(await c.getToken()).toBe("t1");
    now += 2;
    expect(await c.getToken()).toBe("t2");
  });

  it("falls back to 3600 s when the answer has no expiry", async () => {
    let now = 0;
    server.on("POST", "/api/auth/v1/token", (_q, res) => sendJson(res, 200, { access_token: `t${++tokenSeq}` }));
    const c = client({ now: () => now });
    await c.getToken();
    now = 3_500_000;
    expect(await c.getToken()).toBe("t1");
    now = 3_541_000;
    expect(await c.getToken()).toBe("t2");
  });

  it("refreshes the token once on a 401 and retries the call once", async () => {
    server.on("GET", orderPath, (req, res) =>
      req.headers.authorization === "Bearer tok-1"
        ? sendJson(res, 401, { code: "UNAUTHORIZED", message: "Unauthorized" })
        : sendJson(res, 200, DOC_CREATE_ORDER_RESPONSE),
    );
    const c = client();
    const order = await c.getOrder("v1-1");
    expect(order.order_id).toBe("v1-4405071524-aa-qlAtAf");
    expect(server.count("POST", "/api/auth/v1/token")).toBe(2);
    expect(server.requests.filter((r) => r.path === orderPath).map((r) => r.headers.authorization)).toEqual(["Bearer tok-1", "Bearer tok-2"]);
  });

  it("gives up after one refresh when the API keeps answering 401", async () => {
    server.on("GET", orderPath, (_q, res) => sendJson(res, 401, { code: "UNAUTHORIZED", message: "Unauthorized" }));
    const c = client();
    const e = await rejection(c.getOrder("v1-1"));
    expect(e.status).toBe(401);
    expect(e.code).toBe("UNAUTHORIZED");
    expect(server.count("GET", orderPath)).toBe(2);
    expect(server.count("POST", "/api/auth/v1/token")).toBe(2);
  });

  it("reports bad credentials as UNAUTHORIZED without echoing the secret", async () => {
    const c = client({ clientSecret: "wrong-secret-123" });
    const e = await rejection(c.getToken());
    expect(e.status).toBe(401);
    expect(e.code).toBe("UNAUTHORIZED");
    expect(JSON.stringify(e) + e.message + e.stack).not.toContain("wrong-secret-123");
  });
});

describe("headers", () => {
  it("sends Bearer, a UUID Request-ID and an ISO Request-Timestamp on every call, a new Request-ID per attempt", async () => {
    server.on(
      "GET",
      orderPath,
      sequence((_q, res) => sendJson(res, 503, { code: "INTERNAL_ERROR", message: "busy" }), ok()),
    );
    await client().getOrder("v1-1");
    const calls = server.requests;
    expect(calls.length).toBe(3);
    for (const r of calls) {
      expect(r.headers["request-id"]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(r.headers["request-timestamp"]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    }
    expect(new Set(calls.map((r) => r.headers["request-id"])).size).toBe(3);
    expect(calls[0]!.headers.authorization).toBeUndefined();
    expect(calls[1]!.headers.authorization).toBe("Bearer tok-1");
  });
});

describe("retries", () => {
  for (const status of [429, 502, 503, 504]) {
    it(`retries a GET on ${status} and succeeds`, async () => {
      server.on(
        "GET",
        orderPath,
        sequence(
          (_q, res) => sendJson(res, status, { code: "X", message: "try later" }),
          (_q, res) => sendJson(res, status, { code: "X", message: "again" }),
          ok(),
        ),
      );
      const c = client();
      const order = await c.getOrder("v1-1");
      expect(order.status).toBe("CREATED");
      expect(server.count("GET", orderPath)).toBe(3);
      expect(c.delays.length).toBe(2);
    });
  }

  it("stops after 3 retries and reports a retryable error", async () => {
    server.on("GET", orderPath, (_q, res) => sendJson(res, 503, { code: "INTERNAL_ERROR", message: "Payment processor is unavailable" }));
    const c = client();
    const e = await rejection(c.getOrder("v1-1"));
    expect(server.count("GET", orderPath)).toBe(4);
    expect(e).toMatchObject({ status: 503, code: "INTERNAL_ERROR", retryable: true, kind: "http" });
    expect(e.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("backs off exponentially with jitter and honours Retry-After", async () => {
    server.on("GET", orderPath, (_q, res) => sendJson(res, 429, { code: "API_RATE_LIMIT", message: "slow down" }, { "retry-after": "2" }));
    const c = client({ random: () => 0.5, retry: { baseDelayMs: 100, maxDelayMs: 10_000 } });
    await rejection(c.getOrder("v1-1"));
    expect(c.delays).toEqual([2000, 2000, 2000]);
    const d = client({ random: () => 1, retry: { baseDelayMs: 100, maxDelayMs: 300 } });
    server.reset();
    server.on("POST", "/api/auth/v1/token", (_q, res) => sendJson(res, 200, { access_token: "t", expires_in: 3600 }));
    server.on("GET", orderPath, (_q, res) => sendJson(res, 502, {}));
    await rejection(d.getOrder("v1-1"));
    expect(d.delays).toEqual([100, 200, 300]);
  });

  it("does not retry a 500 or a 4xx", async () => {
    server.on("GET", orderPath, (_q, res) => sendJson(res, 500, { code: "INTERNAL_ERROR", message: "Internal Server Error" }));
    await rejection(client().getOrder("v1-1"));
    expect(server.count("GET", orderPath)).toBe(1);
  });

  it("retries idempotent writes (create order carries its merchant reference)", async () => {
    server.on(
      "POST",
      "/api/pay/v1/orders",
      sequence((_q, res) => sendJson(res, 502, {}), ok()),
    );
    await client().createOrder({ merchant_order_reference: "ref-1", order_amount: { value: 1100, currency: "INR" } });
    expect(server.count("POST", "/api/pay/v1/orders")).toBe(2);
    const bodies = server.requests.filter((r) => r.path === "/api/pay/v1/orders").map((r) => r.body);
    expect(bodies[0]).toBe(bodies[1]);
  });

  it("never retries cancel (not idempotent)", async () => {
    server.on("PUT", "/api/pay/v1/orders/v1-1/cancel", (_q, res) => sendJson(res, 503, {}));
    await rejection(client().cancel("v1-1"));
    expect(server.count("PUT", "/api/pay/v1/orders/v1-1/cancel")).toBe(1);
  });

  it("times out a hung request and retries it", async () => {
    server.on(
      "GET",
      orderPath,
      sequence(() => {}, ok()),
    );
    const c = client({ timeoutMs: 200 });
    const order = await c.getOrder("v1-1");
    expect(order.order_id).toBeDefined();
    expect(server.count("GET", orderPath)).toBe(2);
  });

  it("reports a timeout when every attempt hangs", async () => {
    server.on("GET", orderPath, () => {});
    const c = client({ timeoutMs: 150, retry: { retries: 1 } });
    const e = await rejection(c.getOrder("v1-1"));
    expect(e).toMatchObject({ kind: "timeout", code: "TIMEOUT", status: 0, retryable: true });
    expect(server.count("GET", orderPath)).toBe(2);
  });

  it("reports a network error when nothing listens, after retrying", async () => {
    const c = createPluralClient({ baseUrl: "http://127.0.0.1:9", clientId: "x", clientSecret: "y", sleep: async () => {} });
    const e = await rejection(c.getToken());
    expect(e).toMatchObject({ kind: "network", code: "NETWORK_ERROR", retryable: true });
  });
});

describe("error mapping", () => {
  for (const [code, status] of Object.entries(ERROR_CODES)) {
    it(`maps ${status} ${code}`, async () => {
      server.on("GET", orderPath, (_q, res) => sendJson(res, status, { code, message: `message for ${code}` }));
      const e = await rejection(client({ retry: { retries: 0 } }).getOrder("v1-1"));
      expect(e.status).toBe(status);
      expect(e.code).toBe(code);
      expect(e.message).toContain(`message for ${code}`);
      expect(e.kind).toBe("http");
    });
  }

  it("treats ORDER_NOT_FOUND as not-found whether it comes as 404 or 422", async () => {
    server.on("GET", "/api/pay/v1/orders/a", (_q, res) =>
      sendJson(res, 404, { code: "ORDER_NOT_FOUND", message: "No order with specified order-id exists in the system" }),
    );
    server.on("GET", "/api/pay/v1/orders/b", (_q, res) =>
      sendJson(res, 422, { code: "ORDER_NOT_FOUND", message: "No order with specified order-id exists in the system" }),
    );
    const c = client();
    expect((await rejection(c.getOrder("a"))).isNotFound).toBe(true);
    expect((await rejection(c.getOrder("b"))).isNotFound).toBe(true);
  });

  it("a 404 without Plural's ORDER_NOT_FOUND (a proxy's HTML page, an empty body, a gateway's own JSON) is an upstream fault", async () => {
    server.on("GET", "/api/pay/v1/orders/html", (_q, res) => {
      res.writeHead(404, { "content-type": "text/html" });
      res.end("<html><head><title>404 Not Found</title></head><body><center><h1>404 Not Found</h1></center><hr><center>nginx</center></body></html>");
    });
    server.on("GET", "/api/pay/v1/orders/bare", (_q, res) => {
      res.writeHead(404);
      res.end();
    });
    server.on("GET", "/api/pay/v1/orders/gateway", (_q, res) => sendJson(res, 404, { code: "NOT_FOUND", message: "Not Found" }));
    server.on("GET", "/api/pay/v1/orders/html502", (_q, res) => {
      res.writeHead(502, { "content-type": "text/html" });
      res.end("<html><body><h1>502 Bad Gateway</h1></body></html>");
    });
    const c = client({ retry: { retries: 0 } });
    for (const id of ["html", "bare", "gateway"]) {
      const e = await rejection(c.getOrder(id));
      expect(e, id).toMatchObject({ kind: "http", status: 404, retryable: true });
      expect(e.isNotFound, id).toBe(false);
      expect(e.code, id).not.toBe("ORDER_NOT_FOUND");
    }
    const html = await rejection(c.getOrder("html"));
    expect(html.code).toBe("HTTP_404");
    expect(html.message).toContain("without its JSON error");
    expect(await rejection(c.getOrder("html502"))).toMatchObject({ status: 502, code: "HTTP_502", retryable: true });
  });

  it("keeps VPAs and tokens out of error messages", async () => {
    server.on("GET", orderPath, (_q, res) =>
      sendJson(res, 422, { code: "INVALID_USER_ACCOUNT", message: "VPA kevin.bob@okicici invalid for Bearer abc.def.ghi" }),
    );
    const e = await rejection(client().getOrder("v1-1"));
    expect(e.message).not.toContain("kevin.bob@okicici");
    expect(e.message).not.toContain("abc.def.ghi");
  });

  it("rejects an answer that is not JSON or not an order", async () => {
    server.on("GET", orderPath, (_q, res) => {
      res.writeHead(200, { "content-type": "text/html" });
      res.end("<html>");
    });
    expect((await rejection(client().getOrder("v1-1"))).code).toBe("INVALID_RESPONSE");
    server.on("GET", orderPath, (_q, res) => sendJson(res, 200, { data: { nope: true } }));
    expect((await rejection(client().getOrder("v1-1"))).code).toBe("INVALID_RESPONSE");
  });
});

describe("DUPLICATE_REQUEST: what was done is read back (reference §9, §13.8)", () => {
  const duplicate = (_: unknown, res: import("node:http").ServerResponse) =>
    sendJson(res, 422, { code: "DUPLICATE_REQUEST", message: "The request has already been processed" });

  it("create order: the order with that reference, by Get Order by reference", async () => {
    server.on("POST", "/api/pay/v1/orders", duplicate);
    server.on("GET", "/api/pay/v1/orders/reference/112345", ok(DOC_CREATE_ORDER_RESPONSE));
    const o = await client().createOrder({ merchant_order_reference: "112345", order_amount: { value: 1100, currency: "INR" } });
    expect(o.order_id).toBe(DOC_CREATE_ORDER_RESPONSE.data.order_id);
    // Another order under that reference (another amount): the refusal stands.
    const e = await rejection(client().createOrder({ merchant_order_reference: "112345", order_amount: { value: 1200, currency: "INR" } }));
    expect(e).toMatchObject({ code: "DUPLICATE_REQUEST", status: 422 });
  });

  it("create payment: the payment with that merchant_payment_reference, by Get Order", async () => {
    const order = { ...DOC_INTENT_RESPONSE.data, payments: [{ ...DOC_INTENT_RESPONSE.data.payments[0]!, merchant_payment_reference: "p1" }] };
    server.on("POST", "/api/pay/v1/orders/v1-1/payments", duplicate);
    server.on("GET", "/api/pay/v1/orders/v1-1", ok({ data: order }));
    const p = await client().createUpiPayment("v1-1", { mode: "INTENT", merchantPaymentReference: "p1", amountInPaise: 100 });
    expect(p).toMatchObject({ shape: "read", paymentId: order.payments[0]!.id, status: "PENDING" });
    expect(p.challengeUrl).toMatch(/^upi:/);
    // A reference Plural does not show: the refusal stands.
    expect(await rejection(client().createUpiPayment("v1-1", { mode: "INTENT", merchantPaymentReference: "p9", amountInPaise: 100 }))).toMatchObject({
      code: "DUPLICATE_REQUEST",
    });
  });

  it("refund: the refund order with that reference, if it refunds this order by this amount", async () => {
    const refund = DOC_REFUND_ORDER_RESPONSE.data;
    server.on("POST", `/api/pay/v1/refunds/${refund.parent_order_id}`, duplicate);
    server.on("GET", `/api/pay/v1/orders/reference/${refund.merchant_order_reference}`, ok(DOC_REFUND_ORDER_RESPONSE));
    const c = client();
    const input = { merchant_order_reference: refund.merchant_order_reference, order_amount: { value: 1100, currency: "INR" as const } };
    expect(await c.refund(refund.parent_order_id, input)).toMatchObject({ refundId: refund.order_id, status: "PROCESSED", amount: 1100 });
    server.on("POST", "/api/pay/v1/refunds/v1-other", duplicate);
    expect(await rejection(c.refund("v1-other", input))).toMatchObject({ code: "DUPLICATE_REQUEST" });
  });

  it("a lost answer, retried into DUPLICATE_REQUEST, ends with the order that was made", async () => {
    server.on(
      "POST",
      "/api/pay/v1/orders",
      sequence((_q, res) => sendJson(res, 504, { code: "TIMED_OUT", message: "timed out" }), duplicate),
    );
    server.on("GET", "/api/pay/v1/orders/reference/112345", ok(DOC_CREATE_ORDER_RESPONSE));
    const o = await client().createOrder({ merchant_order_reference: "112345", order_amount: { value: 1100, currency: "INR" } });
    expect(o.order_id).toBe(DOC_CREATE_ORDER_RESPONSE.data.order_id);
    expect(server.requests.map((r) => `${r.method} ${r.path}`).filter((r) => !r.includes("token"))).toEqual([
      "POST /api/pay/v1/orders",
      "POST /api/pay/v1/orders",
      "GET /api/pay/v1/orders/reference/112345",
    ]);
  });
});

describe("request validation (nothing is sent when it fails)", () => {
  const base = { merchant_order_reference: "ref-1", order_amount: { value: 1100, currency: "INR" as const } };
  const bad: Array<[string, object]> = [
    ["amount below 100 paise", { ...base, order_amount: { value: 99, currency: "INR" } }],
    ["amount above 100000000 paise", { ...base, order_amount: { value: 100_000_001, currency: "INR" } }],
    ["fractional amount", { ...base, order_amount: { value: 100.5, currency: "INR" } }],
    ["non-INR currency", { ...base, order_amount: { value: 1100, currency: "USD" } }],
    ["empty reference", { ...base, merchant_order_reference: "" }],
    ["51-char reference", { ...base, merchant_order_reference: "a".repeat(51) }],
    ["reference with a space", { ...base, merchant_order_reference: "ref 1" }],
    ["51-char first name", { ...base, purchase_details: { customer: { first_name: "a".repeat(51) } } }],
    ["bad e-mail", { ...base, purchase_details: { customer: { email_id: "not-an-email" } } }],
    ["8-digit mobile", { ...base, purchase_details: { customer: { mobile_number: "98765432" } } }],
    ["5-digit pincode", { ...base, purchase_details: { customer: { billing_address: { pincode: "12345" } } } }],
    ["101-char address line", { ...base, purchase_details: { customer: { shipping_address: { address1: "x".repeat(101) } } } }],
    ["20-char customer id", { ...base, purchase_details: { customer: { customer_id: "1".repeat(20) } } }],
    ["11 metadata pairs", { ...base, purchase_details: { merchant_metadata: Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`k${i}`, "v"])) } }],
    ["relative callback URL", { ...base, callback_url: "/return" }],
  ];
  for (const [name, body] of bad) {
    it(`create order rejects ${name}`, async () => {
      const e = await rejection(client().createOrder(body as never));
      expect(e).toMatchObject({ kind: "validation", code: "INVALID_REQUEST", status: 0 });
      expect(server.requests.length).toBe(0);
    });
  }

  it("accepts the limits themselves and a numeric reference (sent as a string)", async () => {
    server.on("POST", "/api/pay/v1/orders", ok());
    const c = client();
    await c.createOrder({ ...base, order_amount: { value: 100, currency: "INR" } });
    await c.createOrder({ ...base, merchant_order_reference: 112345, order_amount: { value: 100_000_000, currency: "INR" } });
    const sent = server.requests.filter((r) => r.path === "/api/pay/v1/orders").map((r) => r.json as { merchant_order_reference: unknown });
    expect(sent[1]!.merchant_order_reference).toBe("112345");
  });

  it("create payment requires a valid VPA for COLLECT, and none is sent otherwise", async () => {
    const c = client();
    for (const vpa of ["", "nobody", "a@b", "user@@bank", "us er@bank"]) {
      const e = await rejection(c.createUpiPayment("v1-1", { mode: "COLLECT", vpa, merchantPaymentReference: "p1", amountInPaise: 1100 }));
      expect(e.kind).toBe("validation");
      expect(e.message).not.toContain(vpa || "\u0000");
    }
    expect(server.requests.length).toBe(0);
  });

  it("builds the documented INTENT, QR and COLLECT bodies", async () => {
    server.on("POST", "/api/pay/v1/orders/v1-1/payments", ok(DOC_INTENT_RESPONSE));
    const c = client();
    await c.createUpiPayment("v1-1", { mode: "INTENT", merchantPaymentReference: "p1", amountInPaise: 1100 });
    await c.createUpiPayment("v1-1", { mode: "QR", merchantPaymentReference: "p2", amountInPaise: 1100 });
    await c.createUpiPayment("v1-1", { mode: "COLLECT", vpa: "kevin.bob@examplebank", merchantPaymentReference: "p3", amountInPaise: 1100 });
    const bodies = server.requests.filter((r) => r.path.endsWith("/payments")).map((r) => r.json);
    const item = (upi_details: object, ref: string) => ({
      payments: [{ merchant_payment_reference: ref, payment_method: "UPI", payment_amount: { value: 1100, currency: "INR" }, payment_option: { upi_details } }],
    });
    expect(bodies).toEqual([
      item({ txn_mode: "INTENT" }, "p1"),
      item({ txn_mode: "INTENT", upi_qr: true }, "p2"),
      item({ txn_mode: "COLLECT", payer: { vpa: "kevin.bob@examplebank" } }, "p3"),
    ]);
  });
});

describe("response variants", () => {
  it("reads the documented create-order, intent, collect and QR answers", async () => {
    const c = client();
    server.on("POST", "/api/pay/v1/orders", ok(DOC_CREATE_ORDER_RESPONSE));
    const created = await c.createOrder({ merchant_order_reference: "112345", order_amount: { value: 1100, currency: "INR" } });
    expect(created).toMatchObject({ order_id: "v1-4405071524-aa-qlAtAf", status: "CREATED", merchant_order_reference: "112345", payments: [] });

    server.on("POST", /\/payments$/, ok(DOC_INTENT_RESPONSE));
    const intent = await c.createUpiPayment("v1-1", { mode: "INTENT", merchantPaymentReference: "p1", amountInPaise: 100 });
    expect(intent).toMatchObject({ shape: "wrapped", status: "PENDING", paymentId: DOC_INTENT_RESPONSE.data.payments[0]!.id });
    expect(intent.challengeUrl).toMatch(/^upi:\/\/pay\?/);
    expect(intent.order!.payments[0]!.upi?.txn_mode).toBe("INTENT");

    server.on("POST", /\/payments$/, ok(DOC_QR_RESPONSE));
    const qr = await c.createUpiPayment("v1-1", { mode: "QR", merchantPaymentReference: "p2", amountInPaise: 100 });
    expect(qr.imageUrl).toContain("X-Amz-Expires=1200");
    expect(qr.order!.payments[0]!.upi).toMatchObject({ txn_mode: "INTENT", upi_qr: true });

    server.on("POST", /\/payments$/, ok(DOC_COLLECT_RESPONSE));
    const collect = await c.createUpiPayment("v1-1", { mode: "COLLECT", vpa: "kevin.bob@examplebank", merchantPaymentReference: "p3", amountInPaise: 100 });
    expect(collect.status).toBe("PENDING");
  });

  it("reads the seamless guide's flat QR answer, {payment_id, status, challenge_url, image_url} (reference §13.15)", async () => {
    server.on("POST", /\/payments$/, ok(DOC_FLAT_QR_RESPONSE));
    const qr = await client().createUpiPayment("v1-1", { mode: "QR", merchantPaymentReference: "p2", amountInPaise: 100 });
    expect(qr).toEqual({
      order: undefined,
      shape: "flat",
      paymentId: "payment-id-1",
      status: "INITIATED",
      challengeUrl: "https://acs.domain/authenticate",
      imageUrl: "Presigned Url to qr image in s3 bucket",
    });
    server.on("POST", /\/payments$/, ok({ something: "else" }));
    expect(await rejection(client().createUpiPayment("v1-1", { mode: "QR", merchantPaymentReference: "p3", amountInPaise: 100 }))).toMatchObject({
      kind: "response",
      code: "INVALID_RESPONSE",
    });
  });

  it("tolerates a numeric merchant reference, a string pre_auth and lowercase statuses", async () => {
    server.on("GET", orderPath, ok({ data: { ...DOC_CREATE_ORDER_RESPONSE.data, merchant_order_reference: 112345, pre_auth: "false", status: "processed" } }));
    const o = await client().getOrder("v1-1");
    expect(o).toMatchObject({ merchant_order_reference: "112345", pre_auth: false, status: "PROCESSED" });
  });

  it("reads both documented refund shapes", async () => {
    const c = client();
    server.on("POST", "/api/pay/v1/refunds/v1-1", ok(DOC_REFUND_ORDER_RESPONSE));
    expect(await c.refund("v1-1", { merchant_order_reference: "refund_ord_20250101_0001_1", order_amount: { value: 1100, currency: "INR" } })).toMatchObject({
      refundId: "v1-240828181713-aa-hNlYwt",
      parentOrderId: "v1-241010055924-aa-AHbN0s",
      status: "PROCESSED",
      amount: 1100,
    });
    server.on("POST", "/api/pay/v1/refunds/v1-1", ok(DOC_REFUND_LIST_RESPONSE));
    expect(await c.refund("v1-1", { merchant_order_reference: "refund_ord_1", order_amount: { value: 500, currency: "INR" } })).toMatchObject({
      refundId: "v1-rf-0001",
      parentOrderId: "v1-241010055924-aa-AHbN0s",
      status: "PROCESSED",
      amount: 500,
    });
  });

  it("gets an order by merchant reference, capture and cancel on the documented paths", async () => {
    const c = client();
    server.on("GET", "/api/pay/v1/orders/reference/ref-9", ok());
    server.on("PUT", "/api/pay/v1/orders/v1-1/capture", ok());
    server.on("PUT", "/api/pay/v1/orders/v1-1/cancel", ok());
    await c.getOrderByReference("ref-9");
    await c.capture("v1-1", { merchant_capture_reference: "cap-1", capture_amount: { value: 1100, currency: "INR" } });
    await c.cancel("v1-1");
    expect(server.requests.filter((r) => r.path !== "/api/auth/v1/token").map((r) => `${r.method} ${r.path}`)).toEqual([
      "GET /api/pay/v1/orders/reference/ref-9",
      "PUT /api/pay/v1/orders/v1-1/capture",
      "PUT /api/pay/v1/orders/v1-1/cancel",
    ]);
  });
});

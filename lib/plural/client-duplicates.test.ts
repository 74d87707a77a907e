/** DUPLICATE_REQUEST read-backs, and validation before anything is sent. */
import { describe, expect, it } from "vitest";
import { rejection } from "./testing/rejection";
import { sendJson, sequence } from "./testing/scripted-server";
import { ok, scriptedPlural } from "./testing/scripted-plural";
import { DOC_CREATE_ORDER_RESPONSE, DOC_INTENT_RESPONSE, DOC_REFUND_ORDER_RESPONSE } from "./testing/doc-samples";

const fake = scriptedPlural();

describe("DUPLICATE_REQUEST: what was done is read back (Pine Labs' Error Codes page)", () => {
  const duplicate = (_: unknown, res: import("node:http").ServerResponse) =>
    sendJson(res, 422, { code: "DUPLICATE_REQUEST", message: "The request has already been processed" });

  it("create order: the order with that reference, by Get Order by reference", async () => {
    fake.server.on("POST", "/api/pay/v1/orders", duplicate);
    fake.server.on("GET", "/api/pay/v1/orders/reference/112345", ok(DOC_CREATE_ORDER_RESPONSE));
    const o = await fake.client().createOrder({ merchant_order_reference: "112345", order_amount: { value: 1100, currency: "INR" } });
    expect(o.order_id).toBe(DOC_CREATE_ORDER_RESPONSE.data.order_id);
    // Another order under that reference (another amount): the refusal stands.
    const e = await rejection(fake.client().createOrder({ merchant_order_reference: "112345", order_amount: { value: 1200, currency: "INR" } }));
    expect(e).toMatchObject({ code: "DUPLICATE_REQUEST", status: 422 });
  });

  it("create payment: the payment with that merchant_payment_reference, by Get Order", async () => {
    const order = { ...DOC_INTENT_RESPONSE.data, payments: [{ ...DOC_INTENT_RESPONSE.data.payments[0]!, merchant_payment_reference: "p1" }] };
    fake.server.on("POST", "/api/pay/v1/orders/v1-1/payments", duplicate);
    fake.server.on("GET", "/api/pay/v1/orders/v1-1", ok({ data: order }));
    const p = await fake.client().createUpiPayment("v1-1", { mode: "INTENT", merchantPaymentReference: "p1", amountInPaise: 100 });
    expect(p).toMatchObject({ shape: "read", paymentId: order.payments[0]!.id, status: "PENDING" });
    expect(p.challengeUrl).toMatch(/^upi:/);
    // A reference Plural does not show: the refusal stands.
    expect(await rejection(fake.client().createUpiPayment("v1-1", { mode: "INTENT", merchantPaymentReference: "p9", amountInPaise: 100 }))).toMatchObject({
      code: "DUPLICATE_REQUEST",
    });
  });

  it("refund: the refund order with that reference, if it refunds this order by this amount", async () => {
    const refund = DOC_REFUND_ORDER_RESPONSE.data;
    fake.server.on("POST", `/api/pay/v1/refunds/${refund.parent_order_id}`, duplicate);
    fake.server.on("GET", `/api/pay/v1/orders/reference/${refund.merchant_order_reference}`, ok(DOC_REFUND_ORDER_RESPONSE));
    const c = fake.client();
    const input = { merchant_order_reference: refund.merchant_order_reference, order_amount: { value: 1100, currency: "INR" as const } };
    expect(await c.refund(refund.parent_order_id, input)).toMatchObject({ refundId: refund.order_id, status: "PROCESSED", amount: 1100 });
    fake.server.on("POST", "/api/pay/v1/refunds/v1-other", duplicate);
    expect(await rejection(c.refund("v1-other", input))).toMatchObject({ code: "DUPLICATE_REQUEST" });
  });

  it("a lost answer, retried into DUPLICATE_REQUEST, ends with the order that was made", async () => {
    fake.server.on(
      "POST",
      "/api/pay/v1/orders",
      sequence((_q, res) => sendJson(res, 504, { code: "TIMED_OUT", message: "timed out" }), duplicate),
    );
    fake.server.on("GET", "/api/pay/v1/orders/reference/112345", ok(DOC_CREATE_ORDER_RESPONSE));
    const o = await fake.client().createOrder({ merchant_order_reference: "112345", order_amount: { value: 1100, currency: "INR" } });
    expect(o.order_id).toBe(DOC_CREATE_ORDER_RESPONSE.data.order_id);
    expect(fake.server.requests.map((r) => `${r.method} ${r.path}`).filter((r) => !r.includes("token"))).toEqual([
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
      const e = await rejection(fake.client().createOrder(body as never));
      expect(e).toMatchObject({ kind: "validation", code: "INVALID_REQUEST", status: 0 });
      expect(fake.server.requests.length).toBe(0);
    });
  }

  it("accepts the limits themselves and a numeric reference (sent as a string)", async () => {
    fake.server.on("POST", "/api/pay/v1/orders", ok());
    const c = fake.client();
    await c.createOrder({ ...base, order_amount: { value: 100, currency: "INR" } });
    await c.createOrder({ ...base, merchant_order_reference: 112345, order_amount: { value: 100_000_000, currency: "INR" } });
    const sent = fake.server.requests.filter((r) => r.path === "/api/pay/v1/orders").map((r) => r.json as { merchant_order_reference: unknown });
    expect(sent[1]!.merchant_order_reference).toBe("112345");
  });

  it("create payment requires a valid VPA for COLLECT, and none is sent otherwise", async () => {
    const c = fake.client();
    for (const vpa of ["", "nobody", "a@b", "user@@bank", "us er@bank"]) {
      const e = await rejection(c.createUpiPayment("v1-1", { mode: "COLLECT", vpa, merchantPaymentReference: "p1", amountInPaise: 1100 }));
      expect(e.kind).toBe("validation");
      expect(e.message).not.toContain(vpa || "\u0000");
    }
    expect(fake.server.requests.length).toBe(0);
  });

  it("builds the documented INTENT, QR and COLLECT bodies", async () => {
    fake.server.on("POST", "/api/pay/v1/orders/v1-1/payments", ok(DOC_INTENT_RESPONSE));
    const c = fake.client();
    await c.createUpiPayment("v1-1", { mode: "INTENT", merchantPaymentReference: "p1", amountInPaise: 1100 });
    await c.createUpiPayment("v1-1", { mode: "QR", merchantPaymentReference: "p2", amountInPaise: 1100 });
    await c.createUpiPayment("v1-1", { mode: "COLLECT", vpa: "kevin.bob@examplebank", merchantPaymentReference: "p3", amountInPaise: 1100 });
    const bodies = fake.server.requests.filter((r) => r.path.endsWith("/payments")).map((r) => r.json);
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

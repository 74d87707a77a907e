/** Every documented shape of Plural's answers is read. */
import { describe, expect, it } from "vitest";
import { rejection } from "./testing/rejection";
import { ok, orderPath, scriptedPlural } from "./testing/scripted-plural";
import {
  DOC_COLLECT_RESPONSE,
  DOC_CREATE_ORDER_RESPONSE,
  DOC_FLAT_QR_RESPONSE,
  DOC_INTENT_RESPONSE,
  DOC_QR_RESPONSE,
  DOC_REFUND_LIST_RESPONSE,
  DOC_REFUND_ORDER_RESPONSE,
} from "./testing/doc-samples";

const fake = scriptedPlural();

describe("response variants", () => {
  it("reads the documented create-order, intent, collect and QR answers", async () => {
    const c = fake.client();
    fake.server.on("POST", "/api/pay/v1/orders", ok(DOC_CREATE_ORDER_RESPONSE));
    const created = await c.createOrder({ merchant_order_reference: "112345", order_amount: { value: 1100, currency: "INR" } });
    expect(created).toMatchObject({ order_id: "v1-4405071524-aa-qlAtAf", status: "CREATED", merchant_order_reference: "112345", payments: [] });

    fake.server.on("POST", /\/payments$/, ok(DOC_INTENT_RESPONSE));
    const intent = await c.createUpiPayment("v1-1", { mode: "INTENT", merchantPaymentReference: "p1", amountInPaise: 100 });
    expect(intent).toMatchObject({ shape: "wrapped", status: "PENDING", paymentId: DOC_INTENT_RESPONSE.data.payments[0]!.id });
    expect(intent.challengeUrl).toMatch(/^upi:\/\/pay\?/);
    expect(intent.order!.payments[0]!.upi?.txn_mode).toBe("INTENT");

    fake.server.on("POST", /\/payments$/, ok(DOC_QR_RESPONSE));
    const qr = await c.createUpiPayment("v1-1", { mode: "QR", merchantPaymentReference: "p2", amountInPaise: 100 });
    expect(qr.imageUrl).toContain("X-Amz-Expires=1200");
    expect(qr.order!.payments[0]!.upi).toMatchObject({ txn_mode: "INTENT", upi_qr: true });

    fake.server.on("POST", /\/payments$/, ok(DOC_COLLECT_RESPONSE));
    const collect = await c.createUpiPayment("v1-1", { mode: "COLLECT", vpa: "kevin.bob@examplebank", merchantPaymentReference: "p3", amountInPaise: 100 });
    expect(collect.status).toBe("PENDING");
  });

  it("reads the seamless guide's flat QR answer, {payment_id, status, challenge_url, image_url}", async () => {
    fake.server.on("POST", /\/payments$/, ok(DOC_FLAT_QR_RESPONSE));
    const qr = await fake.client().createUpiPayment("v1-1", { mode: "QR", merchantPaymentReference: "p2", amountInPaise: 100 });
    expect(qr).toEqual({
      order: undefined,
      shape: "flat",
      paymentId: "payment-id-1",
      status: "INITIATED",
      challengeUrl: "https://acs.domain/authenticate",
      imageUrl: "Presigned Url to qr image in s3 bucket",
    });
    fake.server.on("POST", /\/payments$/, ok({ something: "else" }));
    expect(await rejection(fake.client().createUpiPayment("v1-1", { mode: "QR", merchantPaymentReference: "p3", amountInPaise: 100 }))).toMatchObject({
      kind: "response",
      code: "INVALID_RESPONSE",
    });
  });

  it("tolerates a numeric merchant reference, a string pre_auth and lowercase statuses", async () => {
    fake.server.on(
      "GET",
      orderPath,
      ok({ data: { ...DOC_CREATE_ORDER_RESPONSE.data, merchant_order_reference: 112345, pre_auth: "false", status: "processed" } }),
    );
    const o = await fake.client().getOrder("v1-1");
    expect(o).toMatchObject({ merchant_order_reference: "112345", pre_auth: false, status: "PROCESSED" });
  });

  it("reads both documented refund shapes", async () => {
    const c = fake.client();
    fake.server.on("POST", "/api/pay/v1/refunds/v1-1", ok(DOC_REFUND_ORDER_RESPONSE));
    expect(await c.refund("v1-1", { merchant_order_reference: "refund_ord_20250101_0001_1", order_amount: { value: 1100, currency: "INR" } })).toMatchObject({
      refundId: "v1-240828181713-aa-hNlYwt",
      parentOrderId: "v1-241010055924-aa-AHbN0s",
      status: "PROCESSED",
      amount: 1100,
    });
    fake.server.on("POST", "/api/pay/v1/refunds/v1-1", ok(DOC_REFUND_LIST_RESPONSE));
    expect(await c.refund("v1-1", { merchant_order_reference: "refund_ord_1", order_amount: { value: 500, currency: "INR" } })).toMatchObject({
      refundId: "v1-rf-0001",
      parentOrderId: "v1-241010055924-aa-AHbN0s",
      status: "PROCESSED",
      amount: 500,
    });
  });

  it("gets an order by merchant reference, capture and cancel on the documented paths", async () => {
    const c = fake.client();
    fake.server.on("GET", "/api/pay/v1/orders/reference/ref-9", ok());
    fake.server.on("PUT", "/api/pay/v1/orders/v1-1/capture", ok());
    fake.server.on("PUT", "/api/pay/v1/orders/v1-1/cancel", ok());
    await c.getOrderByReference("ref-9");
    await c.capture("v1-1", { merchant_capture_reference: "cap-1", capture_amount: { value: 1100, currency: "INR" } });
    await c.cancel("v1-1");
    expect(fake.server.requests.filter((r) => r.path !== "/api/auth/v1/token").map((r) => `${r.method} ${r.path}`)).toEqual([
      "GET /api/pay/v1/orders/reference/ref-9",
      "PUT /api/pay/v1/orders/v1-1/capture",
      "PUT /api/pay/v1/orders/v1-1/cancel",
    ]);
  });
});

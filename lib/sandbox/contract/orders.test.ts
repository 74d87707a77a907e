/** The contract suite (harness.ts), part: Create and get orders, and UPI payments (INTENT, QR, COLLECT) with their documented errors. */
import { rejection } from "@/lib/plural/testing/rejection";
import { describe, expect, it } from "vitest";
import { DOC_COLLECT_RESPONSE, DOC_CREATE_ORDER_RESPONSE, DOC_INTENT_RESPONSE } from "@/lib/plural/testing/doc-samples";
import { orderResponse } from "../../plural/schemas";
import { parseUpiLink } from "../../plural/upi";
import { UAT, sandboxOnly, sb, client, reading, notFoundStatus, pay, ref, newOrder, raw, expectShape, underEachProfile } from "./harness";

underEachProfile(() => {
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
});

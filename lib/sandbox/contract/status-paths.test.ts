/** The contract suite (harness.ts), part: Status paths (sandbox only: outcomes are forced): approve, decline, expiry, test VPAs and amounts, pre-auth, refunds, landing mode. */
import { rejection } from "@/lib/plural/testing/rejection";
import { describe, expect, it } from "vitest";
import { DOC_WEBHOOK_ORDER_PROCESSED } from "@/lib/plural/testing/doc-samples";
import { verifyCallback } from "../../plural/signature";
import { TEST_CREDENTIALS } from "@/lib/testing/sandbox";
import { UAT, sb, client, baseUrl, hooks, reading, pay, ref, newOrder, raw, expectShape, waitFor, events, underEachProfile } from "./harness";

underEachProfile(() => {
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
});

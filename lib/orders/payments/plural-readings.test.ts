/**
 * The store under every reading of Plural's documents (lib/sandbox/engine/profiles.ts): for each
 * setting, the store meets the harsher reading and the shopper or merchant still gets the right
 * outcome. The whole strict profile runs here too, and in the browser (e2e, the `strict` project).
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { db } from "@/lib/db";
import { resetEnvCache } from "@/lib/env";
import { signCallback } from "@/lib/plural/signature";
import type { Sandbox } from "@/lib/sandbox/engine";
import { TEST_CREDENTIALS } from "@/lib/testing/sandbox";
import { startTestStore } from "@/lib/testing/store";
import { startWebhookReceiver } from "@/lib/testing/webhook-receiver";
import { POST as returnPost } from "@/app/api/plural/return/route";
import { createCart, newCheckoutKey, newRefundKey, placeOrder, reconcile, refundOrder, setQuantity, startPayment, syncOrder } from "@/lib/orders";
import { TEST_FORM } from "@/lib/testing/checkout";

vi.mock("next/headers", () => import("@/lib/testing/next-request").then((m) => m.nextHeadersModule));

let server: Awaited<ReturnType<typeof startTestStore>>;
let sb: Sandbox;
let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;

beforeAll(async () => {
  server = await startTestStore();
  sb = server.sandbox;
  // Our webhook route over HTTP: the sandbox delivers to it as Plural would.
  receiver = await startWebhookReceiver();
});
afterAll(async () => {
  await server.close();
  await receiver.close();
});
beforeEach(async () => {
  await sb.flush(2000);
  sb.reset();
  sb.updateSettings({
    profile: "strict",
    auto_answer_ms: 20,
    refund_delay_ms: 20,
    webhook: { url: receiver.url, timeout_ms: 2000 },
  });
  receiver.answers.length = 0;
});
const env = { ...process.env };
afterEach(() => {
  for (const k of ["PLURAL_PRE_AUTH", "AUTO_REFUND_LATE_PAYMENTS"]) {
    if (env[k] === undefined) delete process.env[k];
    else process.env[k] = env[k];
  }
  resetEnvCache();
});

const form = TEST_FORM;

async function placed() {
  const { id: cartId, token: cartToken } = await createCart();
  const chai = await db().product.findUniqueOrThrow({ where: { slug: "chai" } });
  await setQuantity(cartId, chai.id, 1);
  const key = newCheckoutKey();
  const r = await placeOrder(cartToken, form, key);
  if (!r.ok) throw new Error(r.error);
  return { orderId: r.value.orderId, key };
}
const orderRow = (id: string) =>
  db().order.findUniqueOrThrow({ where: { id }, include: { payments: { orderBy: { createdAt: "asc" } }, refunds: true, events: true } });
const lost = (endpoint: string, count = 1) => sb.addFault({ endpoint, kind: "status", status: 504, remaining: count, phase: "after" });
const sandboxOrders = (key: string) => sb.orderList().filter((o) => String(o.merchant_order_reference).startsWith(key));

describe("idempotency: reject (DUPLICATE_REQUEST on a repeat)", () => {
  it("a lost answer on create order, create payment and refund: the store reads what was done and carries on; one of each at Plural", async () => {
    lost("createOrder");
    const { orderId, key } = await placed();
    expect((await orderRow(orderId)).pluralOrderId).toBe(sb.orderByReference(key).order_id);
    expect(sandboxOrders(key)).toHaveLength(1);

    lost("createPayment");
    const p = await startPayment(orderId, "QR");
    expect(p).toMatchObject({ ok: true, value: { mode: "QR" } });
    const order = await orderRow(orderId);
    expect(order.payments).toHaveLength(1);
    expect(order.payments[0]!.pluralPaymentId).toBe(sb.orderByReference(key).payments[0]!.id);

    sb.approve(order.payments[0]!.pluralPaymentId!);
    await syncOrder(orderId);
    lost("refund");
    const r = await refundOrder(orderId, 10000, newRefundKey());
    expect(r.ok).toBe(true);
    expect(sb.orderByReference(key).refund_ids).toHaveLength(1);
  });

  it("pressing Pay again after every try failed (three presses): the order made by a lost answer is found, never an error for work done", async () => {
    lost("createOrder", 10);
    const { id: cartId, token: cartToken } = await createCart();
    const chai = await db().product.findUniqueOrThrow({ where: { slug: "chai" } });
    await setQuantity(cartId, chai.id, 1);
    const key = newCheckoutKey();
    let token = cartToken;
    const first = await placeOrder(cartToken, form, key, { rotated: (t) => void (token = t) });
    // Every try of the first press lost its answer: the shopper is told to press again; the order was made.
    expect(first).toMatchObject({ ok: false, error: expect.stringContaining("could not reach the payment service") });
    expect(sandboxOrders(key)).toHaveLength(1);
    sb.clearFaults();
    const second = await placeOrder(token, form, key); // the browser holds the cart's new token
    expect(second.ok).toBe(true);
    if (!second.ok) return;
    expect((await orderRow(second.value.orderId)).pluralOrderId).toBe(sb.orderByReference(key).order_id);
    expect((await startPayment(second.value.orderId, "QR")).ok).toBe(true);
  });
});

describe("lost answers found by Get Order first", () => {
  it("a QR payment whose every answer was lost, then seen by Get Order (the status poll): its QR is learnt, and the next press shows it", async () => {
    const { orderId } = await placed();
    lost("createPayment", 4);
    expect(await startPayment(orderId, "QR")).toMatchObject({ ok: false, error: expect.stringContaining("not answering") });
    await syncOrder(orderId);
    const row = (await orderRow(orderId)).payments[0]!;
    expect(row.pluralPaymentId).toMatch(/-up-.$/);
    expect(row.challengeUrl).toMatch(/^upi:\/\/pay\?/);
    expect(row.imageUrl).toContain("X-Amz-Expires=1200");
    const again = await startPayment(orderId, "QR");
    expect(again).toMatchObject({ ok: true, value: { id: row.id, challengeUrl: row.challengeUrl } });
  });
});

describe("partial_capture_refunds: refused", () => {
  it("a pre-auth store captures in full, so its refunds are from PROCESSED, which every reading allows", async () => {
    process.env.PLURAL_PRE_AUTH = "true";
    resetEnvCache();
    sb.updateSettings({ pre_auth_upi: "honoured" });
    const { orderId } = await placed();
    await startPayment(orderId, "QR");
    sb.approve((await orderRow(orderId)).payments[0]!.pluralPaymentId!);
    await syncOrder(orderId);
    expect((await orderRow(orderId)).status).toBe("AUTHORIZED");
    const { captureOrder } = await import("../console/order-actions");
    expect(await captureOrder(orderId)).toMatchObject({ ok: true });
    expect((await orderRow(orderId)).status).toBe("PROCESSED");
    expect(await refundOrder(orderId, 10000, newRefundKey())).toMatchObject({ ok: true });
  });
});

describe("pending_payment_policy: reject (PAYMENT_PENDING on a second payment)", () => {
  it("QR → collect: a new Plural order for the same store order, paid; webhooks, returns and Get Order of either find the order", async () => {
    const { orderId, key } = await placed();
    const qr = await startPayment(orderId, "QR");
    expect(qr.ok).toBe(true);
    const collect = await startPayment(orderId, "COLLECT", "success@sandbox");
    expect(collect).toMatchObject({ ok: true, value: { mode: "COLLECT", payerVpa: "success@sandbox" } });
    const second = sb.orderByReference(`${key}_2`);
    let order = await orderRow(orderId);
    expect(order.pluralAttempt).toBe(2);
    expect(order.pluralOrderId).toBe(second.order_id);
    expect(order.events.map((e) => e.type)).toContain("NEW_PLURAL_ORDER");
    // success@sandbox approves by itself: its webhook (for the second Plural order) pays the order.
    await vi.waitFor(async () => expect((await orderRow(orderId)).status).toBe("PROCESSED"), { timeout: 5000 });
    order = await orderRow(orderId);
    expect(order.payments.map((p) => [p.upiMode, p.status, p.pluralOrderId])).toEqual([
      ["QR", "PENDING", sb.orderByReference(key).order_id],
      ["COLLECT", "FAILED", sb.orderByReference(key).order_id], // refused with PAYMENT_PENDING: never made
      ["COLLECT", "PROCESSED", second.order_id],
    ]);
    expect(order.payments[1]!.errorCode).toBe("PAYMENT_PENDING");
    // A signed return for the first Plural order finds the order too.
    const fields = { order_id: sb.orderByReference(key).order_id, status: "PENDING" };
    const res = await returnPost(
      new Request("http://store.test/api/plural/return", {
        method: "POST",
        body: new URLSearchParams({ ...fields, signature: signCallback(fields, TEST_CREDENTIALS.clientSecret) }),
      }),
    );
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toContain(`/orders/${orderId}`);
    expect(order.latePayment).toBeNull();
  });

  it("the QR left behind is paid as well: the order is paid once, the second payment flagged PAID_TWICE and refunded (AUTO_REFUND_LATE_PAYMENTS)", async () => {
    process.env.AUTO_REFUND_LATE_PAYMENTS = "true";
    resetEnvCache();
    const { orderId, key } = await placed();
    await startPayment(orderId, "QR");
    await startPayment(orderId, "COLLECT", "someone@okaxis");
    const first = sb.orderByReference(key);
    const second = sb.orderByReference(`${key}_2`);
    // The shopper pays the collect request, then the old QR too.
    sb.approve(second.payments[0]!.id);
    await sb.flush();
    expect((await orderRow(orderId)).status).toBe("PROCESSED");
    sb.approve(first.payments[0]!.id);
    await sb.flush();
    await vi.waitFor(
      async () => {
        const o = await orderRow(orderId);
        expect(o.latePayment).toBe("PAID_TWICE");
        expect(o.refunds.map((r) => [r.pluralOrderId, r.amountInPaise])).toEqual([[first.order_id, 34900]]);
        expect(o.refunds[0]!.status).not.toBe("CREATED"); // Plural has it
      },
      { timeout: 5000 },
    );
    const o = await orderRow(orderId);
    // Paid once in its status, by the Plural order paid first; its own amount is untouched.
    expect([o.status, o.pluralOrderId, o.refundedInPaise]).toEqual(["PROCESSED", second.order_id, 0]);
    expect(o.events.find((e) => e.type === "PAID_TWICE")!.payload).toContain(first.order_id);
    expect(sb.orderJson(first.order_id).refunds).toHaveLength(1);
  });

  it("paid on the Plural order left behind, with every webhook lost: the sweep finds it and the order is paid by it", async () => {
    sb.updateSettings({ webhook: { enabled: false } });
    const { orderId, key } = await placed();
    await startPayment(orderId, "QR");
    await startPayment(orderId, "COLLECT", "someone@okaxis");
    const first = sb.orderByReference(key);
    sb.approve(first.payments[0]!.id);
    await reconcile({ olderThanMs: 0, now: new Date(Date.now() + 60_000) });
    const o = await orderRow(orderId);
    expect([o.status, o.pluralOrderId, o.pluralAttempt]).toEqual(["PROCESSED", first.order_id, 1]);
    expect(o.latePayment).toBeNull();
  });
});

describe("payment_response: flat (the guide's {payment_id, status, challenge_url, image_url})", () => {
  it("the payment is recorded from the flat answer, the order's status from Get Order", async () => {
    const { orderId } = await placed();
    const p = await startPayment(orderId, "QR");
    expect(p.ok).toBe(true);
    const o = await orderRow(orderId);
    expect(o.status).toBe("PENDING");
    expect(o.payments[0]).toMatchObject({ challengeUrl: expect.stringMatching(/^upi:\/\/pay\?/), imageUrl: expect.stringContaining("X-Amz-Expires=1200") });
    expect(o.payments[0]!.pluralPaymentId).toMatch(/-up-.$/);
    expect(o.events.map((e) => e.type)).toEqual(expect.arrayContaining(["PAYMENT_CREATED", "GET_ORDER_AFTER_PAYMENT"]));
  });
});

describe("pre_auth_upi: refused", () => {
  it("with PLURAL_PRE_AUTH=true the order is created without pre_auth, the merchant is told, and the shopper pays (captured at once)", async () => {
    process.env.PLURAL_PRE_AUTH = "true";
    resetEnvCache();
    const { orderId, key } = await placed();
    expect(sb.orderByReference(key).pre_auth).toBe(false);
    expect((await orderRow(orderId)).events.map((e) => e.type)).toContain("PRE_AUTH_REFUSED");
    const p = await startPayment(orderId, "QR");
    if (!p.ok) throw new Error(p.error);
    sb.approve((await orderRow(orderId)).payments[0]!.pluralPaymentId!);
    await syncOrder(orderId);
    expect((await orderRow(orderId)).status).toBe("PROCESSED");
    // Where Plural honours it (an account that has it), orders get pre-auth again, without a restart.
    sb.updateSettings({ pre_auth_upi: "honoured" });
    const next = await placed();
    expect(sb.orderByReference(next.key).pre_auth).toBe(true);
  });
});

describe("order_not_found_status: 422, and error_body: html", () => {
  it("an order Plural never received is failed after an hour on its ORDER_NOT_FOUND (422); a proxy's HTML 404 fails nothing", async () => {
    sb.addFault({ endpoint: "createOrder", kind: "status", status: 500 });
    const a = await placed().catch(() => undefined);
    expect(a).toBeUndefined();
    const [never] = await db().order.findMany({ where: { pluralOrderId: null, status: "CREATED" }, orderBy: { createdAt: "desc" }, take: 1 });
    sb.clearFaults();
    // A gateway's HTML page on Get Order by reference: an upstream fault, the order stays as it is.
    sb.addFault({ endpoint: "getOrderByReference", kind: "status", status: 404, remaining: 10 });
    const later = new Date(Date.now() + 2 * 3600_000);
    await reconcile({ olderThanMs: 0, now: later });
    expect((await db().order.findUniqueOrThrow({ where: { id: never!.id } })).status).toBe("CREATED");
    sb.clearFaults();
    // Plural's own answer, ORDER_NOT_FOUND (as 422 here): it never got the order, which can never be paid.
    await db().order.update({ where: { id: never!.id }, data: { nextSyncAt: null } });
    await reconcile({ olderThanMs: 0, now: later });
    expect((await db().order.findUniqueOrThrow({ where: { id: never!.id } })).status).toBe("FAILED");
  });
});

describe("retry_after: absent", () => {
  it("a 429 without Retry-After is retried with backoff; a lasting one tells the shopper to try again in a minute", async () => {
    const { orderId } = await placed();
    sb.addFault({ endpoint: "createPayment", kind: "status", status: 429, remaining: 1 });
    expect((await startPayment(orderId, "QR")).ok).toBe(true);
    const other = await placed();
    sb.addFault({ endpoint: "createPayment", kind: "status", status: 429, remaining: 10 });
    expect(await startPayment(other.orderId, "QR")).toEqual({ ok: false, error: "Too many payment attempts just now. Please try again in a minute." });
  });
});

describe("refund_webhooks: none", () => {
  it("a refund Plural never sends a webhook for is settled by the sweep (Get Order on the refund order)", async () => {
    const { orderId } = await placed();
    await startPayment(orderId, "QR");
    sb.approve((await orderRow(orderId)).payments[0]!.pluralPaymentId!);
    await syncOrder(orderId);
    const r = await refundOrder(orderId, 10000, newRefundKey());
    expect(r).toMatchObject({ ok: true, value: expect.stringContaining("pending at Plural") });
    await sb.flush();
    let o = await orderRow(orderId);
    expect(o.refunds[0]!.status).toBe("PENDING");
    // Plural finishes the refund (refund_delay_ms of its clock; longer on a busy machine), and says nothing.
    const refundRef = o.refunds[0]!.merchantRefundReference;
    await vi.waitFor(
      () => {
        sb.advance();
        expect(sb.orderByReference(refundRef).status).toBe("PROCESSED");
      },
      { timeout: 15_000, interval: 100 },
    );
    expect((await orderRow(orderId)).refunds[0]!.status).toBe("PENDING");
    const report = await reconcile({ olderThanMs: 0, now: new Date(Date.now() + 60_000) });
    expect(report.refunds).toBe(1);
    o = await orderRow(orderId);
    expect(o.refunds[0]!.status).toBe("PROCESSED");
    expect([o.status, o.refundedInPaise]).toEqual(["PARTIALLY_REFUNDED", 10000]);
    expect(o.events.map((e) => e.type)).toContain("GET_REFUND");
  });
});

describe("every documented error code has its own message", () => {
  const cases: Array<[status: 400 | 401 | 422 | 429 | 502, code: string | undefined, mode: "QR" | "COLLECT", message: RegExp, offer?: string]> = [
    [422, "PAYMENT_METHOD_NOT_ENABLED", "COLLECT", /not available in this shop\. Scan the QR code/, "use_qr"],
    [422, "PAYMENT_METHOD_NOT_ENABLED", "QR", /Get a request on your UPI ID instead/, "use_vpa"],
    [422, "AMOUNT_LIMIT_EXCEEDED", "QR", /over the UPI limit/],
    [422, "RISK_CHECK_FAILED", "COLLECT", /risk check/],
    [422, "PAYMENT_RATE_LIMIT", "QR", /try again in a minute/],
    [422, "INVALID_USER_ACCOUNT", "COLLECT", /That UPI ID does not exist/],
    [422, "ISSUER_NOT_SUPPORTED", "COLLECT", /Your bank does not support/],
    [400, "INVALID_REQUEST", "QR", /refused to start this payment/],
    [401, undefined, "QR", /could not sign in to the payment service/],
    [502, undefined, "QR", /not answering/],
  ];
  for (const [status, code, mode, message, offer] of cases) {
    it(`${status} ${code ?? ""} on a ${mode} payment`, async () => {
      const { orderId } = await placed();
      sb.addFault({ endpoint: "createPayment", kind: "status", status, code, remaining: 10 });
      const r = await startPayment(orderId, mode, mode === "COLLECT" ? "someone@okaxis" : undefined);
      expect(r.ok).toBe(false);
      if (r.ok) return;
      expect(r.error).toMatch(message);
      if (mode === "QR") expect(r.error).not.toMatch(/valid UPI ID/);
      expect(r.code).toBe(offer);
    });
  }

  it("at checkout: a 401 or a 422 is not 'could not reach'", async () => {
    for (const [status, code, message] of [
      [401, undefined, /could not sign in/],
      [422, "AMOUNT_LIMIT_EXCEEDED", /over what UPI accepts/],
      [422, "PAYMENT_METHOD_NOT_ENABLED", /UPI payments are not available/],
    ] as const) {
      sb.addFault({ endpoint: "createOrder", kind: "status", status, code, remaining: 10 });
      const r = await placed().catch((e: Error) => e.message);
      expect(r).toMatch(message);
      expect(r).not.toMatch(/could not reach/);
      sb.clearFaults();
    }
  });
});

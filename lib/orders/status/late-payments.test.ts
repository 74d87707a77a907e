import { afterEach, describe, expect, it, vi } from "vitest";
import { db } from "@/lib/db";
import { resetEnvCache } from "@/lib/env";
import { testStoreForFile } from "@/lib/testing/store-for-file";
import { testCart, type TestCart } from "@/lib/testing/cart";
import { autoRefundsDue, lateRefundReference, newCheckoutKey, refundLatePayment, setQuantity, startPayment, syncOrder } from "@/lib/orders";
import { checkoutForm } from "@/lib/testing/shopper.mjs";

vi.mock("next/headers", () => import("@/lib/testing/next-request").then((m) => m.nextHeadersModule));

/** The sweep's grace before it does what the flagging process should have done (reconcile.ts). */
const GRACE = 30_000;

const store = testStoreForFile({ webhooks: false });
afterEach(() => {
  delete process.env.AUTO_REFUND_LATE_PAYMENTS;
  resetEnvCache();
  store.sandbox.updateSettings({ payment_retries: 3 });
});

const form = (email?: string) => checkoutForm(email ? { email } : {});

async function newCart(quantity = 1) {
  const cart = await testCart();
  const chai = await db().product.findUniqueOrThrow({ where: { slug: "chai" } });
  await setQuantity(cart.id, chai.id, quantity);
  return cart;
}

/** An order from this cart with its QR payment started; returns our order id and Plural's payment id. */
async function orderPaying(cart: TestCart, email?: string) {
  const placed = await cart.place(form(email), newCheckoutKey());
  if (!placed.ok) throw new Error(placed.error);
  const p = await startPayment(placed.value.orderId, "QR");
  if (!p.ok) throw new Error(p.error);
  const payment = await db().payment.findUniqueOrThrow({ where: { id: p.value.id } });
  return { orderId: placed.value.orderId, paymentId: payment.pluralPaymentId! };
}

/** An order whose payment was declined (the shopper saw "could not be paid") and then succeeded: flagged PAID_LATE. */
async function paidLate(quantity = 1) {
  store.sandbox.updateSettings({ payment_retries: 1 });
  const { orderId, paymentId } = await orderPaying(await newCart(quantity));
  store.sandbox.decline(paymentId);
  await syncOrder(orderId);
  store.sandbox.approveLate(paymentId);
  await syncOrder(orderId);
  return orderId;
}

const orderOf = (id: string) => db().order.findUniqueOrThrow({ where: { id }, include: { refunds: true, events: { orderBy: { createdAt: "asc" } } } });

describe("a payment that succeeds after the shopper was told it failed", () => {
  it("FAILED, then PROCESSED: applied (money taken outranks a failure), flagged PAID_LATE, nothing refunded by default", async () => {
    store.sandbox.updateSettings({ payment_retries: 1 });
    const { orderId, paymentId } = await orderPaying(await newCart());
    store.sandbox.decline(paymentId);
    await syncOrder(orderId);
    expect((await orderOf(orderId)).status).toBe("FAILED");

    store.sandbox.approveLate(paymentId);
    const r = await syncOrder(orderId);
    expect(r.ok && r.value.result).toMatchObject({ outcome: "applied", from: "FAILED", to: "PROCESSED", latePayment: "PAID_LATE" });
    const order = await orderOf(orderId);
    expect(order).toMatchObject({ status: "PROCESSED", latePayment: "PAID_LATE", latePaymentOf: null, autoRefundAt: null });
    expect(order.events.map((e) => e.type)).toContain("PAID_LATE");
    // The payment we had recorded as failed is now the one that paid.
    expect(await db().payment.findFirstOrThrow({ where: { pluralPaymentId: paymentId } })).toMatchObject({ status: "PROCESSED" });
    expect(order.refunds).toEqual([]);

    // The same news again flags nothing more.
    await syncOrder(orderId);
    expect((await orderOf(orderId)).events.filter((e) => e.type === "PAID_LATE")).toHaveLength(1);
  });

  it("an expired payment (the order still open for a retry) that succeeds late is PAID_LATE too", async () => {
    const { orderId, paymentId } = await orderPaying(await newCart());
    store.sandbox.expire(paymentId);
    await syncOrder(orderId);
    expect((await orderOf(orderId)).status).toBe("ATTEMPTED");
    store.sandbox.approveLate(paymentId);
    await syncOrder(orderId);
    expect(await orderOf(orderId)).toMatchObject({ status: "PROCESSED", latePayment: "PAID_LATE" });
  });

  it("an ordinary payment, and a retry that pays after a failed attempt, are not flagged", async () => {
    const { orderId, paymentId } = await orderPaying(await newCart());
    store.sandbox.approve(paymentId);
    await syncOrder(orderId);
    expect(await orderOf(orderId)).toMatchObject({ status: "PROCESSED", latePayment: null });

    const second = await orderPaying(await newCart(), "retry@example.com");
    store.sandbox.decline(second.paymentId);
    await syncOrder(second.orderId);
    const retry = await startPayment(second.orderId, "QR");
    if (!retry.ok) throw new Error(retry.error);
    store.sandbox.approve((await db().payment.findUniqueOrThrow({ where: { id: retry.value.id } })).pluralPaymentId!);
    await syncOrder(second.orderId);
    expect(await orderOf(second.orderId)).toMatchObject({ status: "PROCESSED", latePayment: null });
  });
});

describe("the sandbox's late approval", () => {
  it("only a failed or replaced payment of an unpaid order can succeed late", async () => {
    const { orderId, paymentId } = await orderPaying(await newCart());
    expect(() => store.sandbox.approveLate(paymentId)).toThrow(/only a failed or cancelled payment/);
    store.sandbox.approve(paymentId);
    await syncOrder(orderId);
    expect(() => store.sandbox.approveLate(paymentId)).toThrow(/only a failed or cancelled payment/);
    const replaced = await orderPaying(await newCart(), "replaced@example.com");
    const collect = await startPayment(replaced.orderId, "COLLECT", "asha@okaxis");
    expect(collect.ok).toBe(true);
    // The QR was replaced by the collect request (CANCELLED); it is paid after all, and the collect request can no longer be.
    const order = store.sandbox.approveLate(replaced.paymentId).order;
    expect(order.status).toBe("PROCESSED");
    expect(order.payments.map((p) => p.status)).toEqual(["PROCESSED", "CANCELLED"]);
  });
});

describe("the same items paid twice", () => {
  it("the shopper started again on a new order and paid it; the first one's payment then succeeds: PAID_TWICE", async () => {
    const cart = await newCart(2);
    const first = await orderPaying(cart, "twice@example.com");
    const second = await orderPaying(cart, "twice@example.com");
    store.sandbox.approve(second.paymentId);
    await syncOrder(second.orderId);
    store.sandbox.approve(first.paymentId);
    const r = await syncOrder(first.orderId);
    expect(r.ok && r.value.result).toMatchObject({ outcome: "applied", latePayment: "PAID_TWICE" });
    expect(await orderOf(first.orderId)).toMatchObject({ status: "PROCESSED", latePayment: "PAID_TWICE", latePaymentOf: second.orderId });
    expect(await orderOf(second.orderId)).toMatchObject({ latePayment: null });
  });

  it("found by e-mail across devices (another cart), and preferred to PAID_LATE when the first had failed", async () => {
    store.sandbox.updateSettings({ payment_retries: 1 });
    const first = await orderPaying(await newCart(), "phone-and-laptop@example.com");
    store.sandbox.decline(first.paymentId);
    await syncOrder(first.orderId);
    const second = await orderPaying(await newCart(), "phone-and-laptop@example.com");
    store.sandbox.approve(second.paymentId);
    await syncOrder(second.orderId);
    store.sandbox.approveLate(first.paymentId);
    await syncOrder(first.orderId);
    expect(await orderOf(first.orderId)).toMatchObject({ status: "PROCESSED", latePayment: "PAID_TWICE", latePaymentOf: second.orderId });
  });

  it("two orders of one shopper paid at the same moment (two instances, one database): one of them is flagged PAID_TWICE", async () => {
    // Chaos seed 4711 on PostgreSQL: both payments applied at once, each transaction looked for the
    // other among orders holding money before the other had committed, and neither was flagged.
    for (let round = 0; round < 5; round++) {
      const cart = await newCart(2);
      const email = `same-moment-${round}@example.com`;
      const first = await orderPaying(cart, email);
      const second = await orderPaying(cart, email);
      store.sandbox.approve(first.paymentId);
      store.sandbox.approve(second.paymentId);
      await Promise.all([syncOrder(first.orderId), syncOrder(second.orderId)]);
      const flagged = [await orderOf(first.orderId), await orderOf(second.orderId)].filter((o) => o.latePayment === "PAID_TWICE");
      expect(flagged.map((o) => o.status)).toEqual(["PROCESSED"]);
    }
  });

  it("buying the same thing again after the first order was paid is no twin; nor are other items", async () => {
    const cart = await newCart();
    const a = await orderPaying(cart, "again@example.com");
    store.sandbox.approve(a.paymentId);
    await syncOrder(a.orderId);
    const b = await orderPaying(await newCart(), "again@example.com");
    store.sandbox.approve(b.paymentId);
    await syncOrder(b.orderId);
    expect(await orderOf(b.orderId)).toMatchObject({ status: "PROCESSED", latePayment: null });

    const c = await orderPaying(await newCart(1), "other-items@example.com");
    const d = await orderPaying(await newCart(3), "other-items@example.com");
    store.sandbox.approve(d.paymentId);
    await syncOrder(d.orderId);
    store.sandbox.approve(c.paymentId);
    await syncOrder(c.orderId);
    expect(await orderOf(c.orderId)).toMatchObject({ status: "PROCESSED", latePayment: null });
  });
});

describe("refunding a late payment", () => {
  it("one click refunds it in full, once however often it is clicked", async () => {
    const orderId = await paidLate(2);

    const [a, b] = await Promise.all([refundLatePayment(orderId), refundLatePayment(orderId)]);
    expect(a).toMatchObject({ ok: true, value: expect.stringContaining("Refund of ₹698.00 requested") });
    expect(b.ok).toBe(true);
    const again = await refundLatePayment(orderId);
    expect(again.ok).toBe(true);
    const order = await orderOf(orderId);
    expect(order.refunds).toHaveLength(1);
    expect(order.refunds[0]).toMatchObject({ amountInPaise: 69800, merchantRefundReference: lateRefundReference(order) });
    expect(lateRefundReference(order)).toMatch(new RegExp(`^${order.merchantOrderReference}_rf[A-Za-z0-9]{12}$`));
    expect(store.sandbox.orderList().filter((o) => String(o.merchant_order_reference ?? "").startsWith(`${order.merchantOrderReference}_rf`))).toHaveLength(1);
  });

  it("an order that was not paid late is refused", async () => {
    const { orderId, paymentId } = await orderPaying(await newCart());
    store.sandbox.approve(paymentId);
    await syncOrder(orderId);
    expect(await refundLatePayment(orderId)).toMatchObject({ ok: false, code: "not_late" });
  });

  it("AUTO_REFUND_LATE_PAYMENTS=true: the store refunds it by itself, once", async () => {
    process.env.AUTO_REFUND_LATE_PAYMENTS = "true";
    resetEnvCache();
    const orderId = await paidLate();
    await expect.poll(async () => (await orderOf(orderId)).refunds.length).toBe(1);
    await expect.poll(async () => (await orderOf(orderId)).autoRefundAt).toBeNull();
    const order = await orderOf(orderId);
    expect(order.refunds[0]).toMatchObject({ amountInPaise: 34900 });
    expect(order.events.find((e) => e.type === "REFUND_REQUESTED")).toMatchObject({ source: "store" });
    expect(JSON.parse(order.events.find((e) => e.type === "PAID_LATE")!.payload)).toMatchObject({ autoRefund: true });
    // The sweep finds nothing owed; the merchant's click afterwards sends the same refund, not a second one.
    expect(await autoRefundsDue(GRACE, new Date(Date.now() + 60_000))).toBe(0);
    await refundLatePayment(orderId);
    expect((await orderOf(orderId)).refunds).toHaveLength(1);
  });

  it("the sweep does an automatic refund its process did not live to request", async () => {
    const orderId = await paidLate();
    // As if the flag had been on and the process had died right after the commit.
    await db().order.update({ where: { id: orderId }, data: { autoRefundAt: new Date(Date.now() - 120_000) } });
    expect(await autoRefundsDue(GRACE)).toBe(1);
    expect(await orderOf(orderId)).toMatchObject({ autoRefundAt: null, refunds: [expect.objectContaining({ amountInPaise: 34900 })] });
  });

  it("sweepers take an owed refund once; one Plural did not answer is tried again a lease later, not on every sweep", async () => {
    const orderId = await paidLate();
    await db().order.update({ where: { id: orderId }, data: { autoRefundAt: new Date(Date.now() - 120_000) } });
    store.sandbox.addFault({ endpoint: "refund", kind: "status", status: 503 });
    try {
      // Two sweepers at once (two instances, or the server and cron): one takes it.
      expect((await Promise.all([autoRefundsDue(GRACE), autoRefundsDue(GRACE)])).sort()).toEqual([0, 1]);
      expect((await orderOf(orderId)).autoRefundAt!.getTime()).toBeGreaterThan(Date.now()); // still owed, a lease ahead
      expect(await autoRefundsDue(GRACE)).toBe(0); // the next sweep leaves it alone
    } finally {
      store.sandbox.clearFaults();
    }
    expect(await autoRefundsDue(GRACE, new Date(Date.now() + 10 * 60_000))).toBe(1); // after the lease
    expect(await orderOf(orderId)).toMatchObject({
      autoRefundAt: null,
      refunds: [expect.objectContaining({ amountInPaise: 34900, pluralRefundId: expect.any(String) })],
    });
  });

  it("with the flag off, nothing is refunded by itself", async () => {
    const orderId = await paidLate();
    expect(await autoRefundsDue(GRACE, new Date(Date.now() + 60_000))).toBe(0);
    expect((await orderOf(orderId)).refunds).toEqual([]);
  });
});

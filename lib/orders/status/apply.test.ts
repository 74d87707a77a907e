import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { testStoreForFile } from "@/lib/testing/store-for-file";
import { cartWith, orderWithQr } from "@/lib/testing/checkout";
import { applyStatus, setQuantity, syncOrder } from "@/lib/orders";
import { pluralReport } from "./apply";

const store = testStoreForFile({ webhooks: false });
const paidOrder = orderWithQr;

describe("applyStatus", () => {
  it("a confirmed payment takes from the cart what the order bought, and leaves what was added since", async () => {
    const { order, payment } = await paidOrder(); // 2 × chai
    const [chai, diya] = await Promise.all(["chai", "diya"].map((slug) => db().product.findUniqueOrThrow({ where: { slug } })));
    await setQuantity(order.cartId!, chai!.id, 3); // the shopper kept shopping before the payment was confirmed
    await setQuantity(order.cartId!, diya!.id, 1);
    store.sandbox.approve((await db().payment.findUniqueOrThrow({ where: { id: payment.id } })).pluralPaymentId!);
    await syncOrder(order.id);
    const left = await db().cartItem.findMany({ where: { cartId: order.cartId! }, select: { productId: true, quantity: true } });
    expect(left.sort((a, b) => a.productId.localeCompare(b.productId))).toEqual(
      [
        { productId: chai!.id, quantity: 1 },
        { productId: diya!.id, quantity: 1 },
      ].sort((a, b) => a.productId.localeCompare(b.productId)),
    );
  });

  it("a confirmed payment empties a cart that holds just what the order bought, and leaves other shoppers' carts alone", async () => {
    const { order, payment } = await paidOrder(); // 2 × chai
    const other = await cartWith(2); // another shopper's cart with the same product
    store.sandbox.approve((await db().payment.findUniqueOrThrow({ where: { id: payment.id } })).pluralPaymentId!);
    await syncOrder(order.id);
    expect(await db().cartItem.count({ where: { cartId: order.cartId! } })).toBe(0);
    expect(await db().cartItem.findMany({ where: { cartId: other.id }, select: { quantity: true } })).toEqual([{ quantity: 2 }]);
  });

  it("is monotonic: a stale failure never downgrades a paid order", async () => {
    const { order, payment } = await paidOrder();
    const pluralPaymentId = (await db().payment.findUniqueOrThrow({ where: { id: payment.id } })).pluralPaymentId!;
    store.sandbox.approve(pluralPaymentId);
    const paid = (store.sandbox.advance(), store.sandbox.orderJson(order.pluralOrderId!)) as never;
    const { orderResponse } = await import("@/lib/plural/schemas");
    const snapshot = orderResponse.parse(paid);
    expect(
      await applyStatus(pluralReport(order.id, snapshot, "webhook", "ORDER_PROCESSED", { externalId: `msg_${order.id}_1`, payload: {}, authoritative: false })),
    ).toMatchObject({ outcome: "applied", to: "PROCESSED" });
    const stale = { ...snapshot, status: "ATTEMPTED", updated_at: "2020-01-01T00:00:00.000Z" };
    expect(
      await applyStatus(pluralReport(order.id, stale, "webhook", "PAYMENT_FAILED", { externalId: `msg_${order.id}_2`, payload: {}, authoritative: false })),
    ).toMatchObject({ outcome: "ignored", to: "PROCESSED" });
    expect((await db().order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe("PROCESSED");
  });

  it("records a repeated message once, even when both arrive at the same time", async () => {
    const { order, payment } = await paidOrder();
    const { orderResponse } = await import("@/lib/plural/schemas");
    store.sandbox.approve((await db().payment.findUniqueOrThrow({ where: { id: payment.id } })).pluralPaymentId!);
    const snapshot = orderResponse.parse(store.sandbox.orderJson(order.pluralOrderId!));
    const input = pluralReport(order.id, snapshot, "webhook", "X", { externalId: `msg_dup_${order.id}`, payload: {}, authoritative: false });
    const results = await Promise.all([applyStatus(input), applyStatus(input), applyStatus(input)]);
    expect(results.filter((r) => r.outcome === "duplicate")).toHaveLength(2);
    expect(await db().orderEvent.count({ where: { externalId: input.externalId } })).toBe(1);
  });

  it("rejects a snapshot whose amount is not the order's", async () => {
    const { order } = await paidOrder();
    const { orderResponse } = await import("@/lib/plural/schemas");
    const snapshot = orderResponse.parse({
      ...(store.sandbox.advance(), store.sandbox.orderJson(order.pluralOrderId!)),
      status: "PROCESSED",
      order_amount: { value: 100, currency: "INR" },
    });
    expect(await applyStatus(pluralReport(order.id, snapshot, "webhook", "ORDER_PROCESSED", { payload: {}, authoritative: false }))).toEqual({
      outcome: "rejected",
      reason: "amount mismatch",
      orderId: order.id,
    });
    expect((await db().order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe("PENDING");
  });

  it("finds the order by its Plural order inside the transaction, and says when there is none", async () => {
    const { order, payment } = await paidOrder();
    const { orderResponse } = await import("@/lib/plural/schemas");
    store.sandbox.approve((await db().payment.findUniqueOrThrow({ where: { id: payment.id } })).pluralPaymentId!);
    const snapshot = orderResponse.parse(store.sandbox.orderJson(order.pluralOrderId!));
    const byPlural = await applyStatus(
      pluralReport({ pluralOrderId: order.pluralOrderId! }, snapshot, "webhook", "ORDER_PROCESSED", { payload: {}, authoritative: false }),
    );
    expect(byPlural).toMatchObject({ outcome: "applied", orderId: order.id, to: "PROCESSED" });
    expect((await db().order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe("PROCESSED");
    const unknown = await applyStatus(
      pluralReport({ pluralOrderId: "v1-no-such-order" }, { ...snapshot, order_id: "v1-no-such-order" }, "webhook", "ORDER_PROCESSED", { payload: {} }),
    );
    expect(unknown).toEqual({ outcome: "rejected", reason: "unknown order" });
    expect(await db().orderEvent.count({ where: { type: "ORDER_PROCESSED", order: { pluralOrderId: "v1-no-such-order" } } })).toBe(0);
  });
});

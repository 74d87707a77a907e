import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { testCart } from "@/lib/testing/cart";
import { testStoreForFile } from "@/lib/testing/store-for-file";
import { newCheckoutKey, newRefundKey, refundOrder, setQuantity, startPayment, syncOrder } from "@/lib/orders";
import { checkoutForm } from "@/lib/testing/shopper.mjs";

/**
 * Were refundOrder to check what is left and insert the refund in two steps, two console tabs
 * refunding in full at once would both pass the check. The check and the insert now hold one lock
 * per order (the order row's, taken by a guarded UPDATE in the transaction): on SQLite and, in
 * `npm test`, again on PostgreSQL.
 */
const store = testStoreForFile({ webhooks: false });

async function paidOrder(quantity = 1) {
  const cart = await testCart();
  const chai = await db().product.findUniqueOrThrow({ where: { slug: "chai" } });
  await setQuantity(cart.id, chai.id, quantity);
  const placed = await cart.place(checkoutForm(), newCheckoutKey());
  if (!placed.ok) throw new Error(placed.error);
  const p = await startPayment(placed.value.orderId, "QR");
  if (!p.ok) throw new Error(p.error);
  store.sandbox.approve((await db().payment.findUniqueOrThrow({ where: { id: p.value.id } })).pluralPaymentId!);
  await syncOrder(placed.value.orderId);
  return db().order.findUniqueOrThrow({ where: { id: placed.value.orderId } });
}

const refundCalls = () => store.server.count("POST", /\/refunds?(\/|$)/);

describe("refunds", () => {
  it("two full refunds at once (two console tabs): exactly one is made", async () => {
    const order = await paidOrder();
    expect(order.status).toBe("PROCESSED");
    const calls = refundCalls();
    const answers = await Promise.all([refundOrder(order.id, order.amountInPaise, newRefundKey()), refundOrder(order.id, order.amountInPaise, newRefundKey())]);
    expect(answers.filter((a) => a.ok)).toHaveLength(1);
    expect(answers.find((a) => !a.ok)).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^(This order has nothing left to refund\.|At most ₹0\.00 can be refunded\.)$/),
    });
    expect(await db().refund.count({ where: { orderId: order.id } })).toBe(1);
    expect(refundCalls() - calls).toBe(1);
  });

  it("five partial refunds at once never add up to more than was paid", async () => {
    const order = await paidOrder(2); // ₹698.00
    const answers = await Promise.all(Array.from({ length: 5 }, () => refundOrder(order.id, 20000, newRefundKey())));
    expect(answers.filter((a) => a.ok)).toHaveLength(3); // 3 × ₹200 fit in ₹698, a fourth does not
    const refunds = await db().refund.findMany({ where: { orderId: order.id } });
    expect(refunds.reduce((n, r) => n + r.amountInPaise, 0)).toBeLessThanOrEqual(order.amountInPaise);
  });

  it("the same refund sent twice at once (a double click) is one refund", async () => {
    const order = await paidOrder();
    const key = newRefundKey();
    const answers = await Promise.all([refundOrder(order.id, 10000, key), refundOrder(order.id, 10000, key)]);
    expect(answers.every((a) => a.ok)).toBe(true);
    expect(await db().refund.count({ where: { orderId: order.id } })).toBe(1);
  });
});

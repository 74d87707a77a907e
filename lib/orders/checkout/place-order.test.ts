import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { testStoreForFile } from "@/lib/testing/store-for-file";
import { testCart } from "@/lib/testing/cart";
import { cartWith, TEST_FORM } from "@/lib/testing/checkout";
import { newCheckoutKey } from "@/lib/orders";

const store = testStoreForFile({ webhooks: false });

const form = TEST_FORM;

describe("placing an order", () => {
  it("takes the amount from the database and creates one Plural order per checkout key", async () => {
    const cart = await cartWith(3);
    const key = newCheckoutKey();
    const [a, b] = await Promise.all([cart.place(form, key), cart.place(form, key)]);
    expect(a.ok && b.ok).toBe(true);
    if (!a.ok || !b.ok) return;
    expect(a.value.orderId).toBe(b.value.orderId);
    const order = await db().order.findUniqueOrThrow({ where: { id: a.value.orderId }, include: { items: true } });
    expect(order.amountInPaise).toBe(3 * 34900);
    expect(order.status).toBe("CREATED");
    expect(store.sandbox.orderList().filter((o) => o.merchant_order_reference === key)).toHaveLength(1);
    expect(store.sandbox.orderByReference(key).callback_url).toBe("http://store.test/api/plural/return");
  });

  it("keeps the order when Plural is down, and a retry with the same key finishes it", async () => {
    const cart = await cartWith();
    const key = newCheckoutKey();
    store.sandbox.addFault({ endpoint: "createOrder", kind: "status", status: 500 });
    const failed = await cart.place(form, key);
    expect(failed).toMatchObject({ ok: false, error: expect.stringContaining("Your order is saved") });
    const saved = await db().order.findUniqueOrThrow({ where: { merchantOrderReference: key } });
    expect(saved.pluralOrderId).toBeNull();
    store.sandbox.clearFaults();
    const retried = await cart.place(form, key);
    expect(retried.ok && retried.value.orderId).toBe(saved.id);
    expect((await db().order.findUniqueOrThrow({ where: { id: saved.id } })).pluralOrderId).toMatch(/^v1-/);
  });

  it("refuses an empty cart and a forged checkout key", async () => {
    expect(await (await testCart()).place(form, newCheckoutKey())).toMatchObject({ ok: false, error: "Your cart is empty." });
    expect(await (await cartWith()).place(form, "ord_<script>")).toMatchObject({ ok: false });
  });
});

import { db } from "@/lib/db";
import { newCheckoutKey, setQuantity, startPayment, type CheckoutForm } from "@/lib/orders";
import { testCart, type TestCart } from "./cart";
import { checkoutForm } from "./shopper.mjs";

/**
 * The checkout most domain tests start from, in one place: the form a shopper fills in (the shared
 * test shopper, lib/testing/shopper.mjs), a cart holding some chai (₹349 each, from the seed), and
 * an order placed from it with its QR payment started (Plural's sandbox answers; nothing is paid yet).
 */
export const TEST_FORM: CheckoutForm = checkoutForm();

/** A fresh shopper's cart with `quantity` chai in it. */
export async function cartWith(quantity = 2): Promise<TestCart> {
  const cart = await testCart();
  const chai = await db().product.findUniqueOrThrow({ where: { slug: "chai" } });
  await setQuantity(cart.id, chai.id, quantity);
  return cart;
}

/**
 * An order of `quantity` chai placed from a fresh cart, and its QR payment started: the order row
 * with its payments, the payment as the pay page shows it, and the cart (its cookie's token is the
 * one placing the order rotated to).
 */
export async function orderWithQr(quantity = 2) {
  const cart = await cartWith(quantity);
  const placed = await cart.place(TEST_FORM, newCheckoutKey());
  if (!placed.ok) throw new Error(placed.error);
  const p = await startPayment(placed.value.orderId, "QR");
  if (!p.ok) throw new Error(p.error);
  const order = await db().order.findUniqueOrThrow({ where: { id: placed.value.orderId }, include: { payments: true } });
  return { order, payment: p.value, cart };
}

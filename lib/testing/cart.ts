import { createCart, newCheckoutKey, placeOrder, type CheckoutForm, type CookieReader } from "@/lib/orders";
import { checkoutForm } from "./shopper.mjs";

/**
 * A shopper's cart as their browser holds it, for domain and route tests: its id (what the test
 * reads in the database) and the cookie's token, which placing an order rotates (lib/orders/cart/cart.ts).
 * `place()` places an order as the checkout action does (by default the test shopper's form,
 * lib/testing/shopper.mjs, and a fresh checkout key), keeping the new token as the browser keeps
 * the new cookie; `cookies` is what that browser sends.
 */
export type TestCart = { id: string; token: string; cookies: CookieReader; place: (form?: CheckoutForm, key?: string) => ReturnType<typeof placeOrder> };

export async function testCart(): Promise<TestCart> {
  const made = await createCart();
  const cart: TestCart = {
    id: made.id,
    token: made.token,
    cookies: { get: (name) => (name === "cart" ? { value: cart.token } : undefined) },
    place: (form = checkoutForm(), key = newCheckoutKey()) => placeOrder(cart.token, form, key, { rotated: (t) => void (cart.token = t) }),
  };
  return cart;
}

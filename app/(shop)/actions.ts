"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { db } from "@/lib/db";
import {
  addToCart,
  CartError,
  cancelCheckout,
  checkoutForm,
  fieldErrors,
  formToCheckout,
  placeOrder,
  refillCart,
  setQuantity,
  startPayment,
  type ActivePayment,
  type PaymentMode,
} from "@/lib/orders";
import { cartId, ensureCartId, requireOrderOwner } from "./session";

export type ActionResult<T = undefined> =
  { ok: true; value?: T } | { ok: false; error: string; fieldErrors?: Record<string, string>; values?: ReturnType<typeof formToCheckout> };

/** useActionState's signature, so the button also works before hydration (a plain form post). */
export async function addToCartAction(_prev: ActionResult | null, formData: FormData): Promise<ActionResult> {
  const productId = String(formData.get("productId") ?? "");
  const quantity = Number(formData.get("quantity") ?? 1);
  try {
    await addToCart(await ensureCartId(), productId, Number.isInteger(quantity) ? quantity : 1);
  } catch (e) {
    if (e instanceof CartError) return { ok: false, error: e.message };
    throw e;
  }
  revalidatePath("/", "layout");
  return { ok: true };
}

export async function setQuantityAction(productId: string, quantity: number): Promise<ActionResult> {
  const id = await cartId();
  if (!id) return { ok: false, error: "Your cart is empty." };
  try {
    await setQuantity(id, productId, quantity);
  } catch (e) {
    if (e instanceof CartError) return { ok: false, error: e.message };
    throw e;
  }
  revalidatePath("/", "layout");
  return { ok: true };
}

/** Checkout: validate on the server, place the order (idempotent per checkout key), go to the pay page. */
export async function placeOrderAction(_prev: ActionResult | null, formData: FormData): Promise<ActionResult> {
  const values = formToCheckout(formData);
  const parsed = checkoutForm.safeParse(values);
  if (!parsed.success) return { ok: false, error: "Please correct the highlighted fields.", fieldErrors: fieldErrors(parsed.error), values };
  const result = await placeOrder(await cartId(), parsed.data, String(formData.get("checkoutKey") ?? ""));
  if (!result.ok) return { ok: false, error: result.error, values };
  redirect(`/orders/${result.value.orderId}/pay`);
}

export async function startPaymentAction(orderId: string, mode: PaymentMode, vpa?: string): Promise<ActionResult<ActivePayment>> {
  await requireOrderOwner(orderId);
  const r = await startPayment(orderId, mode, vpa);
  return r.ok ? { ok: true, value: r.value } : { ok: false, error: r.error };
}

export async function cancelCheckoutAction(orderId: string): Promise<void> {
  await requireOrderOwner(orderId);
  await cancelCheckout(orderId);
  redirect("/cart?cancelled=1");
}

/** "Start again": the failed order's items back in the cart, then checkout. */
export async function reorderAction(formData: FormData): Promise<void> {
  const orderId = await requireOrderOwner(formData.get("orderId"));
  const order = await db().order.findUnique({ where: { id: orderId }, include: { items: true } });
  if (!order) redirect("/cart");
  const cart = await ensureCartId();
  const current = await db().cartItem.count({ where: { cartId: cart } });
  if (current === 0) await refillCart(cart, order.items);
  redirect("/checkout");
}

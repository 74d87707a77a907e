"use server";

import { revalidatePath } from "next/cache";
import { cookies } from "next/headers";
import { notFound, redirect } from "next/navigation";
import { z } from "zod";
import { err, ok, type Result } from "@/lib/result";
import {
  addToCart,
  CartError,
  cancelCheckout,
  checkoutForm,
  fieldErrors,
  formToCheckout,
  type CheckoutValues,
  placeOrder,
  productAvailable,
  refillCartFromOrder,
  setQuantity,
  startPayment,
  type ActivePayment,
  type StartMode,
} from "@/lib/orders";
import { addQuantityArg, field, formArg, orderIdArg, paymentModeArg, productIdArg, quantityArg, vpaArg } from "@/lib/security/args";
import { cartId, cartToken, ensureCartId, refused, requireOrderOwner, setCartCookie, shopperAddress } from "./session";

/**
 * The shopper's server actions. Each is a public HTTP endpoint that takes whatever arguments a
 * caller encodes, so each checks them first (lib/security/args.ts) and answers a clear error; an
 * action on an order also checks that the caller placed it (a 404 otherwise). What starts something
 * (a cart, an order, a payment) is rate-limited per cart and per address (lib/orders/access/rate-limits.ts):
 * a refusal answers 429, with the message the page shows.
 */
/** Every action answers lib/result.ts's Result (the components import that type, not this module). */
type ActionResult<T = undefined> = Result<T>;
type CheckoutResult = Result<undefined, string, CheckoutValues>;

const GONE = "That product is no longer available.";
const EXPIRED = "This form has expired. Reload the page and try again.";

/** useActionState's signature, so the button also works before hydration (a plain form post). */
export async function addToCartAction(_prev: ActionResult | null, formData: FormData): Promise<ActionResult> {
  const form = formArg.safeParse(formData);
  if (!form.success) return { ok: false, error: EXPIRED };
  const productId = productIdArg.safeParse(form.data.get("productId"));
  if (!productId.success) return { ok: false, error: GONE };
  const quantity = addQuantityArg.safeParse(form.data.get("quantity") ?? 1);
  if (!quantity.success) return { ok: false, error: "Invalid quantity." };
  if (!(await productAvailable(productId.data))) return { ok: false, error: GONE }; // before a cart is created for it
  const cart = await ensureCartId();
  if (!cart.ok) return cart;
  try {
    await addToCart(cart.value, productId.data, quantity.data);
  } catch (e) {
    if (e instanceof CartError) return { ok: false, error: e.message };
    throw e;
  }
  revalidatePath("/", "layout");
  return ok();
}

const setQuantityArgs = z.tuple([productIdArg, quantityArg]);

export async function setQuantityAction(productId: string, quantity: number): Promise<ActionResult> {
  const args = setQuantityArgs.safeParse([productId, quantity]);
  if (!args.success) return { ok: false, error: productIdArg.safeParse(productId).success ? "Invalid quantity." : GONE };
  const id = await cartId();
  if (!id) return { ok: false, error: "Your cart is empty." };
  try {
    await setQuantity(id, ...args.data);
  } catch (e) {
    if (e instanceof CartError) return { ok: false, error: e.message };
    throw e;
  }
  revalidatePath("/", "layout");
  return ok();
}

/** Checkout: validate on the server, place the order (idempotent per checkout key), go to the pay page. */
export async function placeOrderAction(_prev: CheckoutResult | null, formData: FormData): Promise<CheckoutResult> {
  const form = formArg.safeParse(formData);
  if (!form.success) return { ok: false, error: EXPIRED };
  const values = formToCheckout(form.data);
  const parsed = checkoutForm.safeParse(values);
  if (!parsed.success) return { ok: false, error: "Please correct the highlighted fields.", fieldErrors: fieldErrors(parsed.error), values };
  const key = field(64).safeParse(form.data.get("checkoutKey"));
  const result = await placeOrder(await cartToken(), parsed.data, key.success ? key.data : "", {
    shopper: { address: await shopperAddress() },
    rotated: setCartCookie, // a new order, a new cart token (the old one opens nothing from now on)
  });
  if (!result.ok) return refused({ ok: false, error: result.error, code: result.code, values });
  redirect(`/orders/${result.value.orderId}/pay`);
}

export async function startPaymentAction(orderId: string, mode: StartMode, vpa?: string): Promise<ActionResult<ActivePayment>> {
  const id = orderIdArg.safeParse(orderId);
  const how = paymentModeArg.safeParse(mode);
  const payer = vpaArg.safeParse(vpa);
  if (!id.success || !how.success || !payer.success) {
    await requireOrderOwner(id.data); // a 404 for anyone else, whatever they sent
    return { ok: false, error: how.success ? "Enter a valid UPI ID, like name@bank." : "Choose how to pay: QR, UPI app or a UPI ID." };
  }
  // The usual path: ownership is proved on the order startPayment reads anyway (one read, not two).
  const r = await startPayment(id.data, how.data, payer.data, { cookies: await cookies(), shopper: { address: await shopperAddress() } });
  if (!r.ok && r.code === "not_found") notFound();
  // The code goes to the browser only as what the pay page can offer instead (lib/orders/payments/refusals.ts);
  // a rate limit's code only sets the 429 (session.ts).
  if (r.ok) return ok(r.value);
  const answer = refused(err(r.error, r.code));
  return err(answer.error, r.code === "use_qr" || r.code === "use_vpa" ? r.code : undefined);
}

export async function cancelCheckoutAction(orderId: string): Promise<void> {
  const id = await requireOrderOwner(orderIdArg.safeParse(orderId).data);
  await cancelCheckout(id);
  redirect("/cart?cancelled=1");
}

/** "Start again": the failed order's items back in the cart, then checkout. */
export async function reorderAction(formData: FormData): Promise<void> {
  const form = formArg.safeParse(formData);
  if (!form.success) notFound();
  const orderId = await requireOrderOwner(orderIdArg.safeParse(form.data.get("orderId")).data);
  const cart = await ensureCartId();
  if (!cart.ok) redirect("/cart?busy=1"); // the only refusal here: too many new carts from this address
  if (!(await refillCartFromOrder(cart.value, orderId))) notFound();
  redirect("/checkout");
}

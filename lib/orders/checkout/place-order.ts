import { randomBytes } from "node:crypto";
import { currentRequestId } from "@/lib/request-context";
import { db, isUniqueViolation } from "@/lib/db";
import { env } from "@/lib/env";
import type { Order } from "@/lib/generated/prisma/client";
import { log } from "@/lib/log";
import type { Result } from "@/lib/result";
import { LIMITS, PluralError } from "@/lib/plural";
import { plural } from "@/lib/plural-client";
import { formatPaise } from "@/lib/money";
import { SHOP_LIMITS } from "@/lib/security/limits";
import { applyStatus, pluralReport } from "../status/apply";
import { recordEvent } from "../status/timeline";
import { attemptReference } from "../payments/attempts";
import { logRefusal, orderRefusal } from "../payments/refusals";
import { cartTokenHash, getCart, isCartToken, newCartToken } from "../cart/cart";
import { splitName, type CheckoutForm } from "./customer-form";
import { addressKey, pluralBudget, pluralCall, withinLimits } from "../access/rate-limits";
import { processGlobal } from "@/lib/process-global";

export type { Result } from "@/lib/result";

/** A fresh idempotency key for one checkout attempt; it becomes the merchant order reference. */
export function newCheckoutKey(): string {
  return `ord_${randomBytes(12)
    .toString("base64url")
    .replace(/[^A-Za-z0-9]/g, "x")}`;
}
const isCheckoutKey = (k: string) => /^ord_[A-Za-z0-9]{16}$/.test(k);

/**
 * Places the order: our record first (amount from the database, never the browser), then the
 * Plural order with the same merchant reference. Submitting the same checkout twice, or again after
 * an upstream failure, finds the same order and never creates a second one at Plural. The checkout
 * key's uniqueness decides which submit created it, so the usual path is one read and one insert.
 *
 * `cartToken` is the shopper's cart cookie. A new order rotates it: the cart, its new
 * order and its earlier ones move to a fresh token, handed to `opts.rotated` for the caller to set
 * (whether or not Plural then answers), so whoever knew the old one (a shared computer, a planted cookie) cannot follow the order. A
 * merchant reference names an order only for the shopper whose cart placed it: anyone else's
 * submit of the same key is refused and touches nothing. For a shopper's request (`opts.shopper`,
 * with the client's address) orders per cart and per address are limited.
 */
export async function placeOrder(
  cartToken: string | undefined,
  form: CheckoutForm,
  checkoutKey: string,
  opts: { shopper?: { address: string | undefined }; rotated?: (cartToken: string) => void | Promise<void> } = {},
): Promise<Result<{ orderId: string }>> {
  if (!isCheckoutKey(checkoutKey)) return { ok: false, error: "This checkout form has expired. Reload the page and try again." };
  const cart = await getCart(cartToken);
  let order: Order | null;
  let prepaid = 0;
  if (cart.lines.length === 0 || !cart.id) {
    // The same checkout sent again after it was paid (a paid order empties its cart): that order, if it is this shopper's.
    order = await db().order.findUnique({ where: { merchantOrderReference: checkoutKey } });
    if (!order || !isCartToken(cartToken) || order.ownerHash !== cartTokenHash(cartToken)) return { ok: false, error: "Your cart is empty." };
  } else {
    if (cart.totalInPaise < LIMITS.amountMin || cart.totalInPaise > LIMITS.amountMax) {
      return { ok: false, error: `Orders must be between ${formatPaise(LIMITS.amountMin)} and ${formatPaise(LIMITS.amountMax)}.` };
    }
    if (opts.shopper) {
      // The shopper's limits and the create-order call it is about to cause: one statement.
      const limited = await withinLimits([
        [SHOP_LIMITS.ordersPerCart, cart.id],
        [SHOP_LIMITS.ordersPerAddress, addressKey(opts.shopper.address)],
        pluralCall(),
      ]);
      if (!limited.ok) return limited;
      prepaid = 1;
    }
    const token = newCartToken();
    try {
      order = await db().order.create({
        data: {
          merchantOrderReference: checkoutKey,
          cartId: cart.id,
          ownerHash: cartTokenHash(token),
          amountInPaise: cart.totalInPaise,
          customerName: form.name,
          customerEmail: form.email,
          customerMobile: form.mobile,
          billingAddress: JSON.stringify(form.billing),
          shippingAddress: JSON.stringify(form.sameAsBilling ? form.billing : form.shipping),
          items: { create: cart.lines.map((l) => ({ productId: l.productId, name: l.name, unitPriceInPaise: l.unitPriceInPaise, quantity: l.quantity })) },
          events: {
            create: {
              source: "shopper",
              type: "ORDER_PLACED",
              verified: true,
              payload: JSON.stringify({ amountInPaise: cart.totalInPaise, items: cart.lines.length }),
              statusTo: "CREATED",
              requestId: currentRequestId() ?? null,
            },
          },
        },
      });
      await rotateCartToken(cart.id, token);
      await opts.rotated?.(token);
    } catch (e) {
      // The same checkout sent twice (a double click, a retry after a timeout): the first one's order,
      // if this cart placed it. Another shopper's reference is never answered, nor acted on.
      if (!isUniqueViolation(e, "merchantOrderReference")) throw e;
      order = await db().order.findUniqueOrThrow({ where: { merchantOrderReference: checkoutKey } });
      if (order.cartId !== cart.id) return { ok: false, error: "This checkout form has expired. Reload the page and try again." };
    }
  }
  if (order.pluralOrderId) return { ok: true, value: { orderId: order.id } };
  return ensurePluralOrder(order, { spend: pluralBudget(prepaid) });
}

/** The cart and all its orders move to a new token (the old one opens nothing from now on). */
async function rotateCartToken(cartId: string, token: string): Promise<void> {
  const hash = cartTokenHash(token);
  await db().$transaction([
    db().cart.update({ where: { id: cartId }, data: { tokenHash: hash } }),
    db().order.updateMany({ where: { cartId }, data: { ownerHash: hash } }),
  ]);
}

// One process-wide memory, whatever Next bundle asks.
const preAuthState = processGlobal("preAuthRefusals", () => ({}) as { pluralRefusedPreAuthAt?: number });
const PRE_AUTH_WARN_EVERY_MS = 10 * 60_000;

/**
 * Plural refused pre-auth for UPI (Plural's Create Order documentation: only cards and Pay by Points
 * support it; the sandbox's `pre_auth_upi: refused`): the order is made without it (the payment is captured
 * at once), and the merchant is told at error level, at most every 10 minutes. Every order asks
 * again, so an account where Plural enables it gets pre-auth back without a restart.
 */
export function notePreAuthRefused(orderId: string, e: PluralError) {
  const last = preAuthState.pluralRefusedPreAuthAt;
  if (last === undefined || Date.now() - last > PRE_AUTH_WARN_EVERY_MS) {
    log.error("checkout.pre_auth_refused", {
      orderId,
      code: e.code,
      status: e.status,
      hint: "Plural supports pre-auth for cards and Pay by Points only: set PLURAL_PRE_AUTH=false. Orders are created without pre_auth meanwhile (captured at once).",
    });
    preAuthState.pluralRefusedPreAuthAt = Date.now();
  }
}

/** A refusal of pre_auth: a 400 on create order, or PAYMENT_METHOD_NOT_ENABLED (on the order, or on its UPI payment). */
const refusesPreAuth = (e: PluralError) => e.status === 400 || e.code === "INVALID_REQUEST" || e.code === "PAYMENT_METHOD_NOT_ENABLED";

/**
 * Creates the Plural order of the order's current attempt (attempts.ts; again, after a failure:
 * Plural dedupes by reference, and lib/plural reads back what a DUPLICATE_REQUEST says exists).
 */
export async function ensurePluralOrder(
  order: Order,
  opts: { withoutPreAuth?: boolean; spend?: ReturnType<typeof pluralBudget> } = {},
): Promise<Result<{ orderId: string }>> {
  if (order.pluralOrderId) return { ok: true, value: { orderId: order.id } };
  // A Plural call a shopper causes: within the store's budget per minute (access/rate-limits.ts).
  const budget = await (opts.spend ?? pluralBudget(0))();
  if (!budget.ok) return budget;
  const preAuth = env().preAuth && !opts.withoutPreAuth;
  try {
    await createPluralOrder(order, preAuth);
    return { ok: true, value: { orderId: order.id } };
  } catch (err) {
    if (!(err instanceof PluralError)) throw err;
    if (preAuth && err.kind === "http" && refusesPreAuth(err)) {
      // Plural does not pre-authorise UPI: the same order without it, rather than an order nobody can pay.
      notePreAuthRefused(order.id, err);
      await recordEvent({
        orderId: order.id,
        source: "store",
        type: "PRE_AUTH_REFUSED",
        payload: { code: err.code, status: err.status },
        status: order.status,
      });
      try {
        await createPluralOrder(order, false);
        return { ok: true, value: { orderId: order.id } };
      } catch (again) {
        if (!(again instanceof PluralError)) throw again;
        err = again;
      }
    }
    const refusal = orderRefusal(err as PluralError);
    logRefusal("checkout", refusal, err as PluralError, { orderId: order.id, attempt: order.pluralAttempt });
    return { ok: false, error: refusal.message };
  }
}

async function createPluralOrder(order: Order, preAuth: boolean) {
  const e = env();
  const address = (json: string) => {
    const a = JSON.parse(json) as { address1: string; city: string; state: string; pincode: string };
    return { address1: a.address1, city: a.city, state: a.state, pincode: a.pincode, country: "India" };
  };
  const created = await plural().createOrder({
    merchant_order_reference: attemptReference(order.merchantOrderReference, order.pluralAttempt),
    order_amount: { value: order.amountInPaise, currency: "INR" },
    pre_auth: preAuth || undefined,
    allowed_payment_methods: ["UPI"],
    notes: `Plural UPI Store order ${order.id}`,
    callback_url: `${e.appUrl}/api/plural/return`,
    failure_callback_url: `${e.appUrl}/api/plural/return`,
    purchase_details: {
      customer: {
        email_id: order.customerEmail,
        ...splitName(order.customerName),
        mobile_number: order.customerMobile,
        country_code: "91",
        billing_address: address(order.billingAddress),
        shipping_address: address(order.shippingAddress),
      },
      merchant_metadata: { store_order_id: order.id },
    },
  });
  await applyStatus(pluralReport(order.id, created, "sync", "ORDER_CREATED", { extra: { attempt: order.pluralAttempt } }));
}

import { createHash } from "node:crypto";
import { db, isUniqueViolation } from "@/lib/db";
import { env } from "@/lib/env";
import { log } from "@/lib/log";
import { isValidVpa, PluralError } from "@/lib/plural";
import { plural } from "@/lib/plural-client";
import { COLLECT, SHOP_LIMITS } from "@/lib/security/limits";
import { waitText } from "@/lib/security/throttle";
import { applyStatus, pluralReport } from "../status/apply";
import { recordEvent } from "../status/timeline";
import { ensurePluralOrder, notePreAuthRefused } from "../checkout/place-order";
import { logRefusal, paymentRefusal } from "./refusals";
import { syncOrder } from "../sync/sync-order";
import { type CookieReader, ownsOrderRow } from "../access/order-access";
import { OPEN_STATUSES, type OrderStatus, type PaymentMode } from "../status/statuses";
import { storedOrNull, storedPayment } from "../status/rows";
import { err, ok, type Result } from "@/lib/result";
import { addressKey, pluralBudget, pluralCall, RATE_LIMITED, withinLimits } from "../access/rate-limits";

/** The modes a shopper can start a payment in (a payment made in their app elsewhere is recorded as INTENT). */
export type StartMode = Exclude<PaymentMode, "INTENT">;

/** How long a UPI request stays payable (Plural does not document it; the sandbox's default). */
export const PAYMENT_WINDOW_MS = 15 * 60 * 1000;

export type ActivePayment = { id: string; mode: PaymentMode; challengeUrl: string | null; imageUrl: string | null; payerVpa: string | null; expiresAt: string };

/** When a payment stops waiting for the payer (Plural's window from its creation), in ms. */
const endsAt = (p: { createdAt: Date }) => p.createdAt.getTime() + PAYMENT_WINDOW_MS;

const toActive = (p: {
  id: string;
  upiMode: PaymentMode;
  challengeUrl: string | null;
  imageUrl: string | null;
  payerVpa: string | null;
  createdAt: Date;
}): ActivePayment => ({
  id: p.id,
  mode: p.upiMode,
  challengeUrl: p.challengeUrl,
  imageUrl: p.imageUrl,
  payerVpa: p.payerVpa,
  expiresAt: new Date(endsAt(p)).toISOString(),
});

type PaymentRow = Parameters<typeof toActive>[0] & { status: string; pluralPaymentId: string | null };

/** Of an order's payments, the one still waiting for the payer (Plural has it, and it has not expired). */
export function waiting(payments: PaymentRow[], now = Date.now()): ActivePayment | null {
  const p = payments.filter((x) => x.status === "PENDING" && x.pluralPaymentId).sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())[0];
  return p && endsAt(p) >= now ? toActive(p) : null;
}

/**
 * The mode ("QR" or "COLLECT") of the order's latest payment when it ran out of time unanswered
 * (Plural said PAYMENT_EXPIRED, or our window passed while it was still pending), else null. The pay
 * page then offers a new QR rather than starting one by itself, so what it says is the same before and
 * after a reload.
 */
export function lastPaymentExpired(payments: Array<PaymentRow & { errorCode: string | null }>, now = Date.now()): PaymentMode | null {
  const last = [...payments].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())[0];
  if (!last || !last.pluralPaymentId) return null;
  const expired = last.status === "PENDING" ? endsAt(last) < now : last.errorCode === "PAYMENT_EXPIRED";
  return expired ? last.upiMode : null;
}

/** The payment the pay page should show, if one is still waiting. */
async function activePayment(orderId: string): Promise<ActivePayment | null> {
  const p = await db().payment.findFirst({ where: { orderId, status: "PENDING", pluralPaymentId: { not: null } }, orderBy: { createdAt: "desc" } });
  return p ? waiting([storedPayment(p)]) : null;
}

/** At most this many Plural orders for one store order (a shopper switching back and forth where Plural refuses a second payment). */
const MAX_ATTEMPTS = 10;

type OrderWithPayments = NonNullable<Awaited<ReturnType<typeof loadOrder>>>;
const loadOrder = async (orderId: string) =>
  storedOrNull(await db().order.findUnique({ where: { id: orderId }, include: { payments: { orderBy: { createdAt: "asc" } } } }));

/**
 * Starts (or reuses) a UPI payment on the order. QR and intent share one payment (created with
 * `upi_qr`, it carries both the link and the image), so switching between them or reloading never
 * creates another. A collect request replaces it. Each payment has its own merchant reference, so a
 * double click sends the same request twice and Plural answers with the same payment (or, where it
 * refuses a repeat with DUPLICATE_REQUEST, lib/plural reads that payment back).
 *
 * Where Plural refuses a second payment on a PENDING order (PAYMENT_PENDING), the new payment is made
 * on a new Plural order for the same store order (attempts.ts): the shopper switches how to pay, or
 * gets a new QR, either way. The error's `code` is what the pay page can offer instead (refusals.ts).
 *
 * For a shopper's request (`opts.shopper`) starts are limited per cart and per address, and a
 * collect request (a payment request in the merchant's name, pushed to someone's UPI app) is
 * admitted by admitCollect: at most COLLECT.payers UPI IDs per order, a cooldown between requests.
 * Every new payment is a Plural call within the store's budget (lib/orders/access/rate-limits.ts).
 */
export async function startPayment(
  orderId: string,
  mode: StartMode,
  vpa?: string,
  opts: { cookies?: CookieReader; shopper?: { address: string | undefined } } = {},
): Promise<Result<ActivePayment, string>> {
  let order = await loadOrder(orderId);
  // With the caller's cookies: only for the shopper who placed it, proved on the row just read (access/order-access.ts).
  if (!order || (opts.cookies && !ownsOrderRow(order, opts.cookies))) return err("Order not found.", "not_found");
  // A shopper's start causes a Plural call (a Get Order, or the new payment): counted with its limits, in one statement.
  const spend = pluralBudget(opts.shopper ? 1 : 0);
  if (opts.shopper) {
    const limited = await withinLimits([
      [SHOP_LIMITS.paymentsPerCart, order.cartId ?? order.id],
      [SHOP_LIMITS.paymentsPerAddress, addressKey(opts.shopper.address)],
      pluralCall(),
    ]);
    if (!limited.ok) return limited;
  }
  if (!order.pluralOrderId && OPEN_STATUSES.has(order.status)) {
    // The Plural order could not be created at checkout (or for a new attempt): try again now (idempotent
    // by reference). Here, in the shopper's action, rather than while the pay page renders: a GET changes nothing.
    const created = await ensurePluralOrder(order, { spend });
    if (!created.ok) return created;
    order = (await loadOrder(orderId))!;
  }
  if (!order.pluralOrderId) return { ok: false, error: "This order is not ready for payment yet." };
  if (!OPEN_STATUSES.has(order.status)) return closed(order.status);
  const payerVpa = vpa?.trim().toLowerCase();
  if (mode === "COLLECT" && (!payerVpa || !isValidVpa(payerVpa))) return { ok: false, error: "Enter a valid UPI ID, like name@bank." };

  let current = waiting(order.payments);
  if (current && (await spend()).ok) {
    // Our record may be behind (a decline whose webhook has not arrived): ask Plural before reusing it
    // (unless the store's budget of Plural calls is spent: then our record is what we have).
    await syncOrder(orderId, "sync", "GET_ORDER_BEFORE_PAYMENT");
    current = await activePayment(orderId);
  }
  const showable = (p: ActivePayment) => p.mode !== "QR" || !!p.challengeUrl || !!p.imageUrl;
  if (current && showable(current) && (mode === "QR" ? current.mode === "QR" : current.mode === "COLLECT" && current.payerVpa === payerVpa))
    return { ok: true, value: current };

  for (let rotations = 0; ; rotations++) {
    const r = await payOn(order, mode, payerVpa, spend, rotations === 0);
    if (r.ok || rotations > 0 || !r.rotate) return r.result;
    // Plural refuses a second payment on this Plural order: the payment goes on a new one.
    const next = await newAttempt(order, r.rotate, spend);
    if (!next.ok) return next;
    order = next.value;
  }
}

const closed = (status: OrderStatus): Result<ActivePayment, string> => ({
  ok: false,
  error: status === "PROCESSED" || status === "AUTHORIZED" ? "This order is already paid." : "This order can no longer be paid.",
});

/** One payment on the order's current Plural order. `rotate`: why a new Plural order would take it (Plural refused this one). */
async function payOn(
  order: OrderWithPayments,
  mode: StartMode,
  payerVpa: string | undefined,
  spend: ReturnType<typeof pluralBudget>,
  admit: boolean,
): Promise<{ ok: true; result: Result<ActivePayment, string> } | { ok: false; result: Result<ActivePayment, string>; rotate?: string }> {
  const orderId = order.id;
  const pluralOrderId = order.pluralOrderId!;
  // An earlier attempt that never got Plural's answer is sent again under its own reference.
  const unsent = [...order.payments]
    .reverse()
    .find(
      (p) =>
        (!p.pluralPaymentId || (mode === "QR" && !p.challengeUrl && !p.imageUrl)) &&
        p.status === "PENDING" &&
        p.upiMode === mode &&
        (p.pluralOrderId ?? pluralOrderId) === pluralOrderId &&
        (mode === "QR" || p.payerVpa === payerVpa),
    );
  // A new collect request is admitted once per press (not again for the new Plural order a refusal makes).
  if (mode === "COLLECT" && !unsent && admit) {
    const admitted = await admitCollect(order, payerVpa!);
    if (!admitted.ok) return { ok: false, result: admitted };
  }
  const budget = await spend();
  if (!budget.ok) return { ok: false, result: budget };
  const ref = unsent?.merchantPaymentReference ?? `${order.merchantOrderReference}_p${order.payments.length + 1}`;
  let row = order.payments.find((p) => p.merchantPaymentReference === ref);
  if (!row) {
    try {
      row = storedPayment(
        await db().payment.create({
          data: {
            orderId,
            merchantPaymentReference: ref,
            upiMode: mode,
            status: "PENDING",
            amountInPaise: order.amountInPaise,
            payerVpa: payerVpa ?? null,
            pluralOrderId,
          },
        }),
      );
    } catch (e) {
      if (!isUniqueViolation(e)) throw e;
      row = storedPayment(await db().payment.findUniqueOrThrow({ where: { merchantPaymentReference: ref } })); // a concurrent click won
    }
  }
  try {
    const res =
      mode === "COLLECT"
        ? await plural().createUpiPayment(pluralOrderId, { mode: "COLLECT", vpa: payerVpa!, merchantPaymentReference: ref, amountInPaise: order.amountInPaise })
        : await plural().createUpiPayment(pluralOrderId, { mode: "QR", merchantPaymentReference: ref, amountInPaise: order.amountInPaise });
    const updated = storedPayment(
      await db().payment.update({
        where: { id: row.id },
        data: {
          pluralPaymentId: res.paymentId ?? null,
          pluralOrderId,
          challengeUrl: res.challengeUrl ?? null,
          imageUrl: mode === "QR" ? (res.imageUrl ?? null) : null,
        },
      }),
    );
    if (res.order) {
      await applyStatus(pluralReport(orderId, res.order, "sync", "PAYMENT_CREATED", { extra: { payment_id: res.paymentId, mode, answer: res.shape } }));
    } else {
      // The guide's flat answer names the payment only: the order's new status comes from Get Order.
      await recordEvent({
        orderId,
        source: "sync",
        type: "PAYMENT_CREATED",
        payload: { payment_id: res.paymentId, status: res.status, mode, answer: res.shape },
        status: order.status,
      });
      await syncOrder(orderId, "sync", "GET_ORDER_AFTER_PAYMENT");
    }
    return { ok: true, result: { ok: true, value: toActive(updated) } };
  } catch (e) {
    if (!(e instanceof PluralError)) throw e;
    const preAuthRefused = e.code === "PAYMENT_METHOD_NOT_ENABLED" && env().preAuth;
    if (e.code === "PAYMENT_PENDING" || preAuthRefused) {
      // Refused: nothing was made at Plural under this reference. The row says so, and is never sent again.
      await db().payment.updateMany({
        where: { id: row.id, pluralPaymentId: null, status: "PENDING" },
        data: { status: "FAILED", errorCode: e.code, errorMessage: "Refused by Plural; made on a new Plural order instead" },
      });
      if (preAuthRefused) notePreAuthRefused(orderId, e);
      return { ok: false, rotate: e.code, result: err(paymentRefusal(e, mode).message) };
    }
    const refusal = paymentRefusal(e, mode);
    logRefusal("payments", refusal, e, { orderId, mode, attempt: order.pluralAttempt });
    return { ok: false, result: err(refusal.message, refusal.offer) };
  }
}

/** A UPI ID as the order keeps it: a short hash (the order row needs to tell them apart, not to know them). */
const payerKey = (vpa: string) => createHash("sha256").update(`payer:${vpa}`).digest("hex").slice(0, 16);

/**
 * Unbounded, one order could send collect requests to any number of UPI IDs, each in the merchant's
 * name (a victim who approves one pays for the attacker's order). So a new collect request is admitted only
 * to at most COLLECT.payers different UPI IDs per order, COLLECT.requests in all, COLLECT.cooldownMs
 * apart, decided on the order row just read and committed by one compare-and-set on
 * collectRequests: of requests racing on one order, one wins and the others are told to wait.
 */
async function admitCollect(
  order: { id: string; collectRequests: number; collectPayers: string; lastCollectAt: Date | null },
  vpa: string,
  now = Date.now(),
): Promise<Result<void, typeof RATE_LIMITED>> {
  const payers = order.collectPayers ? order.collectPayers.split(",") : [];
  const payer = payerKey(vpa);
  const known = payers.includes(payer);
  if (!known && payers.length >= COLLECT.payers)
    return err(
      `Payment requests for this order have gone to ${COLLECT.payers} different UPI IDs already, the most one order may use. Send it to one of those again, or pay by QR code or UPI app.`,
      RATE_LIMITED,
    );
  if (order.collectRequests >= COLLECT.requests)
    return err("This order has sent as many payment requests as it may. Please pay by QR code or UPI app.", RATE_LIMITED);
  const since = order.lastCollectAt ? now - order.lastCollectAt.getTime() : Infinity;
  if (since < COLLECT.cooldownMs)
    return err(`A payment request was sent a moment ago. You can send another in ${waitText(COLLECT.cooldownMs - since)}.`, RATE_LIMITED);
  const claimed = await db().order.updateMany({
    where: { id: order.id, collectRequests: order.collectRequests },
    data: { collectRequests: { increment: 1 }, collectPayers: known ? order.collectPayers : [...payers, payer].join(","), lastCollectAt: new Date(now) },
  });
  if (claimed.count === 0) return err("A payment request was sent a moment ago. Please wait a few seconds and try again.", RATE_LIMITED);
  return ok();
}

/**
 * A new Plural order for the store order (its next attempt: `<ref>_2`, `_3`…), where Plural refused
 * a second payment on the current one. Claimed with one guarded update (a double click makes one),
 * then created as checkout creates the first (ensurePluralOrder). The Plural order left behind keeps
 * its payment until it expires; a payment there still counts (applyStatus).
 */
async function newAttempt(order: OrderWithPayments, reason: string, spend: ReturnType<typeof pluralBudget>): Promise<Result<OrderWithPayments, string>> {
  const orderId = order.id;
  if (order.pluralAttempt >= MAX_ATTEMPTS) {
    log.warn("payments.too_many_attempts", { orderId, attempt: order.pluralAttempt });
    return err("A payment request is already waiting. Approve or decline it in your UPI app first.", "PAYMENT_PENDING");
  }
  const claimed = await db().order.updateMany({
    where: { id: orderId, pluralOrderId: order.pluralOrderId, pluralAttempt: order.pluralAttempt, status: { in: [...OPEN_STATUSES] } },
    data: { pluralOrderId: null, pluralAttempt: order.pluralAttempt + 1, pluralUpdatedAt: null },
  });
  if (claimed.count === 1) {
    log.info("payments.new_plural_order", { orderId, from: order.pluralOrderId, attempt: order.pluralAttempt + 1, reason });
    await recordEvent({
      orderId,
      source: "shopper",
      type: "NEW_PLURAL_ORDER",
      payload: { from: order.pluralOrderId, attempt: order.pluralAttempt + 1, reason },
      status: order.status,
    });
  }
  // Ours, or a concurrent click's: the order as it is now.
  let now = (await loadOrder(orderId))!;
  if (!OPEN_STATUSES.has(now.status)) return closed(now.status) as Result<never, string>;
  if (!now.pluralOrderId) {
    // Refused because UPI cannot be pre-authorised: the new Plural order without it.
    const created = await ensurePluralOrder(now, { withoutPreAuth: reason === "PAYMENT_METHOD_NOT_ENABLED", spend });
    if (!created.ok) return created;
    now = (await loadOrder(orderId))!;
  }
  if (!now.pluralOrderId) return { ok: false, error: "This order is not ready for payment yet." };
  if (!OPEN_STATUSES.has(now.status)) return closed(now.status) as Result<never, string>;
  return { ok: true, value: now };
}

/**
 * The shopper gives up: cancel at Plural where it allows it (it may not for a pending UPI order, in
 * which case the request simply expires there), and record the choice.
 */
export async function cancelCheckout(orderId: string): Promise<void> {
  const order = storedOrNull(await db().order.findUnique({ where: { id: orderId } }));
  if (!order || !OPEN_STATUSES.has(order.status)) return;
  if (order.pluralOrderId) {
    try {
      const res = await plural().cancel(order.pluralOrderId);
      await applyStatus(pluralReport(orderId, res, "shopper", "CANCEL"));
      return;
    } catch (e) {
      if (!(e instanceof PluralError)) throw e;
      log.info("payments.cancel_not_allowed", { orderId, code: e.code, status: e.status });
    }
  }
  await recordEvent({ orderId, source: "shopper", type: "CHECKOUT_ABANDONED", status: order.status });
}

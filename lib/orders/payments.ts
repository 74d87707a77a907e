import { db, isUniqueViolation } from "@/lib/db";
import { log } from "@/lib/log";
import { isValidVpa, plural, PluralError } from "@/lib/plural";
import { applyStatus, recordEvent } from "./apply";
import { ensurePluralOrder } from "./checkout";
import { syncOrder } from "./sync";
import { type CookieReader, ownsOrderRow } from "./access";
import { OPEN_STATUSES } from "./statuses";
import { err, type Result } from "@/lib/result";

export type PaymentMode = "QR" | "COLLECT";

/** How long a UPI request stays payable (Plural does not document it; the sandbox's default). */
export const PAYMENT_WINDOW_MS = 15 * 60 * 1000;

export type ActivePayment = { id: string; mode: string; challengeUrl: string | null; imageUrl: string | null; payerVpa: string | null; expiresAt: string };

/** When a payment stops waiting for the payer (Plural's window from its creation), in ms. */
const endsAt = (p: { createdAt: Date }) => p.createdAt.getTime() + PAYMENT_WINDOW_MS;

const toActive = (p: {
  id: string;
  upiMode: string;
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
export function lastPaymentExpired(payments: Array<PaymentRow & { errorCode: string | null }>, now = Date.now()): string | null {
  const last = [...payments].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())[0];
  if (!last || !last.pluralPaymentId) return null;
  const expired = last.status === "PENDING" ? endsAt(last) < now : last.errorCode === "PAYMENT_EXPIRED";
  return expired ? last.upiMode : null;
}

/** The payment the pay page should show, if one is still waiting. */
async function activePayment(orderId: string): Promise<ActivePayment | null> {
  const p = await db().payment.findFirst({ where: { orderId, status: "PENDING", pluralPaymentId: { not: null } }, orderBy: { createdAt: "desc" } });
  return p ? waiting([p]) : null;
}

/**
 * Starts (or reuses) a UPI payment on the order. QR and intent share one payment (created with
 * `upi_qr`, it carries both the link and the image), so switching between them or reloading never
 * creates another. A collect request replaces it. Each payment has its own merchant reference, so a
 * double click sends the same request twice and Plural answers with the same payment.
 */
export async function startPayment(orderId: string, mode: PaymentMode, vpa?: string, opts: { cookies?: CookieReader } = {}): Promise<Result<ActivePayment>> {
  let order = await db().order.findUnique({ where: { id: orderId }, include: { payments: { orderBy: { createdAt: "asc" } } } });
  // With the caller's cookies: only for the shopper who placed it, proved on the row just read (access.ts).
  if (!order || (opts.cookies && !ownsOrderRow(order, opts.cookies))) return err("Order not found.", "not_found");
  if (!order.pluralOrderId && OPEN_STATUSES.has(order.status)) {
    // The Plural order could not be created at checkout: try again now (idempotent by reference). Here,
    // in the shopper's action, rather than while the pay page renders: a GET changes nothing.
    const created = await ensurePluralOrder(order);
    if (!created.ok) return created;
    order = await db().order.findUniqueOrThrow({ where: { id: orderId }, include: { payments: { orderBy: { createdAt: "asc" } } } });
  }
  if (!order.pluralOrderId) return { ok: false, error: "This order is not ready for payment yet." };
  if (!OPEN_STATUSES.has(order.status))
    return {
      ok: false,
      error: order.status === "PROCESSED" || order.status === "AUTHORIZED" ? "This order is already paid." : "This order can no longer be paid.",
    };
  const payerVpa = vpa?.trim().toLowerCase();
  if (mode === "COLLECT" && (!payerVpa || !isValidVpa(payerVpa))) return { ok: false, error: "Enter a valid UPI ID, like name@bank." };

  let current = waiting(order.payments);
  if (current) {
    // Our record may be behind (a decline whose webhook has not arrived): ask Plural before reusing it.
    await syncOrder(orderId, "sync", "GET_ORDER_BEFORE_PAYMENT");
    current = await activePayment(orderId);
  }
  if (current && (mode === "QR" ? current.mode === "QR" : current.mode === "COLLECT" && current.payerVpa === payerVpa)) return { ok: true, value: current };

  // An earlier attempt that never got Plural's answer is sent again under its own reference.
  const unsent = [...order.payments]
    .reverse()
    .find((p) => !p.pluralPaymentId && p.status === "PENDING" && p.upiMode === mode && (mode === "QR" || p.payerVpa === payerVpa));
  const ref = unsent?.merchantPaymentReference ?? `${order.merchantOrderReference}_p${order.payments.length + 1}`;
  let row = order.payments.find((p) => p.merchantPaymentReference === ref);
  if (!row) {
    try {
      row = await db().payment.create({
        data: { orderId, merchantPaymentReference: ref, upiMode: mode, status: "PENDING", amountInPaise: order.amountInPaise, payerVpa: payerVpa ?? null },
      });
    } catch (e) {
      if (!isUniqueViolation(e)) throw e;
      row = await db().payment.findUniqueOrThrow({ where: { merchantPaymentReference: ref } }); // a concurrent click won
    }
  }
  try {
    const res =
      mode === "COLLECT"
        ? await plural().createUpiPayment(order.pluralOrderId, {
            mode: "COLLECT",
            vpa: payerVpa!,
            merchantPaymentReference: ref,
            amountInPaise: order.amountInPaise,
          })
        : await plural().createUpiPayment(order.pluralOrderId, { mode: "QR", merchantPaymentReference: ref, amountInPaise: order.amountInPaise });
    const mine = res.payments.find((p) => p.merchant_payment_reference === ref) ?? res.payments[res.payments.length - 1];
    const updated = await db().payment.update({
      where: { id: row.id },
      data: { pluralPaymentId: mine?.id ?? null, challengeUrl: res.challenge_url ?? null, imageUrl: mode === "QR" ? (res.image_url ?? null) : null },
    });
    await applyStatus({
      orderId,
      snapshot: res,
      source: "sync",
      type: "PAYMENT_CREATED",
      verified: true,
      payload: { order_id: res.order_id, status: res.status, payment_id: mine?.id, mode },
      authoritative: true,
    });
    return { ok: true, value: toActive(updated) };
  } catch (e) {
    if (!(e instanceof PluralError)) throw e;
    log.warn("payments.start_failed", { orderId, code: e.code, status: e.status, pluralRequestId: e.requestId });
    if (e.code === "INVALID_USER_ACCOUNT") return { ok: false, error: "That UPI ID does not exist. Check it and try again." };
    if (e.kind === "validation" || e.status === 400) return { ok: false, error: "Enter a valid UPI ID, like name@bank." };
    if (e.code === "PAYMENT_PENDING") return { ok: false, error: "A payment request is already waiting. Approve or decline it in your UPI app first." };
    if (e.status === 422) return { ok: false, error: "This order can no longer be paid." };
    return { ok: false, error: "The payment service is not answering. Please try again in a moment." };
  }
}

/**
 * The shopper gives up: cancel at Plural where it allows it (it may not for a pending UPI order, in
 * which case the request simply expires there), and record the choice.
 */
export async function cancelCheckout(orderId: string): Promise<void> {
  const order = await db().order.findUnique({ where: { id: orderId } });
  if (!order || !OPEN_STATUSES.has(order.status)) return;
  if (order.pluralOrderId) {
    try {
      const res = await plural().cancel(order.pluralOrderId);
      await applyStatus({
        orderId,
        snapshot: res,
        source: "shopper",
        type: "CANCEL",
        verified: true,
        payload: { order_id: res.order_id, status: res.status },
        authoritative: true,
      });
      return;
    } catch (e) {
      if (!(e instanceof PluralError)) throw e;
      log.info("payments.cancel_not_allowed", { orderId, code: e.code, status: e.status });
    }
  }
  await recordEvent({ orderId, source: "shopper", type: "CHECKOUT_ABANDONED", status: order.status });
}

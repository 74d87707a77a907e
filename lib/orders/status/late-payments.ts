import { createHash } from "node:crypto";
import { db } from "@/lib/db";
import { log } from "@/lib/log";
import { err, ok, type Result } from "@/lib/result";
import { refundKeyFrom, refundOrder, refundReference } from "../console/order-actions";
import { settleAutoRefund } from "./refund-status";
import { registerAutoRefund } from "./auto-refund-hook";
import { refundableOf } from "./statuses";
import { storedOrNull } from "./rows";

/**
 * Late payments (flagged by applyStatus): an order paid after the shopper was told it failed
 * (PAID_LATE), or while another order of theirs for the same items was already paid (PAID_TWICE).
 * The merchant refunds it in one click in the console, or, with AUTO_REFUND_LATE_PAYMENTS=true, the
 * store does it by itself as soon as the order is flagged (and the sweep, if the process died first).
 */

/**
 * One refund key per order, derived from its id: the console's button (clicked twice, or from two
 * tabs) and the automatic refund all send the same refund, which Plural and our unique index dedupe.
 */
function lateRefundKey(orderId: string): string {
  return refundKeyFrom(createHash("sha256").update(`late-payment:${orderId}`).digest());
}

/** The merchant reference of an order's late-payment refund: how the console finds it among its refunds. */
export const lateRefundReference = (order: { id: string; merchantOrderReference: string }) =>
  refundReference(order.merchantOrderReference, lateRefundKey(order.id));

/** The refund key of a second payment, derived from its Plural order: every click and the automatic refund send the same refund. */
const secondPaymentKey = (pluralOrderId: string) => refundKeyFrom(createHash("sha256").update(`second-payment:${pluralOrderId}`).digest());

/**
 * Payments that succeeded on another of the order's Plural orders than the one it was paid by
 * (attempts.ts: the shopper paid both the QR they had switched away from and the collect request),
 * one per Plural order, with the refund that returns each (when one was sent).
 */
export function secondPayments(order: {
  merchantOrderReference: string;
  pluralOrderId: string | null;
  payments: Array<{ status: string; pluralOrderId: string | null; amountInPaise: number }>;
  refunds: Array<{ merchantRefundReference: string; status: string; amountInPaise: number }>;
}) {
  const seen = new Map<string, { pluralOrderId: string; amountInPaise: number; refund?: (typeof order.refunds)[number] }>();
  for (const p of order.payments) {
    if (p.status !== "PROCESSED" || !p.pluralOrderId || p.pluralOrderId === order.pluralOrderId || seen.has(p.pluralOrderId)) continue;
    const reference = refundReference(order.merchantOrderReference, secondPaymentKey(p.pluralOrderId));
    seen.set(p.pluralOrderId, {
      pluralOrderId: p.pluralOrderId,
      amountInPaise: p.amountInPaise,
      refund: order.refunds.find((r) => r.merchantRefundReference === reference),
    });
  }
  return [...seen.values()];
}

/**
 * Refunds a late payment in full. `source`: who asked (the merchant, or the store by itself). A
 * second payment on another of the order's Plural orders is refunded (that Plural order, in full);
 * the order itself when it was paid late (the shopper was told it failed) or paid twice across orders.
 */
export async function refundLatePayment(orderId: string, source: "admin" | "store" = "admin"): Promise<Result<string>> {
  const order = storedOrNull(await db().order.findUnique({ where: { id: orderId }, include: { refunds: true, payments: true } }));
  if (!order?.latePayment) return err("This order was not paid late.", "not_late");
  const done: string[] = [];
  for (const second of secondPayments(order)) {
    // Sent before (a timeout, a second click): the same refund again (Plural and our unique index dedupe it).
    const r = await refundOrder(orderId, second.amountInPaise, secondPaymentKey(second.pluralOrderId), source, second);
    if (!r.ok) return r;
    done.push(r.value);
  }
  if (order.latePayment === "PAID_LATE" || order.latePaymentOf) {
    // Sent before (a timeout, a second click): the same refund again, whatever is left now.
    const reference = lateRefundReference(order);
    const sent = order.refunds.find((r) => r.merchantRefundReference === reference);
    const amount = sent?.amountInPaise ?? refundableOf(order);
    if (amount > 0) {
      const r = await refundOrder(orderId, amount, lateRefundKey(orderId), source);
      if (!r.ok) return r;
      done.push(r.value);
    }
  }
  return done.length ? ok(done.join(" ")) : err("This order has nothing left to refund.", "nothing_left");
}

/** The automatic refund: requested once; kept owed (autoRefundAt) only while Plural did not answer. */
async function autoRefundLatePayment(orderId: string): Promise<void> {
  const r = await refundLatePayment(orderId, "store");
  if (r.ok || r.code !== "upstream") {
    await settleAutoRefund(orderId);
    log.info("orders.auto_refund", { orderId, ok: r.ok, result: r.ok ? r.value : r.error });
  } else {
    log.warn("orders.auto_refund_failed", { orderId, error: r.error });
  }
}

registerAutoRefund(autoRefundLatePayment);

/** How long a sweeper holds an automatic refund it took: another may take it after that, and after a fault upstream the next try waits as long. */
const AUTO_REFUND_LEASE_MS = 5 * 60_000;

/**
 * Automatic refunds still owed (their process died, or Plural did not answer): for the sweep, once
 * `graceMs` have passed (the process that flagged the order normally asks within a second). Each is
 * taken with a guarded update that moves it a lease ahead, so several sweepers never ask twice at
 * once and a refund Plural did not answer is tried again a lease later, not on every sweep.
 */
export async function autoRefundsDue(graceMs: number, now = new Date(), limit = 20): Promise<number> {
  const due = await db().order.findMany({
    where: { autoRefundAt: { lte: new Date(now.getTime() - graceMs) } },
    orderBy: { autoRefundAt: "asc" },
    take: limit,
    select: { id: true, autoRefundAt: true },
  });
  let taken = 0;
  for (const o of due) {
    const lease = await db().order.updateMany({
      where: { id: o.id, autoRefundAt: o.autoRefundAt },
      data: { autoRefundAt: new Date(now.getTime() + AUTO_REFUND_LEASE_MS) },
    });
    if (lease.count === 0) continue; // another sweeper took it
    taken++;
    await autoRefundLatePayment(o.id);
  }
  return taken;
}

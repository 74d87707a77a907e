import { randomBytes } from "node:crypto";
import { db } from "@/lib/db";
import type { Refund } from "@/lib/generated/prisma/client";
import { log } from "@/lib/log";
import { PluralError } from "@/lib/plural";
import { plural } from "@/lib/plural-client";
import { formatPaise } from "@/lib/money";
import { applyRefundStatus } from "../status/refund-status";
import { applyStatus, pluralReport } from "../status/apply";
import { recordEvent } from "../status/timeline";
import type { EventSource } from "../status/apply-types";
import { err, ok, type Result } from "@/lib/result";
import { refundableOf } from "../status/statuses";
import { storedOrder } from "../status/rows";
import { lockOrderRow } from "../sql";
import { syncOrder } from "../sync/sync-order";

/** `code`: "upstream" when Plural did not answer (worth another try), "refused" when it said no. */
function upstream(e: unknown, what: string): { ok: false; error: string; code: "upstream" | "refused" } {
  if (!(e instanceof PluralError)) throw e;
  log.warn("admin.action_failed", { what, code: e.code, status: e.status, pluralRequestId: e.requestId });
  if (e.code === "OPERATION_NOT_ALLOWED") return { ok: false, code: "refused", error: `Plural does not allow ${what} for this order in its current state.` };
  if (e.retryable)
    return { ok: false, code: "upstream", error: `Plural did not answer; ${what} was not confirmed. Use "Sync with Plural" before trying again.` };
  return { ok: false, code: "refused", error: `Plural refused ${what}: ${e.message}` };
}

async function loadOrder(orderId: string) {
  const order = await db().order.findUnique({ where: { id: orderId }, include: { refunds: true } });
  if (!order?.pluralOrderId) throw new Error("Order not found at Plural");
  return order as typeof order & { pluralOrderId: string };
}

/** Capture an AUTHORIZED (pre-auth) order in full. The capture reference makes a repeat harmless. */
export async function captureOrder(orderId: string): Promise<Result<string>> {
  const order = await loadOrder(orderId);
  if (order.status !== "AUTHORIZED") return { ok: false, error: "Only an authorised order can be captured." };
  try {
    const res = await plural().capture(order.pluralOrderId, {
      merchant_capture_reference: `${order.merchantOrderReference}_cap`,
      capture_amount: { value: order.amountInPaise, currency: "INR" },
    });
    await applyStatus(pluralReport(orderId, res, "admin", "CAPTURE"));
    return { ok: true, value: `Captured ${formatPaise(order.amountInPaise)}.` };
  } catch (e) {
    return upstream(e, "capture");
  }
}

export async function cancelOrder(orderId: string): Promise<Result<string>> {
  const order = await loadOrder(orderId);
  try {
    const res = await plural().cancel(order.pluralOrderId);
    await applyStatus(pluralReport(orderId, res, "admin", "CANCEL"));
    return { ok: true, value: "Order cancelled; the authorised amount is released." };
  } catch (e) {
    return upstream(e, "cancelling");
  }
}

/** A refund key as refundOrder accepts it: "rf" and 12 letters or digits, taken from `bytes` (at least 9). */
export const refundKeyFrom = (bytes: Buffer) =>
  `rf${bytes
    .toString("base64url")
    .replace(/[^A-Za-z0-9]/g, "x")
    .slice(0, 12)}`;

/** A fresh key for one refund form: the form sends it back, and a second submit sends the same refund. */
export const newRefundKey = () => refundKeyFrom(randomBytes(9));

/** A refund's merchant reference at Plural (and our unique key for it): the order's reference and the refund's key. */
export const refundReference = (merchantOrderReference: string, key: string) => `${merchantOrderReference}_${key}`;

/** A second payment, on another of the order's Plural orders, to refund in full instead of the order (status/late-payments.ts). */
export type SecondPayment = { pluralOrderId: string; amountInPaise: number };

/**
 * A full or partial refund. The form's key becomes the refund's merchant reference, so a double
 * click (or a retry after a timeout) sends the same refund, which Plural and our unique index dedupe
 * (lib/plural reads back a refund a DUPLICATE_REQUEST says exists). `second`: refund that payment's
 * Plural order rather than the order's own.
 */
export async function refundOrder(
  orderId: string,
  amountInPaise: number,
  key: string,
  source: EventSource = "admin",
  second?: SecondPayment,
): Promise<Result<string>> {
  if (!/^rf[A-Za-z0-9]{12}$/.test(key)) return { ok: false, error: "This form has expired; reload the page." };
  if (!Number.isSafeInteger(amountInPaise) || amountInPaise < 100) return { ok: false, error: "Enter an amount of at least ₹1.00." };
  const order = await loadOrder(orderId);
  const reference = refundReference(order.merchantOrderReference, key);
  let refund = order.refunds.find((r) => r.merchantRefundReference === reference);
  if (!refund) {
    const made = await reserveRefund(orderId, reference, amountInPaise, second);
    if (!made.ok) return made;
    refund = made.value;
  }
  try {
    const res = await plural().refund(refund.pluralOrderId ?? order.pluralOrderId, {
      merchant_order_reference: reference,
      order_amount: { value: refund.amountInPaise, currency: "INR" },
    });
    const status = res.status === "PROCESSED" || res.status === "FAILED" ? res.status : "PENDING";
    await applyRefundStatus({ orderId, merchantRefundReference: refund.merchantRefundReference, pluralRefundId: res.refundId, status });
    await recordEvent({
      orderId,
      source,
      type: "REFUND_REQUESTED",
      payload: { refund_id: res.refundId, amountInPaise: refund.amountInPaise, status },
      status: order.status,
    });
    if (status === "PROCESSED") await syncOrder(orderId, source, "GET_ORDER_AFTER_REFUND");
    const amount = formatPaise(refund.amountInPaise);
    if (status === "PENDING") return { ok: true, value: `Refund of ${amount} requested: pending at Plural. The store asks Plural until it is done.` };
    return { ok: true, value: `Refund of ${amount} requested (${status.toLowerCase()}).` };
  } catch (e) {
    return upstream(e, "the refund");
  }
}

/**
 * What is left to refund is checked and the refund recorded in one transaction holding the order's
 * lock (two tabs refunding in full at once would both pass a check made before the insert).
 * The lock is the order row's: a guarded UPDATE that changes nothing takes it on PostgreSQL (the
 * other transaction waits at that statement until this one commits, then reads what it wrote), and
 * SQLite runs one write transaction at a time (BEGIN IMMEDIATE; lib/db/sqlite.ts). The same key
 * sent twice finds the first one's refund, under the same lock.
 */
async function reserveRefund(orderId: string, reference: string, amountInPaise: number, second?: SecondPayment): Promise<Result<Refund>> {
  return db().$transaction(async (tx) => {
    await lockOrderRow(tx, orderId);
    const order = storedOrder(await tx.order.findUniqueOrThrow({ where: { id: orderId }, include: { refunds: true } }));
    const existing = order.refunds.find((r) => r.merchantRefundReference === reference);
    if (existing) return ok(existing);
    // The order as it is now, with every refund committed before ours; a second payment's own refunds
    // count against it alone.
    const left = second
      ? second.amountInPaise -
        order.refunds.filter((r) => r.pluralOrderId === second.pluralOrderId && r.status !== "FAILED").reduce((n, r) => n + r.amountInPaise, 0)
      : refundableOf(order);
    if (left <= 0) return err("This order has nothing left to refund.");
    if (amountInPaise > left) return err(`At most ${formatPaise(left)} can be refunded.`);
    return ok(
      await tx.refund.create({
        data: { orderId, merchantRefundReference: reference, amountInPaise, status: "CREATED", pluralOrderId: second?.pluralOrderId ?? null },
      }),
    );
  });
}

export async function syncNow(orderId: string): Promise<Result<string>> {
  const r = await syncOrder(orderId, "admin", "SYNC_NOW");
  if (r.ok) return ok(`Plural says ${r.value.status}.`);
  return err(r.code === "upstream" ? "Plural did not answer. Try again in a moment." : "Plural does not know this order.", r.code);
}

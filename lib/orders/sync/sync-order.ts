import { db } from "@/lib/db";
import { log } from "@/lib/log";
import { err, ok, type Result } from "@/lib/result";
import { PluralError } from "@/lib/plural";
import { plural } from "@/lib/plural-client";
import type { PluralOrder } from "@/lib/plural/schemas";
import { applyRefundStatus } from "../status/refund-status";
import { applyStatus, pluralReport } from "../status/apply";
import { recordEvent } from "../status/timeline";
import type { ApplyResult, EventSource } from "../status/apply-types";
import { attemptReference } from "../payments/attempts";
import { OPEN_STATUSES, type OrderStatus } from "../status/statuses";
import { storedOrNull } from "../status/rows";
import { spendPluralCall } from "../access/rate-limits";
import { processGlobal } from "@/lib/process-global";

// One per process: Next bundles each route separately, and each bundle would otherwise get its own map.
const inflight = processGlobal("orderSyncs", () => new Map<string, Promise<SyncResult>>());

/** Why Get Order gave nothing to apply: our order is unknown, Plural never got it, or Plural did not answer. */
type SyncFailure = "no_plural_order" | "not_found" | "upstream";
export type SyncResult = Result<{ result: ApplyResult; status: OrderStatus }, SyncFailure>;

/**
 * Asks Plural for the truth (Get Order) and applies it. When the order never got its Plural id
 * (the create-order answer was lost), it is found by our merchant reference. One request per order
 * at a time in this process, however many callers ask.
 */
export function syncOrder(orderId: string, source: EventSource = "sync", type = "GET_ORDER"): Promise<SyncResult> {
  const running = inflight.get(orderId);
  if (running) return running;
  const p = doSync(orderId, source, type).finally(() => inflight.delete(orderId));
  inflight.set(orderId, p);
  return p;
}

/**
 * Get Order at most once per `intervalMs` per order, across every caller and every process: the
 * caller that moves `lastSyncedAt` past the interval (one guarded update) asks Plural; the others
 * answer from the database. Null when the order was confirmed recently, or another caller is asking.
 */
export async function syncIfStale(orderId: string, intervalMs: number, source: EventSource = "sync", type = "GET_ORDER"): Promise<SyncResult | null> {
  const running = inflight.get(orderId);
  if (running) return running;
  const now = new Date();
  const claimed = await db().order.updateMany({
    where: { id: orderId, OR: [{ lastSyncedAt: null }, { lastSyncedAt: { lte: new Date(now.getTime() - intervalMs) } }] },
    data: { lastSyncedAt: now },
  });
  if (claimed.count === 0) return null;
  // Shoppers' pages cause these calls: within the store's budget per minute, or not at all (the
  // page shows the status as stored, and asks again once the interval has passed).
  if (!(await spendPluralCall()).ok) return null;
  return syncOrder(orderId, source, type);
}

/** Payments that can still be paid at Plural (on any of the order's Plural orders). */
const WAITING = ["PENDING", "AUTHORIZED"];

async function doSync(orderId: string, source: EventSource, type: string): Promise<SyncResult> {
  const order = storedOrNull(
    await db().order.findUnique({
      where: { id: orderId },
      select: {
        id: true,
        status: true,
        pluralOrderId: true,
        merchantOrderReference: true,
        pluralAttempt: true,
        payments: { where: { status: { in: WAITING }, pluralPaymentId: { not: null } }, select: { pluralOrderId: true, createdAt: true } },
      },
    }),
  );
  if (!order) return err("Order not found.", "not_found");
  let main: SyncResult;
  let mainId = order.pluralOrderId;
  try {
    const snapshot = order.pluralOrderId
      ? await plural().getOrder(order.pluralOrderId)
      : await plural().getOrderByReference(attemptReference(order.merchantOrderReference, order.pluralAttempt));
    mainId = snapshot.order_id;
    const result = await apply(orderId, snapshot, source, type);
    main = ok({ result, status: "to" in result ? result.to : order.status });
  } catch (e) {
    if (!(e instanceof PluralError)) throw e;
    await db().order.update({ where: { id: orderId }, data: { lastSyncedAt: new Date() } });
    if (e.isNotFound && !order.pluralOrderId && order.pluralAttempt > 1) {
      // A new Plural order was asked for (the shopper switched how to pay) and never reached Plural:
      // the order goes back to the one it had, which is still there.
      if (await undoAttempt(orderId, order)) return doSync(orderId, source, type);
    }
    if (e.isNotFound)
      return order.pluralOrderId ? err("Plural does not know this order.", "not_found") : err("Plural never received this order.", "no_plural_order");
    log.warn("orders.sync_failed", { orderId, code: e.code, status: e.status, pluralRequestId: e.requestId });
    return err("Plural did not answer.", "upstream");
  }
  // The order's other Plural orders with a payment still waiting (the QR the shopper switched away
  // from can still be paid): asked too, so a payment there is never missed (applyStatus decides).
  const others = [...new Set(order.payments.map((p) => p.pluralOrderId).filter((id): id is string => !!id && id !== mainId))];
  if (others.length === 0) return main;
  for (const id of others) {
    try {
      await apply(orderId, await plural().getOrder(id), source, type);
    } catch (e) {
      if (!(e instanceof PluralError)) throw e;
      log.warn("orders.sync_failed", { orderId, pluralOrderId: id, code: e.code, status: e.status, pluralRequestId: e.requestId });
    }
  }
  // Still waiting somewhere on a decided order: the sweep asks again (Order.followUpAt) until it is not.
  const after = storedOrNull(
    await db().order.findUnique({
      where: { id: orderId },
      select: {
        id: true,
        status: true,
        pluralOrderId: true,
        payments: { where: { status: { in: WAITING }, pluralPaymentId: { not: null } }, select: { pluralOrderId: true } },
      },
    }),
  );
  if (after && !OPEN_STATUSES.has(after.status) && after.payments.some((p) => p.pluralOrderId !== after.pluralOrderId)) {
    await db().order.update({ where: { id: orderId }, data: { followUpAt: new Date() } });
  }
  const status = after?.status ?? (main.ok ? main.value.status : order.status);
  return main.ok ? ok({ result: main.value.result, status }) : main;
}

function apply(orderId: string, snapshot: PluralOrder, source: EventSource, type: string) {
  return applyStatus(pluralReport(orderId, snapshot, source, type, { extra: { updated_at: snapshot.updated_at } }));
}

/** Back to the Plural order the order had before an attempt that Plural never received (the one its latest payment was made on). */
async function undoAttempt(orderId: string, order: { pluralAttempt: number; payments: Array<{ pluralOrderId: string | null; createdAt: Date }> }) {
  const previous = [...order.payments].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime()).find((p) => p.pluralOrderId)?.pluralOrderId;
  const last = previous ?? (await db().payment.findFirst({ where: { orderId, pluralOrderId: { not: null } }, orderBy: { createdAt: "desc" } }))?.pluralOrderId;
  if (!last) return false;
  const undone = await db().order.updateMany({
    where: { id: orderId, pluralOrderId: null, pluralAttempt: order.pluralAttempt },
    data: { pluralOrderId: last, pluralAttempt: order.pluralAttempt - 1 },
  });
  if (undone.count === 1) log.warn("orders.attempt_never_created", { orderId, attempt: order.pluralAttempt });
  return undone.count === 1;
}

/** A refund that Plural never received (its request got no answer) is given up after this long: the merchant may refund again. */
const REFUND_GIVE_UP_MS = 60 * 60 * 1000;

/**
 * Asks Plural about a refund still waiting: Get Order on its REFUND order (by id, or by its merchant
 * reference when the answer to the refund request was lost). Plural may send no webhook for a
 * refund (the sandbox's `refund_webhooks: none`), so the sweep does this until the refund is decided.
 * Answers what became of it.
 */
export async function syncRefund(refundId: string, now = new Date()): Promise<"moved" | "waiting" | "given_up" | "upstream"> {
  const refund = await db().refund.findUnique({ where: { id: refundId } });
  if (!refund || (refund.status !== "CREATED" && refund.status !== "PENDING")) return "moved";
  try {
    const snapshot = refund.pluralRefundId
      ? await plural().getOrder(refund.pluralRefundId)
      : await plural().getOrderByReference(refund.merchantRefundReference);
    const moved = await applyRefundStatus({
      orderId: refund.orderId,
      pluralRefundId: snapshot.order_id,
      merchantRefundReference: refund.merchantRefundReference,
      status: snapshot.status === "PROCESSED" || snapshot.status === "FAILED" ? snapshot.status : "PENDING",
    });
    if (!moved) return "waiting";
    await recordEvent({
      orderId: refund.orderId,
      source: "sync",
      type: "GET_REFUND",
      payload: { refund_id: snapshot.order_id, status: snapshot.status, amountInPaise: refund.amountInPaise },
    });
    // The order's new status and refunded total come from its own Get Order.
    if (snapshot.status === "PROCESSED") await syncOrder(refund.orderId, "sync", "GET_ORDER_AFTER_REFUND");
    return "moved";
  } catch (e) {
    if (!(e instanceof PluralError)) throw e;
    if (e.isNotFound && !refund.pluralRefundId && now.getTime() - refund.createdAt.getTime() > REFUND_GIVE_UP_MS) {
      // The refund request never reached Plural: nothing was refunded, and the merchant may try again.
      const gaveUp = await db().refund.updateMany({ where: { id: refund.id, status: refund.status, pluralRefundId: null }, data: { status: "FAILED" } });
      if (gaveUp.count === 1) {
        await recordEvent({ orderId: refund.orderId, source: "sync", type: "REFUND_NOT_FOUND", payload: { reference: refund.merchantRefundReference } });
        log.warn("refunds.never_reached_plural", { orderId: refund.orderId, refundId: refund.id });
      }
      return "given_up";
    }
    log.warn("refunds.sync_failed", { orderId: refund.orderId, refundId: refund.id, code: e.code, status: e.status, pluralRequestId: e.requestId });
    return e.isNotFound ? "waiting" : "upstream";
  }
}

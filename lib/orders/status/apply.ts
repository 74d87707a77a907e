import { db, isUniqueViolation } from "@/lib/db";
import { log } from "@/lib/log";
import { currentRequestId } from "@/lib/request-context";
import type { ApplyInput, ApplyResult, EventSource, LatePayment } from "./apply-types";
import type { PluralOrder } from "@/lib/plural/schemas";
import type { Prisma } from "@/lib/generated/prisma/client";
import { notifyInTransaction, publishOrderChange } from "../live/order-changes";
import { attemptOf, attemptReference } from "../payments/attempts";
import { startAutoRefund } from "./auto-refund-hook";
import { decideOrder, type Decision } from "./state-machine";
import { isSettledForShopper, type OrderStatus } from "./statuses";
import { knownOrderStatus, storedOrder } from "./rows";
import { flagSecondPayment, PAID_AT_PLURAL, syncPayments, syncRefunds, writePaymentsAndRefunds, type ApplyOrder } from "./payment-rows";
import { flagLatePayment, takeBoughtFromCart } from "./paid-effects";
import { rememberRecorded } from "./timeline";

const time = (s: string | undefined) => (s && !Number.isNaN(Date.parse(s)) ? new Date(s) : undefined);

/**
 * THE place where an order's status changes. Return route, webhooks, reconciliation and admin
 * actions all come here. Idempotent (a repeated message is a no-op), monotonic (decideOrder), and
 * guarded against concurrent writers (the update only succeeds from the status it was decided on).
 */
export async function applyStatus(input: ApplyInput): Promise<ApplyResult> {
  const { snapshot } = input;
  const listsRefunds = (snapshot.refunds?.length ?? 0) > 0;
  const listsPayments = snapshot.payments.length > 0;
  const where = typeof input.orderId === "string" ? { id: input.orderId } : { pluralOrderId: input.orderId.pluralOrderId };
  for (let attempt = 0; attempt < 5; attempt++) {
    let changed = false;
    let flagged: { kind: LatePayment; autoRefund: boolean } | undefined;
    let orderId = typeof input.orderId === "string" ? input.orderId : undefined;
    try {
      // Short: only database statements inside (never a call to Plural), so a writer waits microseconds.
      const result = await db().$transaction(async (tx) => {
        // Payments and refunds are read only when the snapshot has some to match (a statement each).
        const found = await tx.order.findUnique({ where, include: { payments: listsPayments, refunds: listsRefunds } });
        if (!found) return { outcome: "rejected", reason: "unknown order" } as const;
        const order: ApplyOrder = storedOrder(found);
        orderId = order.id;

        // The timeline entry, written last with the status it left the order in. Its externalId is
        // unique: a concurrent repeat of the same message fails here and undoes everything it did.
        const record = (statusTo: OrderStatus, type = input.type) =>
          tx.orderEvent.create({
            data: {
              orderId: order.id,
              source: input.source,
              type,
              externalId: input.externalId,
              verified: input.verified,
              payload: JSON.stringify(input.payload ?? null),
              statusFrom: order.status,
              statusTo,
              requestId: currentRequestId() ?? null,
            },
          });

        // Which of the order's Plural orders this is about (attempts.ts): the one it is tied to (or, not
        // known yet, the one its current attempt's reference names), or another of its own.
        const targetReference = attemptReference(order.merchantOrderReference, order.pluralAttempt);
        const isTarget = order.pluralOrderId
          ? snapshot.order_id === order.pluralOrderId
          : !snapshot.merchant_order_reference || snapshot.merchant_order_reference === targetReference;
        let target: ApplyOrder = order;
        if (isTarget && !order.pluralOrderId) {
          // The Plural order of the order's current attempt, first heard of: it is the order's from now on.
          const adopted = await tx.order.updateMany({
            where: { id: order.id, pluralOrderId: null, pluralAttempt: order.pluralAttempt },
            data: { pluralOrderId: snapshot.order_id, pluralUpdatedAt: null },
          });
          if (adopted.count === 0) throw new ConcurrentUpdate();
          target = { ...order, pluralOrderId: snapshot.order_id, pluralUpdatedAt: null };
        }
        if (!isTarget) {
          const attemptNo = attemptOf(snapshot.merchant_order_reference, order.merchantOrderReference);
          const known =
            attemptNo !== undefined || !!(await tx.payment.findFirst({ where: { orderId: order.id, pluralOrderId: snapshot.order_id }, select: { id: true } }));
          if (!known) {
            await record(order.status, `${input.type} (order id mismatch)`);
            return { outcome: "rejected", reason: "order id mismatch", orderId: order.id } as const;
          }
          if (!(PAID_AT_PLURAL.has(snapshot.status) && !isSettledForShopper(order.status))) {
            // Another of its Plural orders, and nothing that moves the store order: its payments and refunds are kept up to date;
            // a success there while the order is paid already is a second payment, flagged to be refunded.
            if (snapshot.order_amount.value !== order.amountInPaise) {
              await record(order.status, `${input.type} (amount mismatch)`);
              return { outcome: "rejected", reason: "amount mismatch", orderId: order.id } as const;
            }
            const moved = await syncPayments(tx, order, snapshot);
            if (await syncRefunds(tx, order, snapshot)) moved.changed = true;
            changed = moved.changed;
            if (moved.paid && isSettledForShopper(order.status) && PAID_AT_PLURAL.has(snapshot.status)) {
              flagged = await flagSecondPayment(tx, order, snapshot.order_id, input);
              changed = true;
            }
            await record(order.status, `${input.type} (other Plural order)`);
            if (changed) await notifyInTransaction(tx, order.id);
            return { outcome: "ignored", orderId: order.id, from: order.status, to: order.status, ...(flagged ? { latePayment: flagged.kind } : {}) } as const;
          }
          // Paid on another of its Plural orders while the order was not paid: that one holds the money
          // now (an earlier QR the shopper had switched away from, say). The order follows it from here.
          const moved = await tx.order.updateMany({
            where: { id: order.id, status: order.status, pluralOrderId: order.pluralOrderId },
            data: { pluralOrderId: snapshot.order_id, pluralAttempt: attemptNo ?? order.pluralAttempt, pluralUpdatedAt: null },
          });
          if (moved.count === 0) throw new ConcurrentUpdate();
          target = { ...order, pluralOrderId: snapshot.order_id, pluralAttempt: attemptNo ?? order.pluralAttempt, pluralUpdatedAt: null };
          log.info("orders.paid_on_other_plural_order", { orderId: order.id, pluralOrderId: snapshot.order_id, from: order.pluralOrderId });
        }
        if (snapshot.order_amount.value !== order.amountInPaise) {
          log.error("orders.amount_mismatch", { orderId: order.id, ours: order.amountInPaise, plural: snapshot.order_amount.value, source: input.source });
          await record(order.status, `${input.type} (amount mismatch)`);
          return { outcome: "rejected", reason: "amount mismatch", orderId: order.id } as const;
        }

        // 1. Decide the status: monotonic (decideOrder), newer reports only where Plural dates them.
        const { decision, to, reportedAt } = decideStatus(order, target, snapshot, input);
        changed = decision === "apply";

        if (decision === "apply" || decision === "same") {
          // 2. Write it, guarded: only from the status it was decided on.
          await writeStatus(tx, order, target, snapshot, to, reportedAt, input);
          // 3. Payments and refunds (each moved only forward), and the refunded total.
          const moved = await writePaymentsAndRefunds(tx, order, snapshot, listsRefunds);
          if (moved.changed) changed = true;
          if (decision === "apply") {
            // 4. Paid, from a status that was not: was the shopper told it failed, or have they paid for the same items already?
            if (to === "PROCESSED" && !isSettledForShopper(order.status) && !order.latePayment) {
              flagged = await flagLatePayment(tx, order, to, moved.failedThenPaid, input);
            }
            // 5. Paid: what this order bought leaves the cart.
            await takeBoughtFromCart(tx, order, to);
          }
        }
        // 6. The timeline entry, and 7. the order's watchers told (after the commit, publishOrderChange below).
        await record(to);
        if (changed) await notifyInTransaction(tx, order.id);
        const outcome = decision === "apply" ? "applied" : decision === "same" ? "unchanged" : decision === "ignore" ? "ignored" : "ambiguous";
        return { outcome, orderId: order.id, from: order.status, to, ...(flagged ? { latePayment: flagged.kind } : {}) } as const;
      });
      if (input.externalId && result.outcome !== "rejected") rememberRecorded(input.externalId);
      if (changed && orderId) publishOrderChange(orderId);
      // After the commit (a refund is a call to Plural, never inside a transaction), and not awaited:
      // the refund's own Get Order may be waiting on the very sync that brought us here. If this
      // process dies first, autoRefundAt is still set and the sweep does it (late-payments.ts).
      if (flagged?.autoRefund && orderId) startAutoRefund(orderId);
      return result;
    } catch (e) {
      if (input.externalId && isUniqueViolation(e, "externalId")) {
        rememberRecorded(input.externalId);
        return { outcome: "duplicate" };
      }
      // Another writer moved the order, or created the same payment row, first: decide again on fresh data.
      if (e instanceof ConcurrentUpdate || isUniqueViolation(e)) continue;
      throw e;
    }
  }
  throw new Error(`applyStatus: order ${JSON.stringify(input.orderId)} kept changing under us`);
}

class ConcurrentUpdate extends Error {}

/** Whether Plural's report moves the order (decideOrder), to what, and when Plural says it was made. */
function decideStatus(order: ApplyOrder, target: ApplyOrder, snapshot: PluralOrder, input: ApplyInput) {
  const reportedAt = time(snapshot.updated_at);
  // Is this report newer than what we applied last? Unknown without Plural's updated_at.
  const newer = input.authoritative || target !== order || (reportedAt ? !target.pluralUpdatedAt || reportedAt > target.pluralUpdatedAt : undefined);
  const reported = knownOrderStatus(snapshot.status);
  const decision: Decision = decideOrder(order.status, reported, newer);
  return { decision, to: decision === "apply" && reported ? reported : order.status, reportedAt };
}

/** The order's status and what Plural said with it; only from the status it was decided on (else ConcurrentUpdate: decide again). */
async function writeStatus(
  tx: Prisma.TransactionClient,
  order: ApplyOrder,
  target: ApplyOrder,
  snapshot: PluralOrder,
  to: OrderStatus,
  reportedAt: Date | undefined,
  input: ApplyInput,
) {
  const updated = await tx.order.updateMany({
    where: { id: order.id, status: order.status },
    data: {
      status: to,
      pluralOrderId: target.pluralOrderId ?? snapshot.order_id,
      retriesRemaining: snapshot.payment_retries_remaining ?? order.retriesRemaining,
      pluralUpdatedAt: reportedAt && (!target.pluralUpdatedAt || reportedAt > target.pluralUpdatedAt) ? reportedAt : target.pluralUpdatedAt,
      // Plural's own answer just now: nothing is owed any more.
      ...(input.authoritative ? { lastSyncedAt: new Date(), followUpAt: null } : {}),
    },
  });
  if (updated.count === 0) throw new ConcurrentUpdate();
}

/**
 * applyStatus's input for an order as Plural reports it: by default an answer Plural gave just now
 * (Get Order, or what create, capture, cancel or a new payment answered), so verified and
 * authoritative, with the Plural order's id and status (and `extra`) kept on the timeline. A webhook
 * passes its message id, its own summary as `payload`, and `authoritative: false`.
 */
export function pluralReport(
  orderId: ApplyInput["orderId"],
  snapshot: PluralOrder,
  source: EventSource,
  type: string,
  more: { extra?: Record<string, unknown>; payload?: unknown; externalId?: string; authoritative?: boolean } = {},
): ApplyInput {
  return {
    orderId,
    snapshot,
    source,
    type,
    ...(more.externalId ? { externalId: more.externalId } : {}),
    verified: true,
    payload: more.payload ?? { order_id: snapshot.order_id, status: snapshot.status, ...more.extra },
    authoritative: more.authoritative ?? true,
  };
}

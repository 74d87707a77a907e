/** The one writer of a refund's status, and the two order changes made outside applyStatus. */
import { db } from "@/lib/db";
import { currentRequestId } from "@/lib/request-context";
import type { Prisma } from "@/lib/generated/prisma/client";
import { notifyInTransaction, publishOrderChange } from "../live/order-changes";
import { canMoveRefund, decideOrder } from "./state-machine";
import { knownRefundStatus, storedRefund } from "./rows";
import type { RefundStatus } from "./statuses";

/** The automatic refund of a late payment was requested (or is no longer possible): nothing more is owed. */
export async function settleAutoRefund(orderId: string): Promise<void> {
  await db().order.updateMany({ where: { id: orderId, autoRefundAt: { not: null } }, data: { autoRefundAt: null } });
}

type RefundRow = { id: string; status: RefundStatus; pluralRefundId: string | null };

/** The one writer of a refund's status: forward only (state-machine.ts), guarded against a concurrent writer. */
export async function moveRefund(
  client: Pick<Prisma.TransactionClient, "refund">,
  refund: RefundRow,
  to: RefundStatus | undefined,
  pluralRefundId?: string,
): Promise<boolean> {
  const id = refund.pluralRefundId ?? pluralRefundId ?? null;
  // `to` undefined: a status the store does not know, so no move (as a repeat or a stale report).
  if (!to || !canMoveRefund(refund.status, to)) {
    // A repeat or a stale report changes nothing, except that it may tell us Plural's id for the refund.
    if (id && !refund.pluralRefundId) await client.refund.updateMany({ where: { id: refund.id, pluralRefundId: null }, data: { pluralRefundId: id } });
    return false;
  }
  const moved = await client.refund.updateMany({ where: { id: refund.id, status: refund.status }, data: { status: to, pluralRefundId: id } });
  return moved.count === 1;
}

/**
 * A refund's status as Plural reports it (its answer to the refund request, or a REFUND_* webhook),
 * found by Plural's refund id or our merchant reference. False when it changed nothing.
 * The parent order's status and refunded total follow from Get Order (applyStatus).
 */
export async function applyRefundStatus(input: {
  orderId: string;
  pluralRefundId?: string;
  merchantRefundReference?: string;
  status: string;
}): Promise<boolean> {
  const or = [
    ...(input.pluralRefundId ? [{ pluralRefundId: input.pluralRefundId }] : []),
    ...(input.merchantRefundReference ? [{ merchantRefundReference: input.merchantRefundReference }] : []),
  ];
  if (or.length === 0) return false;
  const refund = await db().refund.findFirst({ where: { orderId: input.orderId, OR: or }, select: { id: true, status: true, pluralRefundId: true } });
  return refund ? moveRefund(db(), storedRefund(refund), knownRefundStatus(input.status.toUpperCase()), input.pluralRefundId) : false;
}

/**
 * Plural has no record of an order an hour after we created it (its create failed and was never
 * retried): it can never be paid. The only status the store decides without Plural's word.
 */
export async function failOrderUnknownToPlural(orderId: string): Promise<boolean> {
  if (decideOrder("CREATED", "FAILED") !== "apply") return false;
  const failed = await db().$transaction(async (tx) => {
    const updated = await tx.order.updateMany({
      where: { id: orderId, status: "CREATED", pluralOrderId: null, pluralAttempt: 1 },
      data: { status: "FAILED", nextSyncAt: null },
    });
    if (updated.count === 0) return false;
    await tx.orderEvent.create({
      data: {
        orderId,
        source: "sync",
        type: "ORDER_NOT_FOUND",
        verified: true,
        payload: "{}",
        statusFrom: "CREATED",
        statusTo: "FAILED",
        requestId: currentRequestId() ?? null,
      },
    });
    await notifyInTransaction(tx, orderId);
    return true;
  });
  if (failed) publishOrderChange(orderId);
  return failed;
}

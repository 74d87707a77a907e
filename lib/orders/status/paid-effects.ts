/** When applyStatus finds an order paid: was it paid late or twice, and what leaves the cart. */
import { dbProvider } from "@/lib/db";
import { env } from "@/lib/env";
import type { Prisma } from "@/lib/generated/prisma/client";
import { log } from "@/lib/log";
import { currentRequestId } from "@/lib/request-context";
import type { ApplyInput, LatePayment } from "./apply-types";
import { lockKey, takeOrderItemsFromCart } from "../sql";
import { REFUNDABLE_STATUSES } from "./statuses";

/** An order captured after a pre-auth already left the cart when it was AUTHORIZED. */
const PAID_BEFORE = new Set(["AUTHORIZED"]);

/** What the shopper was shown as a failure: the order could not be paid, or (payments) this attempt failed. */
export const TOLD_FAILED: ReadonlySet<string> = new Set(["FAILED", "CANCELLED"]);
/** Still holding the shopper's money: a twin fully refunded already is no reason to refund this one. */
const HOLDING = [...REFUNDABLE_STATUSES, "AUTHORIZED"];
/** How far back a twin is looked for: a shopper starting again does so within minutes, not days. */
const TWIN_WINDOW_MS = 24 * 60 * 60 * 1000;

type OrderForLate = { id: string; status: string; cartId: string | null; customerEmail: string; amountInPaise: number; createdAt: Date };

/**
 * Why an order that is now PROCESSED should not simply be kept, if it should not:
 * - PAID_TWICE: another order of the same shopper (same cart, or same e-mail) for the same items and
 *   amount holds their money already, and it was still unpaid when this one was placed or it was
 *   placed while this one was open (the shopper started again because this one seemed to fail).
 *   An order placed after the other was paid (buying the same thing again, knowingly) is no twin.
 * - PAID_LATE: the order had failed or been cancelled (the shopper saw "could not be paid"), or the
 *   payment that succeeded is one we had recorded as failed (the shopper saw "did not go through").
 */
async function latePaymentOf(
  tx: Prisma.TransactionClient,
  order: OrderForLate,
  failedThenPaid: boolean,
): Promise<{ kind: LatePayment; of?: { id: string; merchantOrderReference: string } } | undefined> {
  await oneShopperAtATime(tx, order);
  // One statement in the common case (no other order of theirs holds money): the candidates' items
  // and payment times are read only when there are some (Prisma would otherwise send two more
  // statements for an empty list).
  const found = await tx.order.findMany({
    where: {
      id: { not: order.id },
      amountInPaise: order.amountInPaise,
      status: { in: HOLDING },
      createdAt: { gte: new Date(order.createdAt.getTime() - TWIN_WINDOW_MS) },
      OR: [...(order.cartId ? [{ cartId: order.cartId }] : []), { customerEmail: order.customerEmail }],
    },
    // The most recent first: a shopper starts again within minutes (and the e-mail's index serves it).
    orderBy: { createdAt: "desc" },
    take: 10,
    select: { id: true },
  });
  if (found.length > 0) {
    const candidates = await tx.order.findMany({
      where: { id: { in: found.map((c) => c.id) } },
      orderBy: { createdAt: "desc" },
      select: {
        id: true,
        merchantOrderReference: true,
        createdAt: true,
        items: { select: { productId: true, quantity: true } },
        // When it was paid: its first timeline entry that left it holding money.
        events: { where: { statusTo: { in: HOLDING } }, orderBy: { createdAt: "asc" }, take: 1, select: { createdAt: true } },
      },
    });
    const key = (items: Array<{ productId: string; quantity: number }>) =>
      items
        .map((i) => `${i.productId}×${i.quantity}`)
        .sort()
        .join(",");
    const ours = key(await tx.orderItem.findMany({ where: { orderId: order.id }, select: { productId: true, quantity: true } }));
    const twin = candidates.find((c) => key(c.items) === ours && (c.events[0]?.createdAt ?? c.createdAt) > order.createdAt);
    if (twin) return { kind: "PAID_TWICE", of: { id: twin.id, merchantOrderReference: twin.merchantOrderReference } };
  }
  if (TOLD_FAILED.has(order.status) || failedThenPaid) return { kind: "PAID_LATE" };
  return undefined;
}

/**
 * Two orders of one shopper paid at the same moment (two instances, or two connections of one): each
 * transaction looks for the other among the orders holding money before the other has committed, so
 * neither is flagged (a chaos run found it). On PostgreSQL a transaction-scoped advisory lock per
 * shopper (their e-mail and their cart, the keys twins are matched by, taken in one order so that
 * two transactions never wait on each other) makes the second wait until the first commits; under
 * READ COMMITTED its next statement then sees the first paid. SQLite runs one write transaction at a
 * time already (BEGIN IMMEDIATE, lib/db/sqlite.ts). Only a paid transition takes it: the lock holder
 * reads other orders and writes only its own, so it never waits on a row the waiter holds.
 */
async function oneShopperAtATime(tx: Prisma.TransactionClient, order: OrderForLate): Promise<void> {
  if (dbProvider() !== "postgresql") return;
  const keys = [`shopper-email:${order.customerEmail}`, ...(order.cartId ? [`shopper-cart:${order.cartId}`] : [])].sort();
  for (const key of keys) await lockKey(tx, key);
}

/**
 * An order just found PROCESSED (from `from`): if it was paid late or twice (latePaymentOf), flag it on
 * the order (with autoRefundAt under AUTO_REFUND_LATE_PAYMENTS), write why on its timeline, and say so.
 */
export async function flagLatePayment(
  tx: Prisma.TransactionClient,
  order: OrderForLate,
  to: string,
  failedThenPaid: boolean,
  input: Pick<ApplyInput, "source" | "verified">,
): Promise<{ kind: LatePayment; autoRefund: boolean } | undefined> {
  const late = await latePaymentOf(tx, order, failedThenPaid);
  if (!late) return undefined;
  const autoRefund = env().autoRefundLatePayments;
  await tx.order.update({
    where: { id: order.id },
    data: { latePayment: late.kind, latePaymentOf: late.of?.id ?? null, autoRefundAt: autoRefund ? new Date() : null },
  });
  await tx.orderEvent.create({
    data: {
      orderId: order.id,
      source: "store",
      type: late.kind,
      verified: input.verified,
      payload: JSON.stringify({
        from: order.status,
        noticedBy: input.source,
        ...(late.of ? { paidFirst: late.of.merchantOrderReference } : {}),
        autoRefund,
      }),
      statusFrom: to,
      statusTo: to,
      requestId: currentRequestId() ?? null,
    },
  });
  log.warn("orders.late_payment", { orderId: order.id, kind: late.kind, from: order.status, paidFirst: late.of?.id, autoRefund });
  return { kind: late.kind, autoRefund };
}

/**
 * Paid (PROCESSED or AUTHORIZED, from a status that was not; a capture after a pre-auth has taken them
 * already): what this order bought leaves its cart. Only that: the shopper may have added more since
 * (a payment can be confirmed minutes later, by a webhook or the sweep).
 */
export async function takeBoughtFromCart(tx: Prisma.TransactionClient, order: { id: string; status: string; cartId: string | null }, to: string) {
  if ((to === "PROCESSED" || to === "AUTHORIZED") && order.cartId && !PAID_BEFORE.has(order.status)) await takeOrderItemsFromCart(tx, order.id, order.cartId);
}

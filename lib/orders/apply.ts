import { db, isUniqueViolation } from "@/lib/db";
import { env } from "@/lib/env";
import { log } from "@/lib/log";
import { currentRequestId } from "@/lib/request-context";
import type { PluralOrder } from "@/lib/plural/schemas";
import type { Prisma } from "@/lib/generated/prisma/client";
import { notifyInTransaction, publishOrderChange } from "./changes";
import { attemptOf, attemptReference } from "./attempts";
import { startAutoRefund } from "./auto-refund-hook";
import { canMovePayment, canMoveRefund, decideOrder, type Decision } from "./machine";
import { isSettledForShopper, REFUNDABLE_STATUSES } from "./statuses";

/** Who wrote a timeline entry; "store": the store's own conclusion (a late payment, its automatic refund), no message received. */
export type EventSource = "return" | "webhook" | "sync" | "admin" | "shopper" | "store";

export type ApplyInput = {
  orderId: string;
  /** The order as Plural reports it (Get Order, a create/capture/cancel answer, or a webhook's data). */
  snapshot: PluralOrder;
  source: EventSource;
  /** Event type for the timeline, e.g. ORDER_PROCESSED, RETURN, GET_ORDER. */
  type: string;
  /** Unique id of the message where one exists (the webhook-id); a repeat is recognised and changes nothing. */
  externalId?: string;
  verified: boolean;
  /** The fields received, for the timeline (never secrets). */
  payload: unknown;
  /** True when the snapshot was fetched from Plural just now (Get Order), so it is the truth. */
  authoritative: boolean;
};

/** Paid after the shopper was told the order failed, or while another order of theirs for the same items was paid. */
type LatePayment = "PAID_LATE" | "PAID_TWICE";

export type ApplyResult =
  | { outcome: "duplicate" }
  | { outcome: "rejected"; reason: string }
  | { outcome: "applied" | "unchanged" | "ignored" | "ambiguous"; from: string; to: string; latePayment?: LatePayment };

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
  for (let attempt = 0; attempt < 5; attempt++) {
    let changed = false;
    let flagged: { kind: LatePayment; autoRefund: boolean } | undefined;
    try {
      // Short: only database statements inside (never a call to Plural), so a writer waits microseconds.
      const result = await db().$transaction(async (tx) => {
        // Payments and refunds are read only when the snapshot has some to match (a statement each).
        const order = await tx.order.findUnique({ where: { id: input.orderId }, include: { payments: listsPayments, refunds: listsRefunds } });
        if (!order) return { outcome: "rejected", reason: "unknown order" } as const;

        // The timeline entry, written last with the status it left the order in. Its externalId is
        // unique: a concurrent repeat of the same message fails here and undoes everything it did.
        const record = (statusTo: string, type = input.type) =>
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
        let target: typeof order = order;
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
            return { outcome: "rejected", reason: "order id mismatch" } as const;
          }
          if (!(PAID_AT_PLURAL.has(snapshot.status) && !isSettledForShopper(order.status))) {
            // Another of its Plural orders, and nothing that moves the store order: its payments and refunds are kept up to date;
            // a success there while the order is paid already is a second payment, flagged to be refunded.
            if (snapshot.order_amount.value !== order.amountInPaise) {
              await record(order.status, `${input.type} (amount mismatch)`);
              return { outcome: "rejected", reason: "amount mismatch" } as const;
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
            return { outcome: "ignored", from: order.status, to: order.status, ...(flagged ? { latePayment: flagged.kind } : {}) } as const;
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
          return { outcome: "rejected", reason: "amount mismatch" } as const;
        }

        const reportedAt = time(snapshot.updated_at);
        // Is this report newer than what we applied last? Unknown without Plural's updated_at.
        const newer = input.authoritative || target !== order || (reportedAt ? !target.pluralUpdatedAt || reportedAt > target.pluralUpdatedAt : undefined);
        const decision: Decision = decideOrder(order.status, snapshot.status, newer);
        const to = decision === "apply" ? snapshot.status : order.status;
        changed = decision === "apply";

        if (decision === "apply" || decision === "same") {
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

          // Payments: match by Plural id, else by our merchant reference; move each only forward.
          const moved = await syncPayments(tx, order, snapshot);
          if (moved.changed) changed = true;
          // A payment we had recorded as failed (expired, declined, replaced) has succeeded after all.
          const failedThenPaid = moved.failedThenPaid;

          // Refunds listed on the parent (each a REFUND order).
          if (listsRefunds && (await syncRefunds(tx, order, snapshot))) changed = true;
          if (listsRefunds && (order.refunds ?? []).length > 0) {
            // The order's own refunds (not those of a second payment on another of its Plural orders).
            const refunded = await tx.refund.aggregate({
              where: { orderId: order.id, status: "PROCESSED", pluralOrderId: null },
              _sum: { amountInPaise: true },
            });
            await tx.order.update({ where: { id: order.id }, data: { refundedInPaise: refunded._sum.amountInPaise ?? 0 } });
          }

          // Paid, from a status that was not: was the shopper told it failed, or have they paid for the same items already?
          if (decision === "apply" && to === "PROCESSED" && !isSettledForShopper(order.status) && !order.latePayment) {
            const late = await latePaymentOf(tx, order, failedThenPaid);
            if (late) {
              const autoRefund = env().autoRefundLatePayments;
              flagged = { kind: late.kind, autoRefund };
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
            }
          }

          // Paid: what this order bought leaves the cart. Only that: the shopper may have added more
          // since (a payment can be confirmed minutes later, by a webhook or the sweep).
          if (decision === "apply" && (to === "PROCESSED" || to === "AUTHORIZED") && order.cartId && !PAID_BEFORE.has(order.status)) {
            await takeFromCart(tx, order.id, order.cartId);
          }
        }
        await record(to);
        if (changed) await notifyInTransaction(tx, order.id);
        const outcome = decision === "apply" ? "applied" : decision === "same" ? "unchanged" : decision === "ignore" ? "ignored" : "ambiguous";
        return { outcome, from: order.status, to, ...(flagged ? { latePayment: flagged.kind } : {}) } as const;
      });
      if (input.externalId && result.outcome !== "rejected") rememberRecorded(input.externalId);
      if (changed) publishOrderChange(input.orderId);
      // After the commit (a refund is a call to Plural, never inside a transaction), and not awaited:
      // the refund's own Get Order may be waiting on the very sync that brought us here. If this
      // process dies first, autoRefundAt is still set and the sweep does it (late.ts).
      if (flagged?.autoRefund) startAutoRefund(input.orderId);
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
  throw new Error(`applyStatus: order ${input.orderId} kept changing under us`);
}

class ConcurrentUpdate extends Error {}

/** Money taken (or blocked) at Plural on this Plural order. */
const PAID_AT_PLURAL: ReadonlySet<string> = new Set(["AUTHORIZED", "PROCESSED", "PARTIALLY_CAPTURED", "PARTIALLY_REFUNDED", "FULLY_REFUNDED"]);

type OrderWithLists = Prisma.OrderGetPayload<{ include: { payments: true; refunds: true } }>;
type ApplyOrder = Omit<OrderWithLists, "payments" | "refunds"> & { payments?: OrderWithLists["payments"]; refunds?: OrderWithLists["refunds"] };

/**
 * The snapshot's payments onto ours: matched by Plural id, else by our merchant reference, each moved
 * only forward; a payment we never recorded (made elsewhere) is added. `paid`: one moved to PROCESSED
 * or AUTHORIZED just now; `failedThenPaid`: one we had recorded as failed (expired, declined, replaced).
 */
async function syncPayments(tx: Prisma.TransactionClient, order: ApplyOrder, snapshot: PluralOrder) {
  const payments = order.payments ?? [];
  const out = { changed: false, paid: false, failedThenPaid: false };
  for (const p of snapshot.payments) {
    const ours =
      payments.find((x) => x.pluralPaymentId === p.id) ??
      payments.find((x) => p.merchant_payment_reference && x.merchantPaymentReference === p.merchant_payment_reference);
    const upiReference = p.acquirer_data?.rrn || p.acquirer_data?.acquirer_reference || undefined;
    const details = {
      pluralPaymentId: p.id,
      pluralOrderId: snapshot.order_id,
      errorCode: p.error_detail?.code ?? null,
      errorMessage: p.error_detail?.message ?? null,
      upiReference: upiReference ?? null,
      payerVpa: p.upi?.payer?.vpa ?? null,
    };
    // The order's challenge_url and image_url are its latest payment's: a payment whose answer was lost learns its QR here.
    const links =
      p === snapshot.payments.at(-1) && p.status === "PENDING" && ours && !ours.challengeUrl && !ours.imageUrl && (snapshot.challenge_url || snapshot.image_url)
        ? { challengeUrl: snapshot.challenge_url ?? null, imageUrl: ours.upiMode === "QR" ? (snapshot.image_url ?? null) : null }
        : undefined;
    if (ours) {
      const move = canMovePayment(ours.status, p.status);
      const differs =
        move ||
        !!links ||
        ours.pluralPaymentId !== details.pluralPaymentId ||
        ours.pluralOrderId !== details.pluralOrderId ||
        ours.errorCode !== details.errorCode ||
        ours.errorMessage !== details.errorMessage ||
        (details.upiReference !== null && ours.upiReference !== details.upiReference) ||
        (details.payerVpa !== null && ours.payerVpa !== details.payerVpa);
      if (move && p.status === "PROCESSED" && TOLD_FAILED.has(ours.status)) out.failedThenPaid = true;
      if (move && (p.status === "PROCESSED" || p.status === "AUTHORIZED")) out.paid = true;
      if ((move || ours.status === p.status) && differs) {
        out.changed = true;
        await tx.payment.update({
          where: { id: ours.id },
          data: {
            ...details,
            ...links,
            ...(move ? { status: p.status } : {}),
            payerVpa: details.payerVpa ?? ours.payerVpa,
            upiReference: details.upiReference ?? ours.upiReference,
          },
        });
      }
    } else {
      out.changed = true;
      if (p.status === "PROCESSED" || p.status === "AUTHORIZED") out.paid = true;
      await tx.payment.create({
        data: {
          orderId: order.id,
          merchantPaymentReference: p.merchant_payment_reference || `plural_${p.id}`,
          upiMode: p.upi?.upi_qr ? "QR" : (p.upi?.txn_mode ?? "INTENT"),
          status: p.status,
          amountInPaise: p.payment_amount?.value ?? order.amountInPaise,
          ...details,
        },
      });
    }
  }
  return out;
}

/** Refunds listed on a Plural order (each a REFUND order) onto ours; true when one moved. */
async function syncRefunds(tx: Prisma.TransactionClient, order: ApplyOrder, snapshot: PluralOrder): Promise<boolean> {
  let changed = false;
  const refunds = order.refunds ?? [];
  for (const r of (snapshot.refunds ?? []) as Array<{ order_id?: string; merchant_order_reference?: string; status?: string }>) {
    const ours = refunds.find((x) => x.pluralRefundId === r.order_id || x.merchantRefundReference === r.merchant_order_reference);
    if (ours && r.status && (await moveRefund(tx, ours, r.status, r.order_id))) changed = true;
  }
  return changed;
}

/**
 * The shopper paid on two of the order's Plural orders (the QR they had switched away from, and the
 * collect request): the order keeps the first payment; the second is flagged (Order.latePayment
 * PAID_TWICE, and a timeline entry naming that Plural order) so that late.ts refunds it, by itself
 * with AUTO_REFUND_LATE_PAYMENTS. Never silently kept.
 */
async function flagSecondPayment(
  tx: Prisma.TransactionClient,
  order: ApplyOrder,
  pluralOrderId: string,
  input: ApplyInput,
): Promise<{ kind: LatePayment; autoRefund: boolean }> {
  const autoRefund = env().autoRefundLatePayments;
  await tx.order.update({
    where: { id: order.id },
    data: { latePayment: order.latePayment ?? "PAID_TWICE", ...(autoRefund ? { autoRefundAt: new Date() } : {}) },
  });
  await tx.orderEvent.create({
    data: {
      orderId: order.id,
      source: "store",
      type: "PAID_TWICE",
      verified: input.verified,
      payload: JSON.stringify({ secondPluralOrder: pluralOrderId, paidFirst: order.pluralOrderId, noticedBy: input.source, autoRefund }),
      statusFrom: order.status,
      statusTo: order.status,
      requestId: currentRequestId() ?? null,
    },
  });
  log.warn("orders.second_payment", { orderId: order.id, pluralOrderId, paidFirst: order.pluralOrderId, autoRefund });
  return { kind: "PAID_TWICE", autoRefund };
}

/** An order captured after a pre-auth already left the cart when it was AUTHORIZED. */
const PAID_BEFORE = new Set(["AUTHORIZED"]);

/** What the shopper was shown as a failure: the order could not be paid, or (payments) this attempt failed. */
const TOLD_FAILED: ReadonlySet<string> = new Set(["FAILED", "CANCELLED"]);
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
 * What an order bought leaves its cart: two statements, however many items (a statement through
 * Prisma costs a query compilation, and this runs on every paid webhook). Raw SQL because Prisma's
 * updateMany cannot take a quantity from another table; the same text runs on SQLite and PostgreSQL.
 * A line whose quantity reaches 0 goes; one the shopper raised since keeps the difference.
 */
async function takeFromCart(tx: Prisma.TransactionClient, orderId: string, cartId: string): Promise<void> {
  await tx.$executeRaw`
    UPDATE "CartItem" SET "quantity" = "quantity" - (
      SELECT SUM(oi."quantity") FROM "OrderItem" oi WHERE oi."orderId" = ${orderId} AND oi."productId" = "CartItem"."productId"
    )
    WHERE "cartId" = ${cartId} AND "productId" IN (SELECT "productId" FROM "OrderItem" WHERE "orderId" = ${orderId})`;
  await tx.$executeRaw`DELETE FROM "CartItem" WHERE "cartId" = ${cartId} AND "quantity" <= 0`;
}

/** The automatic refund of a late payment was requested (or is no longer possible): nothing more is owed. */
export async function settleAutoRefund(orderId: string): Promise<void> {
  await db().order.updateMany({ where: { id: orderId, autoRefundAt: { not: null } }, data: { autoRefundAt: null } });
}

type RefundRow = { id: string; status: string; pluralRefundId: string | null };

/** The one writer of a refund's status: forward only (machine.ts), guarded against a concurrent writer. */
async function moveRefund(client: Pick<Prisma.TransactionClient, "refund">, refund: RefundRow, to: string, pluralRefundId?: string): Promise<boolean> {
  const id = refund.pluralRefundId ?? pluralRefundId ?? null;
  if (!canMoveRefund(refund.status, to)) {
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
  return refund ? moveRefund(db(), refund, input.status.toUpperCase(), input.pluralRefundId) : false;
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

/**
 * Message ids this process has seen on a timeline lately (its own writes, and what it read): a
 * redelivery is recognised without a read. Plural retries a webhook until it sees a 2xx, so the
 * same id often comes back within seconds. Only ids already committed go in (a timeline entry is
 * never deleted), so a hit is always right; a miss (another instance wrote it, or it was forgotten)
 * costs the one indexed read. The oldest are forgotten past RECENT_IDS. On globalThis: one set per
 * process, whatever Next bundle asks.
 */
const RECENT_IDS = 10_000;
const recent = ((globalThis as { recordedExternalIds?: Set<string> }).recordedExternalIds ??= new Set<string>());

function rememberRecorded(externalId: string) {
  if (recent.has(externalId)) return;
  if (recent.size >= RECENT_IDS) recent.delete(recent.values().next().value!);
  recent.add(externalId);
}

/**
 * True when a message with this id (a webhook-id, a return's signature) is already on a timeline:
 * remembered, or one read of the unique index. Raw SQL on purpose, as the status route's read
 * (live-status.ts): a raw statement costs Prisma less than a compiled query.
 */
export async function isRecorded(externalId: string): Promise<boolean> {
  if (recent.has(externalId)) return true;
  const rows = await db().$queryRaw<unknown[]>`SELECT 1 FROM "OrderEvent" WHERE "externalId" = ${externalId} LIMIT 1`;
  if (rows.length > 0) rememberRecorded(externalId);
  return rows.length > 0;
}

/**
 * Records an event that changes no status (a return, an unhandled webhook, a shopper's or the
 * merchant's request). False when its externalId is already recorded: a repeat.
 */
export async function recordEvent(e: {
  orderId: string | null;
  source: EventSource;
  type: string;
  externalId?: string;
  verified?: boolean;
  payload?: unknown;
  status?: string | null;
}): Promise<boolean> {
  try {
    await db().orderEvent.create({
      data: {
        orderId: e.orderId,
        source: e.source,
        type: e.type,
        externalId: e.externalId,
        verified: e.verified ?? true,
        payload: JSON.stringify(e.payload ?? {}),
        statusFrom: e.status ?? null,
        statusTo: e.status ?? null,
        requestId: currentRequestId() ?? null,
      },
    });
    if (e.externalId) rememberRecorded(e.externalId);
    return true;
  } catch (err) {
    if (e.externalId && isUniqueViolation(err, "externalId")) {
      rememberRecorded(e.externalId);
      return false;
    }
    throw err;
  }
}

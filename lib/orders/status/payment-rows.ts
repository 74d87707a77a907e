/** The payments and refunds a Plural order lists, onto ours (applyStatus's steps inside its transaction). */
import { env } from "@/lib/env";
import { log } from "@/lib/log";
import { currentRequestId } from "@/lib/request-context";
import type { PluralOrder } from "@/lib/plural/schemas";
import type { Prisma } from "@/lib/generated/prisma/client";
import { canMovePayment } from "./state-machine";
import type { ApplyInput, LatePayment } from "./apply-types";
import { TOLD_FAILED } from "./paid-effects";
import { moveRefund } from "./refund-status";
import { knownPaymentMode, knownPaymentStatus, knownRefundStatus, type StoredOrder } from "./rows";

/** Money taken (or blocked) at Plural on this Plural order. */
export const PAID_AT_PLURAL: ReadonlySet<string> = new Set(["AUTHORIZED", "PROCESSED", "PARTIALLY_CAPTURED", "PARTIALLY_REFUNDED", "FULLY_REFUNDED"]);

type OrderWithLists = StoredOrder<Prisma.OrderGetPayload<{ include: { payments: true; refunds: true } }>>;
/** The order as applyStatus read it (statuses checked), with its payments and refunds when the snapshot lists some. */
export type ApplyOrder = Omit<OrderWithLists, "payments" | "refunds"> & { payments?: OrderWithLists["payments"]; refunds?: OrderWithLists["refunds"] };

/**
 * The snapshot's payments onto ours: matched by Plural id, else by our merchant reference, each moved
 * only forward; a payment we never recorded (made elsewhere) is added. `paid`: one moved to PROCESSED
 * or AUTHORIZED just now; `failedThenPaid`: one we had recorded as failed (expired, declined, replaced).
 */
export async function syncPayments(tx: Prisma.TransactionClient, order: ApplyOrder, snapshot: PluralOrder) {
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
      const reported = knownPaymentStatus(p.status);
      const move = !!reported && canMovePayment(ours.status, reported);
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
          upiMode: p.upi?.upi_qr ? "QR" : knownPaymentMode(p.upi?.txn_mode),
          // A status the store does not know is no outcome: waiting, until Plural says more.
          status: knownPaymentStatus(p.status) ?? "PENDING",
          amountInPaise: p.payment_amount?.value ?? order.amountInPaise,
          ...details,
        },
      });
    }
  }
  return out;
}

/** Refunds listed on a Plural order (each a REFUND order) onto ours; true when one moved. */
export async function syncRefunds(tx: Prisma.TransactionClient, order: ApplyOrder, snapshot: PluralOrder): Promise<boolean> {
  let changed = false;
  const refunds = order.refunds ?? [];
  for (const r of (snapshot.refunds ?? []) as Array<{ order_id?: string; merchant_order_reference?: string; status?: string }>) {
    const ours = refunds.find((x) => x.pluralRefundId === r.order_id || x.merchantRefundReference === r.merchant_order_reference);
    if (ours && r.status && (await moveRefund(tx, ours, knownRefundStatus(r.status), r.order_id))) changed = true;
  }
  return changed;
}

/**
 * The shopper paid on two of the order's Plural orders (the QR they had switched away from, and the
 * collect request): the order keeps the first payment; the second is flagged (Order.latePayment
 * PAID_TWICE, and a timeline entry naming that Plural order) so that late-payments.ts refunds it, by itself
 * with AUTO_REFUND_LATE_PAYMENTS. Never silently kept.
 */
export async function flagSecondPayment(
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

/**
 * The snapshot's payments and refunds onto ours (refunds only when it lists some), and the order's
 * refunded total from its own PROCESSED refunds (not a second payment's on another Plural order).
 */
export async function writePaymentsAndRefunds(tx: Prisma.TransactionClient, order: ApplyOrder, snapshot: PluralOrder, listsRefunds: boolean) {
  const moved = await syncPayments(tx, order, snapshot);
  let changed = moved.changed;
  if (listsRefunds && (await syncRefunds(tx, order, snapshot))) changed = true;
  if (listsRefunds && (order.refunds ?? []).length > 0) {
    const refunded = await tx.refund.aggregate({
      where: { orderId: order.id, status: "PROCESSED", pluralOrderId: null },
      _sum: { amountInPaise: true },
    });
    await tx.order.update({ where: { id: order.id }, data: { refundedInPaise: refunded._sum.amountInPaise ?? 0 } });
  }
  return { changed, failedThenPaid: moved.failedThenPaid };
}

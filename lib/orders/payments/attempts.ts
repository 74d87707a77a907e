import { db } from "@/lib/db";

/**
 * A store order and its Plural orders. Usually one: created at checkout with the order's own
 * merchant reference. Where Plural refuses a second payment on a PENDING order (error
 * PAYMENT_PENDING; the sandbox's `pending_payment_policy: reject`), a shopper who switches from
 * the QR to a collect request, or wants a new QR, gets a new Plural order for the same store order:
 * attempt 2 with reference `<ref>_2`, then `<ref>_3`… (Order.pluralAttempt). Each payment records the
 * Plural order it was made on (Payment.pluralOrderId), so a webhook, a return or the sweep for any of
 * them finds the store order, and applyStatus decides what it means for the store order: paid at most
 * once, by whichever Plural order was paid first; a second success is flagged and refunded (status/late-payments.ts).
 */

/** The merchant reference of attempt `n` of an order: its own reference first, then `<ref>_2`, `<ref>_3`… */
export const attemptReference = (merchantOrderReference: string, attempt: number) =>
  attempt <= 1 ? merchantOrderReference : `${merchantOrderReference}_${attempt}`;

/** The attempt a Plural order's reference names for this store order's reference, or undefined when it is not one of its. */
export function attemptOf(reference: string | undefined, merchantOrderReference: string): number | undefined {
  if (!reference) return undefined;
  if (reference === merchantOrderReference) return 1;
  if (!reference.startsWith(`${merchantOrderReference}_`)) return undefined;
  const rest = reference.slice(merchantOrderReference.length + 1);
  return /^[2-9]\d{0,2}$/.test(rest) ? Number(rest) : undefined;
}

/** The store order's reference inside an attempt's reference (`<ref>_2` → `<ref>`), or undefined. */
const baseReference = (reference: string) => /^(.+)_[2-9]\d{0,2}$/.exec(reference)?.[1];

type Found = { id: string; status: string };
const select = { id: true, status: true } as const;

/**
 * The store order a Plural order belongs to: by its id (the order's current or paying Plural order,
 * or one a payment was made on), else by its merchant reference (an order whose create-order answer
 * was lost has no id here yet).
 */
export async function findOrderForPlural(pluralOrderId: string | undefined, merchantOrderReference?: string): Promise<Found | null> {
  if (pluralOrderId) {
    const byId = await db().order.findUnique({ where: { pluralOrderId }, select });
    if (byId) return byId;
    const viaPayment = await db().payment.findFirst({ where: { pluralOrderId }, select: { order: { select } } });
    if (viaPayment) return viaPayment.order;
  }
  if (!merchantOrderReference) return null;
  const exact = await db().order.findUnique({ where: { merchantOrderReference }, select });
  if (exact) return exact;
  const base = baseReference(merchantOrderReference);
  return base ? db().order.findUnique({ where: { merchantOrderReference: base }, select }) : null;
}

/** The store order of a refund, by the refund's merchant reference. */
export async function findOrderForRefund(merchantRefundReference: string): Promise<Found | null> {
  const refund = await db().refund.findUnique({ where: { merchantRefundReference }, select: { order: { select } } });
  return refund?.order ?? null;
}

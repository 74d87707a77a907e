/**
 * The order state machine, as pure functions. Status only moves forward: a late or repeated
 * message can never undo what a newer one established (a PAYMENT_FAILED after PROCESSED is ignored).
 * The one ambiguity, PENDING ⇄ ATTEMPTED (a retry makes an ATTEMPTED order PENDING again), and
 * FAILED ⇄ CANCELLED, is settled by Plural's updated_at, or, failing that, by asking Plural.
 */
/** Plural's order statuses. */
export type OrderStatus =
  "CREATED" | "PENDING" | "ATTEMPTED" | "AUTHORIZED" | "PROCESSED" | "PARTIALLY_CAPTURED" | "CANCELLED" | "FAILED" | "PARTIALLY_REFUNDED" | "FULLY_REFUNDED";
/** A payment's: INITIATED or PENDING while the shopper pays, then its outcome (a late success may follow a failure). */
export type PaymentStatus = "INITIATED" | "PENDING" | "AUTHORIZED" | "PROCESSED" | "FAILED" | "CANCELLED";
/** A refund's: waiting (CREATED, PENDING), then its outcome. */
export type RefundStatus = "CREATED" | "PENDING" | "PROCESSED" | "FAILED";

const RANK: Record<OrderStatus, number> = {
  CREATED: 0,
  PENDING: 1,
  ATTEMPTED: 1,
  FAILED: 2,
  CANCELLED: 2,
  AUTHORIZED: 3,
  PROCESSED: 4,
  PARTIALLY_CAPTURED: 4,
  PARTIALLY_REFUNDED: 5,
  FULLY_REFUNDED: 6,
};

export type Decision = "apply" | "same" | "ignore" | "ambiguous";

/**
 * What to do with a status reported for an order now in `from`.
 * `newer`: whether the report is newer than what we applied last (Plural's updated_at), if known.
 */
export function decideOrder(from: OrderStatus, to: OrderStatus | undefined, newer?: boolean): Decision {
  if (to === undefined) return "ambiguous"; // a status Plural has not documented: ask again
  if (from === to) return "same";
  const a = RANK[from];
  const b = RANK[to];
  if (from === "AUTHORIZED" && to === "CANCELLED") return "apply"; // a pre-auth released
  if (b > a) return "apply";
  if (b < a) return "ignore";
  if (newer === undefined) return "ambiguous";
  return newer ? "apply" : "ignore";
}

const PAYMENT_NEXT: Record<PaymentStatus, PaymentStatus[]> = {
  INITIATED: ["PENDING", "AUTHORIZED", "PROCESSED", "FAILED", "CANCELLED"],
  PENDING: ["AUTHORIZED", "PROCESSED", "FAILED", "CANCELLED"],
  AUTHORIZED: ["PROCESSED", "CANCELLED"],
  // A late success: the bank debited the payer after the payment was reported failed (expired,
  // declined) or replaced. Money taken outranks a failure, as PROCESSED outranks FAILED for orders;
  // the order is flagged PAID_LATE (apply.ts) so the merchant can refund it.
  FAILED: ["PROCESSED"],
  CANCELLED: ["PROCESSED"],
  PROCESSED: [],
};

export function canMovePayment(from: PaymentStatus, to: PaymentStatus): boolean {
  return from !== to && PAYMENT_NEXT[from].includes(to);
}

/** A refund moves once: from waiting (CREATED, PENDING) to its outcome. Anything else is a repeat or stale. */
export function canMoveRefund(from: RefundStatus, to: RefundStatus): boolean {
  if (from === to) return false;
  if (from === "CREATED") return to === "PENDING" || to === "PROCESSED" || to === "FAILED";
  if (from === "PENDING") return to === "PROCESSED" || to === "FAILED";
  return false;
}

/** Words for a shopper. */
export function describeFailure(code: string | null | undefined): string {
  switch (code) {
    case "PAYMENT_EXPIRED":
      return "The payment request expired before it was approved.";
    case "PAYMENT_DECLINED":
      return "The payment was declined in your UPI app or by your bank.";
    case "INSUFFICIENT_FUNDS":
      return "Your bank account did not have enough balance.";
    case "USER_AUTHENTICATION_FAILED":
      return "The UPI PIN could not be verified.";
    case "USER_CANCELLED":
    case "PAYMENT_CANCELLED":
      return "The payment was cancelled.";
    case "INVALID_USER_ACCOUNT":
      return "That UPI ID does not exist.";
    default:
      return "The payment did not go through.";
  }
}

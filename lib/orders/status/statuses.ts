import { ORDER_STATUSES } from "@/lib/plural/constants";
import type { OrderStatus, PaymentStatus, RefundStatus } from "./state-machine";

/**
 * The store's status vocabulary, in one client-safe module (no server imports): pages, client
 * components and the domain all read these sets, so "paid" or "still open" means one thing.
 * Each is a string-literal union, so a misspelt status does not compile; rows are checked against
 * these lists where they are read (status/rows.ts). The order statuses are Plural's
 * (docs/integrate.md, "Orders, and the status rules").
 */
export { ORDER_STATUSES };
// The types are state-machine.ts's (it imports nothing, so it can be copied alone; docs/integrate.md).
export type { OrderStatus, PaymentStatus, RefundStatus };
export const PAYMENT_STATUSES = ["INITIATED", "PENDING", "AUTHORIZED", "PROCESSED", "FAILED", "CANCELLED"] as const satisfies readonly PaymentStatus[];
export const REFUND_STATUSES = ["CREATED", "PENDING", "PROCESSED", "FAILED"] as const satisfies readonly RefundStatus[];
/** How a UPI payment is made: the shopper's app opened by a link (INTENT, as Plural records a payment made elsewhere), a QR, or a collect request. */
export const PAYMENT_MODES = ["INTENT", "QR", "COLLECT"] as const;
export type PaymentMode = (typeof PAYMENT_MODES)[number];

/** Waiting for a payment: the shopper can still pay, and the sweep keeps asking Plural. */
export const OPEN_STATUSES: ReadonlySet<OrderStatus> = new Set<OrderStatus>(["CREATED", "PENDING", "ATTEMPTED"]);
/** Money was taken (some of it may have been refunded since). */
const PAID_STATUSES: ReadonlySet<OrderStatus> = new Set<OrderStatus>(["PROCESSED", "PARTIALLY_CAPTURED", "PARTIALLY_REFUNDED", "FULLY_REFUNDED"]);
/** What the merchant can still refund from. */
export const REFUNDABLE_STATUSES: ReadonlySet<OrderStatus> = new Set<OrderStatus>(["PROCESSED", "PARTIALLY_REFUNDED", "PARTIALLY_CAPTURED"]);

/** The shopper's money is taken or blocked (a pre-auth): show the receipt. */
export const isSettledForShopper = (status: OrderStatus) => PAID_STATUSES.has(status) || status === "AUTHORIZED";
/** No payment can change this order any more from the shopper's side: stop polling, show the result. */
export const isDecided = (status: OrderStatus) => !OPEN_STATUSES.has(status);

/**
 * Why a paid order needs the merchant's eye (Order.latePayment, set by applyStatus): paid after the
 * shopper was told it failed, or for items the shopper had already paid for on another order.
 */
export const LATE_PAYMENT_LABELS: Readonly<Record<string, string>> = { PAID_LATE: "Paid late", PAID_TWICE: "Paid twice" } satisfies Record<LatePayment, string>;
/** Paid after the shopper was told the order failed, or while another order of theirs for the same items was paid. */
export type LatePayment = "PAID_LATE" | "PAID_TWICE";

/**
 * Plural still owes this order news of a refund: one is waiting for its outcome, or one has
 * succeeded but the parent's new status and refunded total (from Get Order) are not here yet.
 */
export function awaitingRefundNews(order: {
  refundedInPaise: number;
  refunds: ReadonlyArray<{ status: RefundStatus; amountInPaise: number; pluralOrderId?: string | null }>;
}): boolean {
  const processed = order.refunds.filter((r) => r.status === "PROCESSED" && !r.pluralOrderId).reduce((sum, r) => sum + r.amountInPaise, 0);
  return order.refunds.some((r) => r.status === "CREATED" || r.status === "PENDING") || processed !== order.refundedInPaise;
}

/**
 * What can still be refunded of an order read with its refunds: the amount less every refund of its
 * own that has not failed (a refund of a second payment, on another of its Plural orders, is not its own).
 */
export function refundableOf(order: {
  status: OrderStatus;
  amountInPaise: number;
  refunds: ReadonlyArray<{ status: RefundStatus; amountInPaise: number; pluralOrderId?: string | null }>;
}): number {
  if (!REFUNDABLE_STATUSES.has(order.status)) return 0;
  return order.amountInPaise - order.refunds.filter((r) => r.status !== "FAILED" && !r.pluralOrderId).reduce((s, r) => s + r.amountInPaise, 0);
}

import { z } from "zod";
import {
  ORDER_STATUSES,
  PAYMENT_MODES,
  PAYMENT_STATUSES,
  REFUND_STATUSES,
  type OrderStatus,
  type PaymentMode,
  type PaymentStatus,
  type RefundStatus,
} from "./statuses";

/**
 * Statuses as they come from the database (a string column each) or from Plural, checked against the
 * store's vocabulary (statuses.ts). A row no code of ours could have written (a hand edit, a half-run
 * migration) is a clear error naming the row, never a silent string that no rule matches.
 */
const orderStatus = z.enum(ORDER_STATUSES);
const paymentStatus = z.enum(PAYMENT_STATUSES);
const refundStatus = z.enum(REFUND_STATUSES);
const paymentMode = z.enum(PAYMENT_MODES);

function checked<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const r = schema.safeParse(value);
  if (!r.success) throw new Error(`${what}: ${JSON.stringify(value)} is not one the store knows (lib/orders/status/statuses.ts)`);
  return r.data;
}

type Row = { id?: string; status: string };
/** A payment or refund as read with its order: a `select` may leave its status or mode out. */
type ListRow = { id?: string; status?: string; upiMode?: string; [field: string]: unknown };
type StoredPayment<P> = Omit<P, "status" | "upiMode"> &
  (P extends { status: string } ? { status: PaymentStatus } : unknown) &
  (P extends { upiMode: string } ? { upiMode: PaymentMode } : unknown);
type StoredRefund<R> = Omit<R, "status"> & (R extends { status: string } ? { status: RefundStatus } : unknown);
export type StoredOrder<T> = Omit<T, "status" | "payments" | "refunds"> & { status: OrderStatus } & (T extends { payments: Array<infer P> }
    ? { payments: StoredPayment<P>[] }
    : unknown) &
  (T extends { refunds: Array<infer R> } ? { refunds: StoredRefund<R>[] } : unknown);

/** A payment row with its status (and mode, when read) checked. */
export function storedPayment<P extends ListRow>(row: P): StoredPayment<P> {
  return {
    ...row,
    ...(row.status !== undefined ? { status: checked(paymentStatus, row.status, `Payment ${row.id ?? ""} status`) } : {}),
    ...(row.upiMode !== undefined ? { upiMode: checked(paymentMode, row.upiMode, `Payment ${row.id ?? ""} upiMode`) } : {}),
  } as StoredPayment<P>;
}

/** A refund row with its status checked. */
export function storedRefund<R extends ListRow>(row: R): StoredRefund<R> {
  return { ...row, ...(row.status !== undefined ? { status: checked(refundStatus, row.status, `Refund ${row.id ?? ""} status`) } : {}) } as StoredRefund<R>;
}

/** An order row with its status checked, and those of the payments and refunds read with it. */
export function storedOrder<T extends Row & { payments?: ListRow[]; refunds?: ListRow[] }>(row: T): StoredOrder<T> {
  return {
    ...row,
    status: checked(orderStatus, row.status, `Order ${row.id ?? ""} status`),
    ...(row.payments ? { payments: row.payments.map(storedPayment) } : {}),
    ...(row.refunds ? { refunds: row.refunds.map(storedRefund) } : {}),
  } as StoredOrder<T>;
}

/** storedOrder for a read that may find nothing. */
export const storedOrNull = <T extends Row & { payments?: ListRow[]; refunds?: ListRow[] }>(row: T | null): StoredOrder<T> | null =>
  row ? storedOrder(row) : null;

/** One status read alone (a `select` of a few fields), checked. */
export const storedOrderStatus = (status: string, orderId: string): OrderStatus => checked(orderStatus, status, `Order ${orderId} status`);

/** A status Plural reports, if it is one the store knows (undefined: undocumented, so no rule applies). */
export const knownOrderStatus = (s: string): OrderStatus | undefined => orderStatus.safeParse(s).data;
export const knownPaymentStatus = (s: string): PaymentStatus | undefined => paymentStatus.safeParse(s).data;
export const knownRefundStatus = (s: string): RefundStatus | undefined => refundStatus.safeParse(s).data;
/** A mode Plural reports for a payment made elsewhere: its app (INTENT) unless it says QR or collect. */
export const knownPaymentMode = (s: string | undefined): PaymentMode => paymentMode.safeParse(s).data ?? "INTENT";

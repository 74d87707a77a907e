import { LATE_PAYMENT_LABELS } from "@/lib/orders/status/statuses";

/** "Paid late" / "Paid twice" beside an order's status: the merchant should refund it (or ship it knowingly). */
export function LatePaymentBadge({ kind }: { kind: string | null }) {
  if (!kind) return null;
  return (
    <span className="inline-flex items-center rounded-full bg-amber-100 px-2 py-0.5 text-xs font-semibold text-amber-900 ring-1 ring-inset ring-amber-400">
      {LATE_PAYMENT_LABELS[kind] ?? kind}
    </span>
  );
}

import { StatusBadge } from "@/components/StatusBadge";
import { formatPaise } from "@/lib/money";
import type { PaymentView } from "@/lib/sandbox";

const STATE_TEXT: Record<string, string> = {
  PROCESSED: "Paid. The merchant has been told.",
  AUTHORIZED: "Approved: the amount is blocked until the merchant captures it.",
  FAILED: "This request failed or expired.",
  CANCELLED: "This request is no longer valid: it was replaced or cancelled.",
};

/** One payment request as the payer's UPI app shows it, with Approve / Decline while it waits. */
export function PaymentRequest({
  payment,
  merchant,
  returnTo,
  answer,
}: {
  payment: PaymentView;
  merchant: { name: string; vpa: string };
  returnTo: string;
  answer: (form: FormData) => Promise<void>;
}) {
  return (
    <article className="rounded-2xl bg-white shadow-sm ring-1 ring-slate-200 p-5" aria-label={`Payment request ${payment.id}`}>
      <p className="text-sm text-slate-500">Pay to</p>
      <p className="font-semibold text-lg">{merchant.name}</p>
      <p className="font-mono text-xs text-slate-500 break-all">{merchant.vpa}</p>
      <p className="mt-4 text-4xl font-semibold tracking-tight" data-testid="upi-amount">
        {formatPaise(payment.amount)}
      </p>
      <p className="mt-1 text-sm text-slate-600">Payment for {payment.order_id}</p>
      <p className="mt-2 flex items-center gap-2 text-sm">
        <span className="text-slate-500">
          {payment.txn_mode === "COLLECT" ? `Collect request to ${payment.payer_vpa}` : payment.upi_qr ? "Scanned QR" : "Intent link"}
        </span>
        <StatusBadge status={payment.status} />
      </p>
      {payment.answerable ? (
        <form action={answer} className="mt-5 grid grid-cols-2 gap-3">
          <input type="hidden" name="paymentId" value={payment.id} />
          <input type="hidden" name="returnTo" value={returnTo} />
          <input type="hidden" name="payerVpa" value={payment.payer_vpa ?? "shopper@sandbox"} />
          <button name="decision" value="decline" className="rounded-xl border border-slate-300 px-4 py-3 font-medium hover:bg-slate-50">
            Decline
          </button>
          <button name="decision" value="approve" className="rounded-xl bg-emerald-700 text-white px-4 py-3 font-medium hover:bg-emerald-800">
            Approve payment
          </button>
        </form>
      ) : (
        <p className="mt-4 rounded-lg bg-slate-50 p-3 text-sm text-slate-700" role="status">
          {STATE_TEXT[payment.status] ?? `Status: ${payment.status}`}
          {payment.error_detail ? ` (${payment.error_detail.code})` : ""}
        </p>
      )}
    </article>
  );
}

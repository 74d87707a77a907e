import type { Metadata } from "next";
import Link from "next/link";
import { cookies } from "next/headers";
import { notFound } from "next/navigation";
import { StatusBadge } from "@/components/StatusBadge";
import { StatusWatcher } from "@/components/shop/StatusWatcher";
import { formatPaise } from "@/lib/money";
import { formatDateTime } from "@/lib/time";
import { ItemList, orderLines } from "@/components/shop/ItemList";
import { describeFailure, isSettledForShopper, ownsOrderRow, resultPageView } from "@/lib/orders";
import { reorderAction } from "../../actions";

export const metadata: Metadata = { title: "Your order" };

export default async function OrderResultPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const order = await resultPageView(id);
  // The shopper's only (lib/orders/access/order-access.ts), checked on the row just read.
  if (!order || !ownsOrderRow(order, await cookies())) notFound();
  const paid = isSettledForShopper(order.status);
  const payment = paid ? order.payments.find((p) => p.status === "PROCESSED" || p.status === "AUTHORIZED") : order.payments[0];
  const failedPayment = order.payments.find((p) => p.status === "FAILED" || p.status === "CANCELLED");

  return (
    <div className="mx-auto max-w-2xl">
      <div aria-live="polite">
        {paid ? (
          <header className="mb-6 rounded-2xl bg-emerald-50 p-6 ring-1 ring-emerald-200">
            <h1 className="text-2xl font-semibold text-emerald-900">
              {order.status === "AUTHORIZED" ? "Payment authorised" : order.status === "FULLY_REFUNDED" ? "Payment refunded" : "Payment received. Thank you!"}
            </h1>
            <p className="mt-1 text-emerald-900">
              {order.status === "AUTHORIZED"
                ? "The amount is blocked on your account and will be charged when your order ships."
                : order.status === "FULLY_REFUNDED"
                  ? `We received ${formatPaise(order.amountInPaise)} by UPI and refunded it in full: your bank credits it back within a few working days.`
                  : `We have received ${formatPaise(order.amountInPaise)} by UPI. A receipt is below.${
                      order.refundedInPaise > 0 ? ` ${formatPaise(order.refundedInPaise)} of it has been refunded.` : ""
                    }`}
            </p>
          </header>
        ) : order.status === "ATTEMPTED" ? (
          <header className="mb-6 rounded-2xl bg-orange-50 p-6 ring-1 ring-orange-200">
            <h1 className="text-2xl font-semibold text-orange-900">The payment did not go through</h1>
            <p className="mt-1 text-orange-900">
              {describeFailure(failedPayment?.errorCode)} If any amount was debited from your account, it will be refunded.
            </p>
            <Link href={`/orders/${id}/pay`} className="mt-4 inline-block rounded-lg bg-brand-600 px-5 py-2.5 font-medium text-white">
              Try again
            </Link>
            {order.retriesRemaining !== null && (
              <p className="mt-2 text-sm text-orange-900">
                {order.retriesRemaining} more attempt{order.retriesRemaining === 1 ? "" : "s"} allowed on this order.
              </p>
            )}
          </header>
        ) : order.status === "FAILED" || order.status === "CANCELLED" ? (
          <header className="mb-6 rounded-2xl bg-red-50 p-6 ring-1 ring-red-200">
            <h1 className="text-2xl font-semibold text-red-900">
              {order.status === "CANCELLED" ? "This order was cancelled" : "This order could not be paid"}
            </h1>
            <p className="mt-1 text-red-900">
              {order.status === "CANCELLED"
                ? "If any amount was debited from your account, it will be refunded."
                : `${describeFailure(failedPayment?.errorCode)} This order accepts no more attempts. If any amount was debited from your account, it will be refunded.`}
            </p>
            <form action={reorderAction} className="mt-4">
              <input type="hidden" name="orderId" value={id} />
              <button className="rounded-lg bg-brand-600 px-5 py-2.5 font-medium text-white">Start a new order with the same items</button>
            </form>
          </header>
        ) : (
          <header className="mb-6 rounded-2xl bg-amber-50 p-6 ring-1 ring-amber-200" role="status">
            <h1 className="text-2xl font-semibold text-amber-900">Waiting for your payment…</h1>
            <p className="mt-1 text-amber-900">We are confirming with Plural. This page updates by itself.</p>
            <Link href={`/orders/${id}/pay`} className="mt-3 inline-block text-sm text-brand-700 underline">
              Back to the payment page
            </Link>
            <StatusWatcher orderId={id} status={order.status} />
          </header>
        )}
      </div>

      <section aria-labelledby="receipt-h" className="rounded-2xl bg-white p-6 ring-1 ring-slate-200">
        <h2 id="receipt-h" className="mb-4 flex items-center justify-between font-semibold">
          {paid ? "Receipt" : "Order"} <StatusBadge status={order.status} />
        </h2>
        <ItemList items={orderLines(order.items)} totalInPaise={order.amountInPaise} totalTestId="receipt-total" />
        <dl className="mt-5 grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
          <dt className="text-slate-500">Order reference</dt>
          <dd className="font-mono">{order.merchantOrderReference}</dd>
          {order.pluralOrderId && (
            <>
              <dt className="text-slate-500">Plural order id</dt>
              <dd className="font-mono" data-testid="plural-order-id">
                {order.pluralOrderId}
              </dd>
            </>
          )}
          {payment?.pluralPaymentId && (
            <>
              <dt className="text-slate-500">Payment id</dt>
              <dd className="font-mono">{payment.pluralPaymentId}</dd>
            </>
          )}
          {paid && payment?.upiReference && (
            <>
              <dt className="text-slate-500">UPI reference</dt>
              <dd className="font-mono" data-testid="upi-reference">
                {payment.upiReference}
              </dd>
            </>
          )}
          <dt className="text-slate-500">Placed</dt>
          <dd>{formatDateTime(order.createdAt)}</dd>
        </dl>
      </section>
      <p className="mt-6 text-center">
        <Link href="/" className="text-brand-700 underline">
          Continue shopping
        </Link>
      </p>
    </div>
  );
}

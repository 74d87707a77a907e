import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { StatusBadge } from "@/components/StatusBadge";
import { ItemList, orderLines } from "@/components/shop/ItemList";
import { requireAdmin } from "@/lib/admin-auth";
import { formatPaise } from "@/lib/money";
import { formatDateTime } from "@/lib/time";
import {
  awaitingRefundNews,
  consoleOrder,
  consoleOrderReference,
  LATE_PAYMENT_LABELS,
  lateRefundReference,
  newRefundKey,
  refundableOf,
  secondPayments,
} from "@/lib/orders";
import { LatePaymentBadge } from "@/components/admin/LatePaymentBadge";
import { AutoRefresh } from "@/components/admin/AutoRefresh";
import { adminAction } from "../../actions";

export const metadata: Metadata = { title: "Order · Merchant console" };

const btn = "rounded-lg px-4 py-2 text-sm font-medium";

function Action({
  orderId,
  action,
  label,
  confirm,
  tone = "bg-brand-600 text-white",
  children,
}: {
  orderId: string;
  action: string;
  label: string;
  confirm: string;
  tone?: string;
  children?: React.ReactNode;
}) {
  return (
    <details className="rounded-lg ring-1 ring-slate-200">
      <summary className="cursor-pointer px-3 py-2 text-sm font-medium">{label}</summary>
      <form action={adminAction} className="grid gap-2 border-t border-slate-100 p-3">
        <input type="hidden" name="orderId" value={orderId} />
        <input type="hidden" name="action" value={action} />
        {children}
        <button className={`${btn} ${tone}`}>{confirm}</button>
      </form>
    </details>
  );
}

export default async function AdminOrder({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<{ done?: string; error?: string }>;
}) {
  await requireAdmin();
  const { id } = await params;
  const { done, error } = await searchParams;
  const order = await consoleOrder(id);
  if (!order) notFound();
  const left = refundableOf(order);
  const paidFirst = order.latePaymentOf ? await consoleOrderReference(order.latePaymentOf) : null;
  const lateRefund = order.latePayment ? order.refunds.find((r) => r.merchantRefundReference === lateRefundReference(order)) : undefined;
  // Paid on two of its Plural orders (the shopper switched how to pay, and paid both): the second is refunded.
  const seconds = secondPayments(order);
  const ownLate = order.latePayment === "PAID_LATE" || !!order.latePaymentOf;
  const pendingAtPlural = order.refunds.filter((r) => r.status === "PENDING" || r.status === "CREATED");
  const billing = JSON.parse(order.billingAddress) as Record<string, string>;

  return (
    <div className="space-y-6">
      <Link href="/admin" className="text-sm text-brand-700 underline">
        ← Orders
      </Link>
      <header className="flex flex-wrap items-center gap-3">
        <h1 className="font-mono text-xl font-semibold">{order.merchantOrderReference}</h1>
        <StatusBadge status={order.status} />
        <LatePaymentBadge kind={order.latePayment} />
        <span className="text-lg tabular-nums">{formatPaise(order.amountInPaise)}</span>
        {order.refundedInPaise > 0 && <span className="text-sm text-slate-600">refunded {formatPaise(order.refundedInPaise)}</span>}
      </header>
      {awaitingRefundNews(order) && (
        <AutoRefresh>
          {pendingAtPlural.length > 0
            ? `${pendingAtPlural.length === 1 ? "A refund is" : `${pendingAtPlural.length} refunds are`} still pending at Plural. Plural may send no webhook for it: the store asks Plural every minute or so until it is done. This page updates by itself.`
            : "Waiting for Plural to confirm the refund… this page updates by itself."}
        </AutoRefresh>
      )}
      <div aria-live="polite">
        {done && (
          <p role="status" className="rounded-lg bg-emerald-50 p-3 text-sm text-emerald-900">
            {done}
          </p>
        )}
        {error && (
          <p role="alert" className="rounded-lg bg-red-50 p-3 text-sm text-red-900">
            {error}
          </p>
        )}
      </div>

      {order.latePayment && (
        <section aria-labelledby="late-h" className="rounded-xl bg-amber-50 p-4 ring-1 ring-amber-300" data-testid="late-payment">
          <h2 id="late-h" className="font-semibold text-amber-950">
            {LATE_PAYMENT_LABELS[order.latePayment] ?? order.latePayment}
          </h2>
          {seconds.length > 0 && (
            <div className="mt-1 text-sm text-amber-950" data-testid="second-payments">
              <p>
                The shopper paid this order twice: on Plural order <span className="font-mono">{order.pluralOrderId}</span>, which the order keeps, and again on{" "}
                {seconds.length === 1 ? "another of its Plural orders" : `${seconds.length} others`} (a payment they had switched away from). The second payment
                is refunded in full.
              </p>
              <ul className="mt-1 list-disc pl-5">
                {seconds.map((x) => (
                  <li key={x.pluralOrderId}>
                    <span className="font-mono">{x.pluralOrderId}</span>: {formatPaise(x.amountInPaise)}
                    {x.refund
                      ? x.refund.status === "PROCESSED"
                        ? ", refunded."
                        : x.refund.status === "FAILED"
                          ? ", refund failed: refund it again."
                          : ", refund pending at Plural."
                      : order.autoRefundAt
                        ? ", the automatic refund is being requested."
                        : ", not refunded yet."}
                  </li>
                ))}
              </ul>
            </div>
          )}
          <p className="mt-1 text-sm text-amber-950" hidden={!ownLate}>
            {order.latePayment === "PAID_TWICE" ? (
              <>
                The shopper had already paid for the same items on order{" "}
                {paidFirst ? (
                  <Link href={`/admin/orders/${paidFirst.id}`} className="font-mono underline">
                    {paidFirst.merchantOrderReference}
                  </Link>
                ) : (
                  "another order"
                )}
                . Refund this one.
              </>
            ) : (
              "This payment succeeded after the shopper was told the order had failed: they do not expect the goods. Refund it, unless you ship it and tell them."
            )}
          </p>
          {ownLate && lateRefund ? (
            <p className="mt-2 text-sm text-amber-950">
              Refund of {formatPaise(lateRefund.amountInPaise)}{" "}
              {lateRefund.status === "PROCESSED"
                ? "done"
                : lateRefund.status === "PENDING"
                  ? "pending at Plural"
                  : `requested (${lateRefund.status.toLowerCase()})`}
              .
            </p>
          ) : ownLate && order.autoRefundAt ? (
            <p className="mt-2 text-sm text-amber-950">The automatic refund is being requested.</p>
          ) : null}
          {((ownLate && left > 0 && !lateRefund) || seconds.some((x) => !x.refund || x.refund.status === "FAILED")) && (
            <form action={adminAction} className="mt-3">
              <input type="hidden" name="orderId" value={id} />
              <input type="hidden" name="action" value="refund-late" />
              <button className={`${btn} bg-red-700 text-white`}>
                {ownLate && left > 0 && !lateRefund
                  ? `Refund ${formatPaise(left)} in full`
                  : `Refund the second payment (${formatPaise(seconds.reduce((n, x) => n + (!x.refund || x.refund.status === "FAILED" ? x.amountInPaise : 0), 0))})`}
              </button>
            </form>
          )}
        </section>
      )}

      <section aria-labelledby="actions-h" className="grid gap-2 sm:grid-cols-2 lg:grid-cols-4">
        <h2 id="actions-h" className="sr-only">
          Actions
        </h2>
        {order.status === "AUTHORIZED" && (
          <Action orderId={id} action="capture" label="Capture…" confirm={`Confirm capture of ${formatPaise(order.amountInPaise)}`} />
        )}
        {order.status === "AUTHORIZED" && (
          <Action orderId={id} action="cancel" label="Cancel…" confirm="Confirm cancel and release the amount" tone="bg-red-700 text-white" />
        )}
        {left > 0 && (
          <Action orderId={id} action="refund" label="Refund…" confirm="Confirm refund">
            <input type="hidden" name="refundKey" value={newRefundKey()} />
            <label className="grid gap-1 text-sm">
              <span>Amount in rupees (at most {formatPaise(left)})</span>
              <input
                name="amount"
                inputMode="decimal"
                required
                defaultValue={(left / 100).toFixed(2)}
                className="rounded border border-slate-300 px-2 py-1.5"
              />
            </label>
          </Action>
        )}
        <form action={adminAction}>
          <input type="hidden" name="orderId" value={id} />
          <input type="hidden" name="action" value="sync" />
          <button className={`${btn} w-full bg-white ring-1 ring-slate-300`}>Sync with Plural now</button>
        </form>
      </section>

      <div className="grid gap-6 lg:grid-cols-2">
        <section aria-labelledby="items-h" className="rounded-xl bg-white p-4 ring-1 ring-slate-200">
          <h2 id="items-h" className="mb-2 font-semibold">
            Items
          </h2>
          <ItemList items={orderLines(order.items)} totalInPaise={order.amountInPaise} />
          <h2 className="mb-1 mt-4 font-semibold">Customer</h2>
          <p className="text-sm">
            {order.customerName} · {order.customerEmail} · {order.customerMobile}
            <br />
            {billing.address1}, {billing.city}, {billing.state} {billing.pincode}
          </p>
          <h2 className="mb-1 mt-4 font-semibold">Plural</h2>
          <p className="font-mono text-xs">{order.pluralOrderId ?? "not created"}</p>
        </section>
        <section aria-labelledby="payments-h" className="rounded-xl bg-white p-4 ring-1 ring-slate-200">
          <h2 id="payments-h" className="mb-2 font-semibold">
            Payments
          </h2>
          <ul className="space-y-1 text-sm">
            {order.payments.map((p) => (
              <li key={p.id} className="flex flex-wrap items-center gap-2">
                <span className="font-mono text-xs">{p.pluralPaymentId ?? p.merchantPaymentReference}</span>
                <span>{p.upiMode}</span>
                <StatusBadge status={p.status} />
                {p.errorCode && <span className="text-xs text-red-700">{p.errorCode}</span>}
                {p.upiReference && <span className="text-xs text-slate-500">UPI ref {p.upiReference}</span>}
              </li>
            ))}
          </ul>
          <h2 className="mb-2 mt-4 font-semibold">Refunds</h2>
          {order.refunds.length === 0 ? (
            <p className="text-sm text-slate-600">None.</p>
          ) : (
            <ul className="space-y-1 text-sm" data-testid="refunds">
              {order.refunds.map((r) => (
                <li key={r.id} className="flex flex-wrap items-center gap-2">
                  <span className="tabular-nums">{formatPaise(r.amountInPaise)}</span>
                  <StatusBadge status={r.status} />
                  {(r.status === "PENDING" || r.status === "CREATED") && (
                    <span className="text-xs text-amber-800" data-testid="refund-pending">
                      {r.status === "PENDING" ? "pending at Plural: the store asks Plural until it is done" : "sent; Plural's answer not seen yet"}
                    </span>
                  )}
                  {r.pluralOrderId && <span className="text-xs text-slate-600">of the second payment</span>}
                  <span className="font-mono text-xs text-slate-500">{r.pluralRefundId}</span>
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>

      <section aria-labelledby="timeline-h" className="rounded-xl bg-white p-4 ring-1 ring-slate-200">
        <h2 id="timeline-h" className="mb-3 font-semibold">
          Timeline
        </h2>
        <ol className="space-y-2 text-sm" data-testid="timeline">
          {order.events.map((e) => (
            <li key={e.id} className="grid grid-cols-[10rem_5rem_1fr] gap-2">
              <span className="text-xs text-slate-500">{formatDateTime(e.createdAt, "seconds")}</span>
              <span className="text-xs uppercase tracking-wide text-slate-600">{e.source}</span>
              <span>
                <span className="font-medium">{e.type}</span>
                {e.statusFrom !== e.statusTo && e.statusTo && (
                  <span className="text-slate-600">
                    {" "}
                    {e.statusFrom} → {e.statusTo}
                  </span>
                )}
                <span className={`ml-2 text-xs ${e.verified ? "text-emerald-700" : "text-red-700"}`}>{e.verified ? "verified" : "unverified"}</span>
                {e.requestId && (
                  <Link
                    href={`/admin?q=${encodeURIComponent(e.requestId)}`}
                    className="ml-2 font-mono text-xs text-slate-500 underline"
                    title="Request id (on its log lines)"
                  >
                    req {e.requestId}
                  </Link>
                )}
              </span>
            </li>
          ))}
        </ol>
      </section>
    </div>
  );
}

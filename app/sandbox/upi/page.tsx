import type { Metadata } from "next";
import Link from "next/link";
import { answerPayment } from "@/app/sandbox/actions";
import { StatusBadge } from "@/components/StatusBadge";
import { TestData } from "@/components/sandbox/TestData";
import { formatPaise } from "@/lib/money";
import { parseUpiLink } from "@/lib/plural/upi";
import { sandbox } from "@/lib/sandbox";
import type { SimOrder, SimPayment } from "@/lib/sandbox/types";

export const metadata: Metadata = { title: "Sandbox UPI app" };

type Search = Promise<{ link?: string; vpa?: string; done?: string; error?: string }>;

const STATE_TEXT: Record<string, string> = {
  PROCESSED: "Paid. The merchant has been told.",
  AUTHORIZED: "Approved: the amount is blocked until the merchant captures it.",
  FAILED: "This request failed or expired.",
  CANCELLED: "This request is no longer valid: it was replaced or cancelled.",
};

function Request({ order, payment, returnTo }: { order: SimOrder; payment: SimPayment; returnTo: string }) {
  const sb = sandbox();
  const pending = payment.status === "PENDING" && order.status === "PENDING";
  return (
    <article className="rounded-2xl bg-white shadow-sm ring-1 ring-slate-200 p-5" aria-label={`Payment request ${payment.id}`}>
      <p className="text-sm text-slate-500">Pay to</p>
      <p className="font-semibold text-lg">{sb.settings.merchant_name}</p>
      <p className="font-mono text-xs text-slate-500 break-all">{sb.settings.payee_vpa}</p>
      <p className="mt-4 text-4xl font-semibold tracking-tight" data-testid="upi-amount">
        {formatPaise(payment.amount.value)}
      </p>
      <p className="mt-1 text-sm text-slate-600">Payment for {order.order_id}</p>
      <p className="mt-2 flex items-center gap-2 text-sm">
        <span className="text-slate-500">
          {payment.txn_mode === "COLLECT" ? `Collect request to ${payment.payer_vpa}` : payment.upi_qr ? "Scanned QR" : "Intent link"}
        </span>
        <StatusBadge status={payment.status} />
      </p>
      {pending ? (
        <form action={answerPayment} className="mt-5 grid grid-cols-2 gap-3">
          <input type="hidden" name="paymentId" value={payment.id} />
          <input type="hidden" name="returnTo" value={returnTo} />
          <input type="hidden" name="payerVpa" value={payment.payer_vpa ?? "shopper@sandbox"} />
          <button name="decision" value="decline" className="rounded-xl border border-slate-300 px-4 py-3 font-medium hover:bg-slate-50">
            Decline
          </button>
          <button name="decision" value="approve" className="rounded-xl bg-emerald-600 text-white px-4 py-3 font-medium hover:bg-emerald-700">
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

/** Plays the shopper's phone: opens a UPI link (the QR's content or the intent) or a UPI ID's collect inbox. */
export default async function SandboxUpiApp({ searchParams }: { searchParams: Search }) {
  const { link, vpa, done, error } = await searchParams;
  const sb = sandbox();
  const self = link ? `/sandbox/upi?link=${encodeURIComponent(link)}` : vpa ? `/sandbox/upi?vpa=${encodeURIComponent(vpa)}` : "/sandbox/upi";
  const parsed = link ? parseUpiLink(link) : undefined;
  const fromLink = parsed ? sb.findPaymentByTr(parsed.tr) : undefined;
  const inbox = vpa ? sb.collectInbox(vpa) : [];
  const pending =
    !link && !vpa
      ? sb.ordersNewestFirst().flatMap((o) => o.payments.filter((p) => p.status === "PENDING" && o.status === "PENDING").map((p) => ({ order: o, payment: p })))
      : [];

  return (
    <div className="mx-auto max-w-sm">
      <div className="rounded-[2rem] bg-slate-900 p-3 shadow-xl">
        <div className="rounded-[1.5rem] bg-slate-100 min-h-[560px] p-4">
          <header className="flex items-center justify-between mb-4">
            <h1 className="font-semibold text-slate-900">Sandbox UPI</h1>
            <Link href="/sandbox/upi" className="text-sm text-brand-700 underline">
              Home
            </Link>
          </header>

          <div aria-live="polite">
            {done && (
              <p role="status" className="mb-3 rounded-lg bg-emerald-50 text-emerald-900 p-3 text-sm">
                Payment {done}.
              </p>
            )}
            {error && (
              <p role="alert" className="mb-3 rounded-lg bg-red-50 text-red-900 p-3 text-sm">
                {error}
              </p>
            )}
          </div>

          {link && !parsed && (
            <p role="alert" className="rounded-lg bg-red-50 p-3 text-sm text-red-900">
              That is not a UPI payment link.
            </p>
          )}
          {link && parsed && !fromLink && (
            <p role="alert" className="rounded-lg bg-red-50 p-3 text-sm text-red-900">
              No payment in the sandbox matches this link (reference {parsed.tr}).
            </p>
          )}
          {fromLink && <Request order={fromLink.order} payment={fromLink.payment} returnTo={self} />}

          {vpa && (
            <section aria-label={`Collect requests for ${vpa}`}>
              <h2 className="text-sm font-medium text-slate-600 mb-2">
                Requests for <span className="font-mono">{vpa}</span>
              </h2>
              {inbox.length === 0 ? (
                <p className="text-sm text-slate-600">
                  No pending collect requests. This page does not refresh by itself: reload it after the store sends one.
                </p>
              ) : (
                <div className="space-y-3">
                  {inbox.map(({ order, payment }) => (
                    <Request key={payment.id} order={order} payment={payment} returnTo={self} />
                  ))}
                </div>
              )}
            </section>
          )}

          {!link && !vpa && (
            <div className="space-y-5">
              <form method="get" className="space-y-2">
                <label htmlFor="link" className="block text-sm font-medium">
                  Open a UPI link (what a QR code contains)
                </label>
                <textarea
                  id="link"
                  name="link"
                  required
                  rows={3}
                  className="w-full rounded-lg border border-slate-300 p-2 font-mono text-xs"
                  placeholder="upi://pay?pa=…"
                />
                <button className="w-full rounded-lg bg-brand-600 text-white py-2 font-medium">Open link</button>
              </form>
              <form method="get" className="space-y-2">
                <label htmlFor="vpa" className="block text-sm font-medium">
                  Or open the inbox of a UPI ID
                </label>
                <input id="vpa" name="vpa" required className="w-full rounded-lg border border-slate-300 p-2 font-mono text-sm" placeholder="you@okaxis" />
                <button className="w-full rounded-lg border border-slate-300 bg-white py-2 font-medium">Open inbox</button>
              </form>
              {pending.length > 0 && (
                <section>
                  <h2 className="text-sm font-medium text-slate-600 mb-2">Waiting for a payer</h2>
                  <ul className="space-y-2 text-sm">
                    {pending.slice(0, 10).map(({ order, payment }) => (
                      <li key={payment.id}>
                        <Link
                          className="flex justify-between rounded-lg bg-white px-3 py-2 ring-1 ring-slate-200 hover:ring-brand-600"
                          href={
                            payment.txn_mode === "COLLECT"
                              ? `/sandbox/upi?vpa=${encodeURIComponent(payment.payer_vpa ?? "")}`
                              : `/sandbox/upi?link=${encodeURIComponent(payment.link)}`
                          }
                        >
                          <span className="font-mono text-xs">{order.order_id}</span>
                          <span>{formatPaise(payment.amount.value)}</span>
                        </Link>
                      </li>
                    ))}
                  </ul>
                </section>
              )}
            </div>
          )}
        </div>
      </div>
      {!link && !vpa && (
        <div className="mt-8 rounded-xl bg-white p-4 ring-1 ring-slate-200">
          <TestData compact />
        </div>
      )}
    </div>
  );
}

import type { Metadata } from "next";
import Link from "next/link";
import { answerPayment } from "@/app/sandbox/actions";
import { PaymentRequest } from "@/components/sandbox/PaymentRequest";
import { TestData } from "@/components/sandbox/TestData";
import { answerHref } from "@/components/sandbox/links";
import { formatPaise } from "@/lib/money";
import { parseUpiLink } from "@/lib/plural/upi";
import { sandbox, testData } from "@/lib/sandbox";
import { requireSandbox } from "../guard";

export const metadata: Metadata = { title: "Sandbox UPI app" };

type Search = Promise<{ link?: string; vpa?: string; done?: string; error?: string }>;

/** Plays the shopper's phone: opens a UPI link (the QR's content or the intent) or a UPI ID's collect inbox. */
export default async function SandboxUpiApp({ searchParams }: { searchParams: Search }) {
  await requireSandbox();
  const { link, vpa, done, error } = await searchParams;
  const sb = sandbox();
  sb.advance(); // as of now: expired and automatically answered requests show as such
  const merchant = sb.merchant();
  const self = link ? `/sandbox/upi?link=${encodeURIComponent(link)}` : vpa ? `/sandbox/upi?vpa=${encodeURIComponent(vpa)}` : "/sandbox/upi";
  const parsed = link ? parseUpiLink(link) : undefined;
  const fromLink = parsed ? sb.paymentByTr(parsed.tr) : undefined;
  const inbox = vpa ? sb.collectInbox(vpa) : [];
  const pending = !link && !vpa ? sb.waitingPayments(10) : [];

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
          {fromLink && <PaymentRequest payment={fromLink} merchant={merchant} returnTo={self} answer={answerPayment} />}

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
                  {inbox.map((payment) => (
                    <PaymentRequest key={payment.id} payment={payment} merchant={merchant} returnTo={self} answer={answerPayment} />
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
                    {pending.slice(0, 10).map((payment) => (
                      <li key={payment.id}>
                        <Link
                          className="flex justify-between rounded-lg bg-white px-3 py-2 ring-1 ring-slate-200 hover:ring-brand-600"
                          href={answerHref(payment)}
                        >
                          <span className="font-mono text-xs">{payment.order_id}</span>
                          <span>{formatPaise(payment.amount)}</span>
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
          <TestData data={testData()} compact />
        </div>
      )}
    </div>
  );
}

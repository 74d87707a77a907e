import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { answerPayment } from "@/app/sandbox/actions";
import { AutoSubmitForm } from "@/components/sandbox/AutoSubmit";
import { formatPaise } from "@/lib/money";
import { sandbox } from "@/lib/sandbox";
import { requireSandbox } from "../../guard";

export const metadata: Metadata = { title: "Plural sandbox checkout" };

/**
 * The https page a `challenge_url` points at in landing mode (the redirect flow). The payer
 * approves or declines; the browser then goes back to the merchant's return URL with a signed form POST.
 */
export default async function LandingPage({ params, searchParams }: { params: Promise<{ paymentId: string }>; searchParams: Promise<{ error?: string }> }) {
  await requireSandbox();
  const { paymentId } = await params;
  const { error } = await searchParams;
  const sb = sandbox();
  sb.advance(); // as of now: an expired payment shows as such
  const payment = sb.paymentView(decodeURIComponent(paymentId));
  if (!payment) notFound();
  const self = `/sandbox/pay/${encodeURIComponent(payment.id)}`;
  const pending = payment.answerable;
  const callback = pending ? undefined : sb.callbackFor(payment.order_id);
  const success = payment.order_status === "PROCESSED" || payment.order_status === "AUTHORIZED";

  return (
    <div className="mx-auto max-w-md rounded-2xl bg-white p-6 shadow-sm ring-1 ring-slate-200">
      <p className="text-xs uppercase tracking-wide text-slate-500">Plural sandbox · secure checkout</p>
      <h1 className="mt-2 text-xl font-semibold">{sb.merchant().name}</h1>
      <p className="mt-4 text-3xl font-semibold">{formatPaise(payment.amount)}</p>
      <p className="text-sm text-slate-600">Order {payment.order_id}</p>
      {error && (
        <p role="alert" className="mt-3 rounded bg-red-50 p-2 text-sm text-red-900">
          {error}
        </p>
      )}
      {pending ? (
        <form action={answerPayment} className="mt-6 grid gap-3">
          <input type="hidden" name="paymentId" value={payment.id} />
          <input type="hidden" name="returnTo" value={self} />
          <button name="decision" value="approve" className="rounded-lg bg-emerald-700 text-white px-4 py-3 font-medium hover:bg-emerald-800">
            Approve payment
          </button>
          <button name="decision" value="decline" className="rounded-lg border border-slate-300 px-4 py-3 font-medium hover:bg-slate-50">
            Decline
          </button>
          <button name="decision" value="cancel" className="text-sm text-slate-600 underline">
            Cancel and return to the store
          </button>
        </form>
      ) : callback ? (
        <div role="status" className="mt-6">
          <p>Payment {success ? "complete" : "not completed"}. Returning you to the store…</p>
          <AutoSubmitForm action={callback.url} fields={callback.fields} />
        </div>
      ) : (
        <p role="status" className="mt-6 text-slate-700">
          This payment is {payment.status.toLowerCase()}. The order has no return URL, so you can close this page.
        </p>
      )}
    </div>
  );
}

import type { Metadata } from "next";
import { headers } from "next/headers";
import Link from "next/link";
import { notFound, redirect } from "next/navigation";
import { QRCodeSVG } from "qrcode.react";
import { PayPanel } from "@/components/pay/PayPanel";
import { TEST_VPAS } from "@/lib/sandbox/catalog";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { formatPaise } from "@/lib/money";
import { ItemList, orderLines } from "@/components/shop/ItemList";
import { activePayment, ensurePluralOrder, OPEN_STATUSES } from "@/lib/orders";
import { cancelCheckoutAction, startPaymentAction } from "../../../actions";
import { requireOrderOwner } from "../../../session";

export const metadata: Metadata = { title: "Pay with UPI" };

const MOBILE = /Android|iPhone|iPad|iPod|Mobile/i;

export default async function PayPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  await requireOrderOwner(id);
  let order = await db().order.findUnique({ where: { id }, include: { items: true } });
  if (!order) notFound();
  if (!OPEN_STATUSES.has(order.status)) redirect(`/orders/${id}`);
  if (!order.pluralOrderId) {
    // The Plural order could not be created at checkout: try again now (idempotent by reference).
    const r = await ensurePluralOrder(order);
    if (!r.ok) {
      return (
        <div className="mx-auto max-w-lg rounded-xl bg-white p-6 ring-1 ring-slate-200" role="alert">
          <h1 className="text-xl font-semibold">Payment is not available right now</h1>
          <p className="mt-2 text-slate-700">{r.error}</p>
          <Link href={`/orders/${id}/pay`} className="mt-4 inline-block rounded-lg bg-brand-600 px-4 py-2 font-medium text-white">
            Try again
          </Link>
        </div>
      );
    }
    order = await db().order.findUniqueOrThrow({ where: { id }, include: { items: true } });
  }
  const payment = await activePayment(id);
  const mobile = MOBILE.test((await headers()).get("user-agent") ?? "");
  const sandbox = env().sandboxUrl;
  const link = payment?.challengeUrl?.startsWith("upi:") ? payment.challengeUrl : undefined;
  const qr = link ? (
    <QRCodeSVG value={link} size={240} marginSize={2} level="M" title="UPI payment QR code" data-testid="upi-qr" data-upi-link={link} />
  ) : payment?.imageUrl ? (
    // eslint-disable-next-line @next/next/no-img-element -- Plural's pre-signed QR image; not ours to optimise
    <img src={payment.imageUrl} alt="UPI payment QR code" width={240} height={240} data-testid="upi-qr" />
  ) : null;

  return (
    <div className="mx-auto grid max-w-4xl gap-8 md:grid-cols-[1fr_320px]">
      <section aria-labelledby="pay-h" className="rounded-2xl bg-white p-6 ring-1 ring-slate-200">
        <h1 id="pay-h" className="text-xl font-semibold">
          Pay <span data-testid="pay-amount">{formatPaise(order.amountInPaise)}</span> with UPI
        </h1>
        <p className="mb-5 text-sm text-slate-600">
          Order <span className="font-mono">{order.merchantOrderReference}</span>
          {order.status === "ATTEMPTED" && order.retriesRemaining !== null && (
            <>
              {" "}
              · {order.retriesRemaining} more attempt{order.retriesRemaining === 1 ? "" : "s"} allowed
            </>
          )}
        </p>
        <PayPanel
          orderId={id}
          defaultTab={mobile ? "app" : "qr"}
          payment={payment}
          qr={qr}
          sandbox={sandbox}
          start={startPaymentAction}
          sandboxHelp={
            sandbox ? (
              <details className="mt-4 text-sm">
                <summary className="cursor-pointer text-slate-600">Sandbox test UPI IDs</summary>
                <ul className="mt-2 space-y-1">
                  {TEST_VPAS.filter((v) => v.vpa.endsWith("@sandbox")).map((v) => (
                    <li key={v.vpa}>
                      <span className="font-mono">{v.vpa}</span> <span className="text-slate-500">{v.behaviour}</span>
                    </li>
                  ))}
                </ul>
              </details>
            ) : undefined
          }
        />
        <form action={cancelCheckoutAction.bind(null, id)} className="mt-6 border-t border-slate-100 pt-4">
          <button className="text-sm text-slate-600 underline">Cancel and return to the cart</button>
        </form>
      </section>
      <aside aria-labelledby="items-h" className="h-fit rounded-2xl bg-white p-5 ring-1 ring-slate-200">
        <h2 id="items-h" className="mb-3 font-semibold">
          Items
        </h2>
        <ItemList items={orderLines(order.items)} totalInPaise={order.amountInPaise} />
      </aside>
    </div>
  );
}

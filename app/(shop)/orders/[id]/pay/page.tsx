import type { Metadata } from "next";
import { cookies, headers } from "next/headers";
import { notFound, redirect } from "next/navigation";
import { QRCodeSVG } from "qrcode.react";
import { PayPanel } from "@/components/pay/PayPanel";
import { env } from "@/lib/env";
import { detectPlatform } from "@/lib/http/platform";
import { upiLinkOf } from "@/lib/plural/upi";
import { formatPaise } from "@/lib/money";
import { ItemList, orderLines } from "@/components/shop/ItemList";
import { OPEN_STATUSES, ownsOrderRow, payPageView } from "@/lib/orders";
import { cancelCheckoutAction, startPaymentAction } from "../../../actions";

export const metadata: Metadata = { title: "Pay with UPI" };

/**
 * Reads only. The payment (and, where checkout could not create it, the Plural order) is started by
 * the panel through startPaymentAction, so loading or reloading this page changes nothing.
 */
export default async function PayPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const view = await payPageView(id);
  // The shopper's only (lib/orders/access/order-access.ts), checked on the row just read.
  if (!view || !ownsOrderRow(view.order, await cookies())) notFound();
  const { order, payment, lastExpired } = view;
  if (!OPEN_STATUSES.has(order.status)) redirect(`/orders/${id}`);
  const platform = detectPlatform((await headers()).get("user-agent"));
  const { sandboxUrl: sandbox, appUrl } = env();
  const link = upiLinkOf(payment);
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
          platform={platform}
          pageUrl={`${appUrl}/orders/${id}/pay`}
          payment={payment}
          lastExpired={lastExpired}
          qr={qr}
          sandbox={sandbox}
          start={startPaymentAction}
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

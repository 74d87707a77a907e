"use client";

import type { ActivePayment } from "@/lib/orders/payments/start-payment";
import { ExpiredNotice } from "./ExpiredNotice";

export function QrPanel(props: {
  payment: ActivePayment | null;
  qr: React.ReactNode;
  pending: boolean;
  /** The mode of the payment that expired, if it did. */
  expired: string | null;
  onStartQr: () => void;
  onUseVpa: () => void;
}) {
  const { payment, pending, expired } = props;
  // A QR payment whose answer was lost has nothing to show yet: the shopper asks for it again.
  const shown = payment?.mode === "QR" && !!props.qr;
  return (
    <div role="tabpanel" id="panel-qr" aria-labelledby="tab-qr" className="flex flex-col items-center gap-3">
      <div className="grid h-[264px] w-[264px] place-items-center rounded-xl bg-white ring-1 ring-slate-200">
        {expired ? (
          <ExpiredNotice mode={expired} pending={pending} onNew={props.onStartQr} />
        ) : shown ? (
          props.qr
        ) : (
          <span className="text-sm text-slate-500">{pending ? "Preparing your QR code…" : "No QR yet"}</span>
        )}
      </div>
      <p className="text-center text-sm text-slate-600">Scan with any UPI app (GPay, PhonePe, Paytm, BHIM…) and approve.</p>
      {!expired && !shown && !pending && (
        <button onClick={props.onStartQr} className="rounded-lg border border-slate-300 px-4 py-2 text-sm font-medium">
          {payment && payment.mode !== "QR" ? "Show a QR code instead" : "Get a QR code"}
        </button>
      )}
      <VpaFallback onUseVpa={props.onUseVpa} />
    </div>
  );
}

/** Collect stays available, as the fallback: a link to the UPI ID tab under the QR and app buttons. */
export function VpaFallback({ onUseVpa }: { onUseVpa: () => void }) {
  return (
    <p className="text-center text-sm text-slate-600">
      Can&apos;t scan or open an app?{" "}
      <button type="button" onClick={onUseVpa} className="text-brand-700 underline">
        Get a request on your UPI ID
      </button>
    </p>
  );
}

"use client";

import type { ActivePayment } from "@/lib/orders/payments/start-payment";
import { formatLeft } from "./useCountdown";

/** The errors, the live status with the countdown, and in sandbox mode a link to the sandbox UPI app. */
export function PayStatusLine(props: {
  error: string;
  /** What the page offers with the error (another way to pay), if anything. */
  offer?: React.ReactNode;
  text: string;
  left: number | null;
  payment: ActivePayment | null;
  expired: string | null;
  sandbox?: string;
}) {
  const { payment, left } = props;
  return (
    <div className="mt-4 space-y-2">
      <p role="alert" className="text-sm text-red-700 empty:hidden" data-testid="pay-error">
        {props.error}
      </p>
      {props.error && props.offer}
      <p aria-live="polite" role="status" className="flex items-center gap-2 text-sm text-slate-700" data-testid="pay-status">
        <span className={`inline-block h-2 w-2 rounded-full ${props.expired ? "bg-slate-400" : "animate-pulse bg-amber-500"}`} aria-hidden="true" />
        {props.expired ? "The payment request expired before it was approved." : props.text}
        {!props.expired && left !== null && payment && (
          // Not expired: time is left (at 0 the panel marks the payment expired).
          <span className="ml-auto whitespace-nowrap tabular-nums text-slate-500">expires in {formatLeft(left)}</span>
        )}
      </p>
      {props.sandbox && payment && !props.expired && (
        <p className="text-sm">
          <a
            className="text-brand-700 underline"
            target="_blank"
            rel="noreferrer"
            href={
              payment.mode === "COLLECT"
                ? `${props.sandbox}/upi?vpa=${encodeURIComponent(payment.payerVpa ?? "")}`
                : `${props.sandbox}/upi?link=${encodeURIComponent(payment.challengeUrl ?? "")}`
            }
          >
            Open this payment in the sandbox UPI app
          </a>
        </p>
      )}
    </div>
  );
}

"use client";

import { useState } from "react";
import type { ActivePayment } from "@/lib/orders/payments/start-payment";
import { isValidVpa } from "@/lib/plural/upi";
import { SandboxHint } from "./SandboxHint";

/** Collect: the shopper's UPI ID, checked as typed; the request itself is sent by the server action. */
export function CollectPanel(props: {
  payment: ActivePayment | null;
  pending: boolean;
  expired: string | null;
  onSend: (vpa: string, onSent: () => void) => void;
  /** Sandbox mode: the sandbox's URL, for a link to its test UPI IDs. */
  sandbox?: string;
}) {
  const { payment, pending } = props;
  const [vpa, setVpa] = useState("");
  const [touched, setTouched] = useState(false);
  const vpaOk = isValidVpa(vpa);
  const invalid = touched && vpa !== "" && !vpaOk;
  const waiting = payment?.mode === "COLLECT" && !props.expired;
  return (
    <div role="tabpanel" id="panel-vpa" aria-labelledby="tab-vpa">
      {waiting ? (
        <div className="space-y-3">
          <p className="text-lg font-medium">Approve the request in your UPI app</p>
          <p className="text-slate-600">
            We sent a payment request to <span className="font-mono">{payment.payerVpa}</span>. Open your UPI app and approve it with your PIN.
          </p>
        </div>
      ) : (
        <p className="text-sm text-slate-600">
          {props.expired === "COLLECT"
            ? "That request has expired. Send a new one, or use a QR code:"
            : "We send a payment request to your UPI ID; you approve it in your UPI app."}
        </p>
      )}
      <form
        className="mt-4 grid gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          setTouched(true);
          if (vpaOk)
            props.onSend(vpa.trim(), () => {
              setVpa("");
              setTouched(false);
            });
        }}
      >
        <label htmlFor="vpa" className="text-sm font-medium">
          {waiting ? "Send to another UPI ID" : "Your UPI ID"}
        </label>
        <input
          id="vpa"
          name="vpa"
          value={vpa}
          onChange={(e) => setVpa(e.target.value)}
          onBlur={() => setTouched(true)}
          autoComplete="off"
          autoCapitalize="none"
          spellCheck={false}
          placeholder="name@bank"
          aria-invalid={invalid ? true : undefined}
          aria-describedby="vpa-help"
          className="rounded-lg border border-slate-300 px-3 py-2 font-mono"
        />
        <p id="vpa-help" className={`text-sm ${invalid ? "text-red-700" : "text-slate-500"}`}>
          {invalid ? "That does not look like a UPI ID (name@bank)." : "For example yourname@okaxis or 9876543210@ybl."}
        </p>
        <button disabled={pending} className="rounded-lg bg-brand-600 px-4 py-2.5 font-medium text-white disabled:opacity-60">
          {pending ? "Sending request…" : "Send payment request"}
        </button>
      </form>
      {props.sandbox && <SandboxHint sandbox={props.sandbox} />}
    </div>
  );
}

"use client";

import { useRouter } from "next/navigation";
import { useEffect, useRef, useState, useTransition } from "react";
import type { Result as ActionResult } from "@/lib/result";
import { isValidVpa } from "@/lib/plural/upi";
import type { ActivePayment, PaymentMode } from "@/lib/orders/payments";
import { useOrderStatus } from "@/components/shop/useOrderStatus";
import { isDecided } from "@/lib/orders/statuses";

type Tab = "qr" | "app" | "vpa";

function useCountdown(until: string | undefined) {
  const [left, setLeft] = useState<number | null>(null);
  useEffect(() => {
    if (!until) return;
    const tick = () => setLeft(Math.max(0, Math.floor((Date.parse(until) - Date.now()) / 1000)));
    tick();
    const t = setInterval(tick, 1000);
    return () => clearInterval(t);
  }, [until]);
  return left;
}

/**
 * The pay page's only interactive part: method switcher, collect form, and the status poller.
 * The QR itself is rendered on the server and passed in.
 */
export function PayPanel(props: {
  orderId: string;
  defaultTab: Tab;
  payment: ActivePayment | null;
  qr: React.ReactNode;
  /** In sandbox mode, where the sandbox is ("/sandbox", or another instance's URL). */
  sandbox?: string;
  sandboxHelp?: React.ReactNode;
  start: (orderId: string, mode: PaymentMode, vpa?: string) => Promise<ActionResult<ActivePayment>>;
}) {
  const router = useRouter();
  const { orderId, payment } = props;
  const [tab, setTab] = useState<Tab>(payment?.mode === "COLLECT" ? "vpa" : props.defaultTab);
  const [error, setError] = useState("");
  const [vpa, setVpa] = useState("");
  const [touched, setTouched] = useState(false);
  const [status, setStatus] = useState("Waiting for your payment…");
  const [pending, startTransition] = useTransition();
  const started = useRef(false);
  const left = useCountdown(payment?.expiresAt);
  const redirecting = !!payment?.challengeUrl && /^https?:\/\//.test(payment.challengeUrl);

  const start = (mode: PaymentMode, payer?: string) =>
    startTransition(async () => {
      setError("");
      const r = await props.start(orderId, mode, payer);
      if (!r.ok) setError(r.error);
      else if (mode === "COLLECT") {
        setVpa("");
        setTouched(false);
      }
      router.refresh();
    });

  // A QR/intent payment is started once, on arrival; a reload reuses it (the server returns the same one).
  useEffect(() => {
    if (!payment && !started.current && tab !== "vpa") {
      started.current = true;
      start("QR");
    }
  });

  // The redirect flow: Plural's challenge_url is a web page, not a UPI link.
  useEffect(() => {
    if (redirecting) window.location.assign(payment!.challengeUrl!);
  }, [redirecting, payment]);

  // Live status: leave for the result page once the order is settled or this payment has failed.
  useOrderStatus(orderId, (s) => {
    const mineFailed = payment && s.payment?.id === payment.id && s.payment.status !== "PENDING";
    if (!isDecided(s.status) && !(s.status === "ATTEMPTED" && mineFailed)) return false;
    // Cancelled: most often by this shopper's own "Cancel" (whose action takes them to the cart), so stay put.
    if (s.status === "CANCELLED") {
      setStatus("This order was cancelled.");
      return true;
    }
    setStatus(s.status === "PROCESSED" || s.status === "AUTHORIZED" ? "Payment received. Taking you to your receipt…" : "The payment did not go through.");
    // A full load, so the root layout (the header's cart count) is rendered afresh too.
    // eslint-disable-next-line @next/next/no-location-assign-relative-destination
    window.location.assign(`/orders/${orderId}`);
    return true;
  });

  const vpaOk = isValidVpa(vpa);
  const tabs: Array<[Tab, string]> = [
    ["qr", "Scan QR"],
    ["app", "Pay with UPI app"],
    ["vpa", "Request on my UPI ID"],
  ];
  const link = payment?.challengeUrl && payment.challengeUrl.startsWith("upi:") ? payment.challengeUrl : undefined;

  return (
    <div>
      <div
        role="tablist"
        aria-label="How to pay"
        className="grid grid-cols-3 gap-1 rounded-xl bg-slate-100 p-1 text-sm"
        onKeyDown={(e) => {
          // The ARIA tabs pattern: arrows move between tabs.
          const i = tabs.findIndex(([id]) => id === tab);
          const next = e.key === "ArrowRight" ? (i + 1) % tabs.length : e.key === "ArrowLeft" ? (i + tabs.length - 1) % tabs.length : -1;
          if (next < 0) return;
          e.preventDefault();
          setTab(tabs[next]![0]);
          document.getElementById(`tab-${tabs[next]![0]}`)?.focus();
        }}
      >
        {tabs.map(([id, label]) => (
          <button
            key={id}
            role="tab"
            id={`tab-${id}`}
            tabIndex={tab === id ? 0 : -1}
            aria-selected={tab === id}
            aria-controls={`panel-${id}`}
            onClick={() => setTab(id)}
            className={`rounded-lg px-2 py-2 font-medium ${tab === id ? "bg-white shadow-sm" : "text-slate-600 hover:text-slate-900"}`}
          >
            {label}
          </button>
        ))}
      </div>

      <div className="mt-5 min-h-[340px]">
        {redirecting ? (
          <p role="status">Taking you to Plural to complete the payment…</p>
        ) : tab === "qr" ? (
          <div role="tabpanel" id="panel-qr" aria-labelledby="tab-qr" className="flex flex-col items-center gap-3">
            <div className="grid h-[264px] w-[264px] place-items-center rounded-xl bg-white ring-1 ring-slate-200">
              {payment?.mode === "QR" ? props.qr : <span className="text-sm text-slate-500">{pending ? "Preparing your QR code…" : "No QR yet"}</span>}
            </div>
            <p className="text-center text-sm text-slate-600">Scan with any UPI app (GPay, PhonePe, Paytm, BHIM…) and approve.</p>
            {payment?.mode !== "QR" && !pending && (
              <button onClick={() => start("QR")} className="rounded-lg border border-slate-300 px-4 py-2 text-sm font-medium">
                Show a QR code instead
              </button>
            )}
          </div>
        ) : tab === "app" ? (
          <div role="tabpanel" id="panel-app" aria-labelledby="tab-app" className="flex flex-col items-center gap-3 text-center">
            {link && payment?.mode === "QR" ? (
              <a href={link} className="w-full rounded-xl bg-brand-600 px-5 py-4 text-lg font-medium text-white hover:bg-brand-700">
                Open my UPI app
              </a>
            ) : (
              <button
                onClick={() => start("QR")}
                disabled={pending}
                className="w-full rounded-xl bg-brand-600 px-5 py-4 text-lg font-medium text-white disabled:opacity-60"
              >
                {pending ? "Preparing…" : "Get a payment link"}
              </button>
            )}
            <p className="text-sm text-slate-600">Your phone asks which UPI app to use. Approve there, then come back: this page updates by itself.</p>
          </div>
        ) : (
          <div role="tabpanel" id="panel-vpa" aria-labelledby="tab-vpa">
            {payment?.mode === "COLLECT" ? (
              <div className="space-y-3">
                <p className="text-lg font-medium">Approve the request in your UPI app</p>
                <p className="text-slate-600">
                  We sent a payment request to <span className="font-mono">{payment.payerVpa}</span>. Open your UPI app and approve it with your PIN.
                </p>
              </div>
            ) : null}
            <form
              className="mt-4 grid gap-2"
              onSubmit={(e) => {
                e.preventDefault();
                setTouched(true);
                if (vpaOk) start("COLLECT", vpa.trim());
              }}
            >
              <label htmlFor="vpa" className="text-sm font-medium">
                {payment?.mode === "COLLECT" ? "Send to another UPI ID" : "Your UPI ID"}
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
                aria-invalid={touched && vpa !== "" && !vpaOk ? true : undefined}
                aria-describedby="vpa-help"
                className="rounded-lg border border-slate-300 px-3 py-2 font-mono"
              />
              <p id="vpa-help" className={`text-sm ${touched && vpa !== "" && !vpaOk ? "text-red-700" : "text-slate-500"}`}>
                {touched && vpa !== "" && !vpaOk ? "That does not look like a UPI ID (name@bank)." : "For example yourname@okaxis or 9876543210@ybl."}
              </p>
              <button disabled={pending} className="rounded-lg bg-brand-600 px-4 py-2.5 font-medium text-white disabled:opacity-60">
                {pending ? "Sending request…" : "Send payment request"}
              </button>
            </form>
            {props.sandboxHelp}
          </div>
        )}
      </div>

      <div className="mt-4 space-y-2">
        <p role="alert" className="text-sm text-red-700 empty:hidden">
          {error}
        </p>
        <p aria-live="polite" role="status" className="flex items-center gap-2 text-sm text-slate-700" data-testid="pay-status">
          <span className="inline-block h-2 w-2 animate-pulse rounded-full bg-amber-500" aria-hidden="true" />
          {status}
          {left !== null && payment && (
            <span className="ml-auto tabular-nums text-slate-500">
              {left > 0 ? `expires in ${Math.floor(left / 60)}:${String(left % 60).padStart(2, "0")}` : "request expired"}
            </span>
          )}
        </p>
        {props.sandbox && payment && (
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
    </div>
  );
}

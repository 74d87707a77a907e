"use client";

import { useCallback, useEffect, useState } from "react";
import type { ActivePayment } from "@/lib/orders/payments/start-payment";
import type { Platform } from "@/lib/plural/upi";
import { AppPanel } from "./AppPanel";
import { CollectPanel } from "./CollectPanel";
import { InAppBrowserNotice } from "./InAppBrowserNotice";
import { MethodTabs, type Tab } from "./MethodTabs";
import { PayStatusLine } from "./PayStatusLine";
import { QrPanel } from "./QrPanel";
import { useCountdown } from "./useCountdown";
import { usePaymentStart, useStartOnce, type StartPayment } from "./usePaymentStart";
import { isRedirect, usePayStatus } from "./usePayStatus";

/** The tab a shopper sees first: the app buttons on a phone's own browser, the QR elsewhere. */
function defaultTab(platform: Platform, payment: ActivePayment | null, lastExpired: string | null): Tab {
  if ((payment?.mode ?? lastExpired) === "COLLECT") return "vpa";
  return platform.os !== "desktop" && !platform.inAppBrowser ? "app" : "qr";
}

/**
 * The pay page's interactive part: the in-app-browser notice, the method tabs and their panels, the
 * status line. The QR itself is rendered on the server and passed in; the device (`platform`) is
 * detected on the server from the User-Agent (lib/http/platform.ts).
 */
export function PayPanel(props: {
  orderId: string;
  platform: Platform;
  /** This page's absolute URL, for "open in your browser". */
  pageUrl: string;
  payment: ActivePayment | null;
  /** The mode of the order's last payment if it ran out of time: offer a new one rather than starting one unasked. */
  lastExpired: string | null;
  qr: React.ReactNode;
  /** In sandbox mode, where the sandbox is ("/sandbox", or another instance's URL). */
  sandbox?: string;
  start: StartPayment;
}) {
  const { orderId, payment, platform } = props;
  const [tab, setTab] = useState<Tab>(() => defaultTab(platform, payment, props.lastExpired));
  const { begin, pending, error, offer } = usePaymentStart(orderId, props.start);
  const left = useCountdown(payment?.expiresAt);
  const { text, expiredId } = usePayStatus(orderId, payment);
  const expired = payment ? (expiredId === payment.id || left === 0 ? payment.mode : null) : props.lastExpired;
  const redirecting = isRedirect(payment);

  const startQr = useCallback(() => begin("QR"), [begin]);
  // A QR/intent payment is started on arrival, unless the last one expired (then the shopper asks for a new one).
  useStartOnce(!payment && !props.lastExpired && tab !== "vpa", startQr);

  useEffect(() => {
    if (redirecting) window.location.assign(payment!.challengeUrl!);
  }, [redirecting, payment]);

  const showVpa = () => {
    setTab("vpa");
    document.getElementById("tab-vpa")?.focus();
  };

  return (
    <div>
      {platform.inAppBrowser && <InAppBrowserNotice platform={platform} pageUrl={props.pageUrl} />}
      <MethodTabs tab={tab} onChange={setTab} />
      <div className="mt-5 min-h-[340px]">
        {redirecting ? (
          <p role="status">Taking you to Plural to complete the payment…</p>
        ) : tab === "qr" ? (
          <QrPanel payment={payment} qr={props.qr} pending={pending} expired={expired} onStartQr={startQr} onUseVpa={showVpa} />
        ) : tab === "app" ? (
          <AppPanel
            platform={platform}
            payment={payment}
            pending={pending}
            expired={expired}
            onStartQr={startQr}
            onShowQr={() => setTab("qr")}
            onUseVpa={showVpa}
          />
        ) : (
          <CollectPanel payment={payment} pending={pending} expired={expired} onSend={(vpa, sent) => begin("COLLECT", vpa, sent)} sandbox={props.sandbox} />
        )}
      </div>
      <PayStatusLine
        error={error}
        offer={
          offer === "use_qr" && tab !== "qr" ? (
            <button
              type="button"
              className="rounded-lg border border-slate-300 px-3 py-1.5 text-sm font-medium"
              onClick={() => {
                setTab("qr");
                if (payment?.mode !== "QR") startQr();
              }}
            >
              Use the QR code instead
            </button>
          ) : offer === "use_vpa" && tab !== "vpa" ? (
            <button type="button" className="rounded-lg border border-slate-300 px-3 py-1.5 text-sm font-medium" onClick={showVpa}>
              Get a request on my UPI ID instead
            </button>
          ) : null
        }
        text={text}
        left={left}
        payment={payment}
        expired={expired}
        sandbox={props.sandbox}
      />
    </div>
  );
}

"use client";

import type { ActivePayment } from "@/lib/orders/payments/start-payment";
import { appLinks, type Platform, upiLinkOf } from "@/lib/plural/upi";
import { ExpiredNotice } from "./ExpiredNotice";
import { VpaFallback } from "./QrPanel";

const BIG = "block w-full rounded-xl bg-brand-600 px-5 py-4 text-center text-lg font-medium text-white hover:bg-brand-700";
const APP = "block rounded-lg border border-slate-300 bg-white px-3 py-3 text-center font-medium hover:border-brand-600";

/**
 * The button that works on this device (the UPI link is Plural's `challenge_url`, lib/plural/upi.ts):
 * - Android: the system chooser (`upi://pay?…`), then one button per common app (an intent to its package);
 * - iOS, which has no chooser: one button per app, each with the app's own scheme, then `upi://` for any other;
 * - a desktop: no UPI app can open there, so it says how to pay from a phone instead.
 */
export function AppPanel(props: {
  platform: Platform;
  payment: ActivePayment | null;
  pending: boolean;
  /** The mode of the payment that expired, if it did. */
  expired: string | null;
  onStartQr: () => void;
  onShowQr: () => void;
  onUseVpa: () => void;
}) {
  const { platform, payment, pending, expired } = props;
  const link = payment?.mode === "QR" ? upiLinkOf(payment) : undefined;

  if (platform.os === "desktop") {
    return (
      <div role="tabpanel" id="panel-app" aria-labelledby="tab-app" className="flex flex-col items-center gap-3 text-center" data-testid="app-on-phone">
        <p className="text-lg font-medium">UPI apps open on a phone</p>
        <p className="text-slate-600">
          Scan the QR code with your phone&apos;s UPI app, or open this page on your phone to pay with the app there. This page updates by itself once you have
          paid.
        </p>
        <button onClick={props.onShowQr} className="rounded-lg border border-slate-300 px-4 py-2 text-sm font-medium">
          Show the QR code
        </button>
        <VpaFallback onUseVpa={props.onUseVpa} />
      </div>
    );
  }

  const apps = link ? appLinks(link, platform.os) : [];
  return (
    <div role="tabpanel" id="panel-app" aria-labelledby="tab-app" className="flex flex-col gap-3">
      {expired ? (
        <ExpiredNotice mode={expired} pending={pending} onNew={props.onStartQr} />
      ) : !link ? (
        <button onClick={props.onStartQr} disabled={pending} className={`${BIG} disabled:opacity-60`}>
          {pending ? "Preparing…" : "Get a payment link"}
        </button>
      ) : platform.os === "android" ? (
        <>
          <a href={link} className={BIG} data-testid="upi-chooser">
            Open my UPI app
          </a>
          <p className="text-center text-sm text-slate-600">Your phone asks which UPI app to use. Or open one directly:</p>
          <AppGrid apps={apps} />
        </>
      ) : (
        <>
          <p className="text-center font-medium">Choose your UPI app</p>
          <AppGrid apps={apps} />
          <a href={link} className="text-center text-sm text-brand-700 underline" data-testid="upi-any-app">
            Another UPI app
          </a>
        </>
      )}
      <p className="text-center text-sm text-slate-600">Approve the payment there, then come back: this page updates by itself.</p>
      <VpaFallback onUseVpa={props.onUseVpa} />
    </div>
  );
}

function AppGrid({ apps }: { apps: ReturnType<typeof appLinks> }) {
  return (
    <ul className="grid grid-cols-2 gap-2 sm:grid-cols-3" aria-label="UPI apps">
      {apps.map(({ app, href }) => (
        <li key={app.id}>
          <a href={href} className={APP} data-app={app.id}>
            {app.name}
          </a>
        </li>
      ))}
    </ul>
  );
}

"use client";

import { useState } from "react";
import { openInChromeLink, type Platform } from "@/lib/plural/upi";

/**
 * In an app's built-in browser (Instagram, Facebook, WhatsApp…) a `upi://` link is often swallowed.
 * The way out: this page in the phone's own browser (on Android an intent to Chrome; on iOS the app's
 * "Open in Safari" menu), the link to copy, or the QR from another phone.
 */
export function InAppBrowserNotice({ platform, pageUrl }: { platform: Platform; pageUrl: string }) {
  const [copied, setCopied] = useState<"" | "copied" | "failed">("");
  const chrome = platform.os === "android" ? openInChromeLink(pageUrl) : undefined;
  const browser = platform.os === "ios" ? "Safari" : "Chrome";
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(pageUrl);
      setCopied("copied");
    } catch {
      setCopied("failed");
    }
  };
  return (
    <section aria-labelledby="in-app-h" className="mb-5 rounded-xl bg-amber-50 p-4 ring-1 ring-amber-200" data-testid="in-app-notice">
      <h2 id="in-app-h" className="font-semibold text-amber-950">
        Open this page in {browser} to pay with a UPI app
      </h2>
      <p className="mt-1 text-sm text-amber-950">
        {platform.inApp ? `${platform.inApp}'s` : "This app's"} built-in browser often cannot open UPI apps.{" "}
        {platform.os === "ios"
          ? "Tap the ⋯ or share button, then “Open in Safari” (or “Open in external browser”)."
          : "Open the page in Chrome, or tap ⋮ and choose “Open in browser”."}{" "}
        Or copy the link and paste it into your browser.
      </p>
      <div className="mt-3 flex flex-wrap items-center gap-2">
        {chrome && (
          <a href={chrome} className="rounded-lg bg-brand-600 px-4 py-2 font-medium text-white" data-testid="open-in-chrome">
            Open in Chrome
          </a>
        )}
        <button type="button" onClick={copy} className="rounded-lg border border-amber-300 bg-white px-4 py-2 font-medium text-amber-950">
          Copy link
        </button>
        <span role="status" className="text-sm text-amber-950">
          {copied === "copied" ? "Link copied. Paste it into your browser." : ""}
        </span>
      </div>
      {copied === "failed" && (
        <label className="mt-2 block text-sm text-amber-950">
          Copy this link:
          <input
            readOnly
            value={pageUrl}
            onFocus={(e) => e.currentTarget.select()}
            className="mt-1 block w-full rounded border border-amber-300 bg-white px-2 py-1 font-mono"
          />
        </label>
      )}
      <p className="mt-3 text-sm text-amber-950">
        You can also scan the QR code below from another phone, or save a screenshot of it and open that from your UPI app&apos;s scanner.
      </p>
    </section>
  );
}

import { LIMITS } from "./constants";

/** True for a plausible UPI ID (`user@psp`), as NPCI defines it. */
export function isValidVpa(vpa: string): boolean {
  return LIMITS.vpa.test(vpa.trim());
}

/** Paise → "1234.50", the `am` parameter of a UPI link. */
export function paiseToUpiAmount(paise: number): string {
  if (!Number.isSafeInteger(paise) || paise < 0) throw new RangeError("amount must be a non-negative integer number of paise");
  return `${Math.floor(paise / 100)}.${String(paise % 100).padStart(2, "0")}`;
}

/** "1234.5" / "1234.50" / "1234" → paise, or undefined when not a valid amount. */
export function upiAmountToPaise(am: string): number | undefined {
  const m = /^(\d{1,9})(?:\.(\d{1,2}))?$/.exec(am);
  if (!m) return undefined;
  return Number(m[1]) * 100 + Number((m[2] ?? "0").padEnd(2, "0"));
}

export type UpiLink = {
  /** Payee VPA */
  pa: string;
  /** Payee name */
  pn: string;
  amountInPaise: number;
  /** Transaction reference */
  tr: string;
  /** Note */
  tn?: string;
  mc?: string;
  mode?: string;
  cu?: string;
};

/** Percent-encodes, but leaves "@" as is: the documented links carry `pa=name@bank` literally. */
const enc = (s: string) => encodeURIComponent(s).replaceAll("%40", "@");

/** `upi://pay?mode=04&pa=…&pn=…&mc=6012&cu=INR&am=1.00&tr=…&tn=…`, the documented order (NPCI's UPI linking specification). */
export function buildUpiLink(l: UpiLink): string {
  const parts = [
    `mode=${enc(l.mode ?? "04")}`,
    `pa=${enc(l.pa)}`,
    `pn=${enc(l.pn)}`,
    `mc=${enc(l.mc ?? "6012")}`,
    `cu=${enc(l.cu ?? "INR")}`,
    `am=${paiseToUpiAmount(l.amountInPaise)}`,
    `tr=${enc(l.tr)}`,
  ];
  if (l.tn) parts.push(`tn=${enc(l.tn)}`);
  return `upi://pay?${parts.join("&")}`;
}

/** Parses a `upi://pay` link; undefined when it is not one or lacks payee or amount. */
export function parseUpiLink(link: string): (UpiLink & { params: Record<string, string> }) | undefined {
  let url: URL;
  try {
    url = new URL(link);
  } catch {
    return undefined;
  }
  if (url.protocol !== "upi:" || !/^\/*pay$/i.test(url.host + url.pathname)) return undefined;
  const params = Object.fromEntries(url.searchParams.entries());
  const amountInPaise = params.am !== undefined ? upiAmountToPaise(params.am) : undefined;
  if (!params.pa || amountInPaise === undefined) return undefined;
  return {
    pa: params.pa,
    pn: params.pn ?? "",
    amountInPaise,
    tr: params.tr ?? "",
    tn: params.tn,
    mc: params.mc,
    mode: params.mode,
    cu: params.cu ?? "INR",
    params,
  };
}

/**
 * The shopper's device, as the pay page needs it: which button can open a UPI app there. Computed on
 * the server from the User-Agent (lib/http/platform.ts) and passed to the client as a prop.
 */
export type Platform = {
  os: "android" | "ios" | "desktop";
  /** A WebView inside another app (Instagram, Facebook, LinkedIn, WhatsApp…), which often swallows `upi://` links. */
  inAppBrowser: boolean;
  /** The app hosting that WebView, when known ("Instagram"), for the "open in your browser" text. */
  inApp?: string;
};

export type UpiApp = {
  id: "gpay" | "phonepe" | "paytm" | "bhim" | "cred" | "amazonpay";
  name: string;
  /** iOS: the app's own scheme, replacing `upi://pay?`; the query string is kept as it is. */
  iosPrefix: string;
  /** Android: the app's package, to send the `upi://pay` intent to it rather than to the chooser. */
  androidPackage: string;
};

/**
 * The common UPI apps and how to open each one directly.
 *
 * iOS has no app chooser: a plain `upi://pay?…` opens whichever UPI app iOS picks, or nothing. So each
 * app is opened by its own scheme, with Plural's `challenge_url` query unchanged. Sources (all
 * third-party; Plural documents none):
 * - Google Pay `gpay://upi/pay?`: Google's own page (developers.google.com/pay/india/api/ios/in-app-payments,
 *   "add gpay:// at the beginning of the URI"). `tez://upi/pay?` (Cybrilla, Razorpay, flutter_pay_upi) is
 *   the older name and also in use; we follow Google.
 * - PhonePe `phonepe://pay?`: Cybrilla, Razorpay, flutter_pay_upi. (`ppe://` is PhonePe's own PG only.)
 * - Paytm `paytmmp://pay?`: Cybrilla, Razorpay, PayU. Conflict: flutter_pay_upi uses `paytm://pay`.
 * - BHIM `bhim://pay?`: Cybrilla, Razorpay (flutter_pay_upi writes `BHIM://`; schemes are case-insensitive).
 * - CRED `credpay://upi/pay?`: Cybrilla, Razorpay, upi_intent_cred.
 * - Amazon Pay `amazonpay://upi/pay?`: Cybrilla, Razorpay. Conflict: flutter_pay_upi uses `amazonToAlipay://pay`.
 * Cybrilla's advice stands: "Please test and verify before using in production."
 *
 * Android packages are the apps' Play Store ids (the `id=` of each app's Play Store page; the reference
 * has no list). On Android the plain `upi://pay` link already opens the system chooser; these buttons
 * let a shopper who made one app the default still pick another.
 */
export const UPI_APPS: readonly UpiApp[] = [
  { id: "gpay", name: "Google Pay", iosPrefix: "gpay://upi/pay?", androidPackage: "com.google.android.apps.nbu.paisa.user" },
  { id: "phonepe", name: "PhonePe", iosPrefix: "phonepe://pay?", androidPackage: "com.phonepe.app" },
  { id: "paytm", name: "Paytm", iosPrefix: "paytmmp://pay?", androidPackage: "net.one97.paytm" },
  { id: "bhim", name: "BHIM", iosPrefix: "bhim://pay?", androidPackage: "in.org.npci.upiapp" },
  { id: "cred", name: "CRED", iosPrefix: "credpay://upi/pay?", androidPackage: "com.dreamplug.androidapp" },
  { id: "amazonpay", name: "Amazon Pay", iosPrefix: "amazonpay://upi/pay?", androidPackage: "in.amazon.mShop.android.shopping" },
];

const UPI_PAY_PREFIX = /^upi:\/\/pay\?/i;

/** A payment's UPI link: Plural's challenge_url when it is one (in the redirect flow it is a web page instead). */
export function upiLinkOf(payment: { challengeUrl: string | null } | null | undefined): string | undefined {
  return payment?.challengeUrl?.startsWith("upi:") ? payment.challengeUrl : undefined;
}

/** The query of a `upi://pay?…` link (everything after `?`), or undefined when it is not one. */
export function upiQuery(link: string): string | undefined {
  return UPI_PAY_PREFIX.test(link) ? link.replace(UPI_PAY_PREFIX, "") : undefined;
}

/** iOS: the link that opens `app` directly, the same query behind the app's own scheme. */
export function iosAppLink(link: string, app: UpiApp): string | undefined {
  const q = upiQuery(link);
  return q === undefined ? undefined : iosHref(q, app);
}
const iosHref = (query: string, app: UpiApp) => `${app.iosPrefix}${query}`;

/**
 * Android: an `intent://` URL that hands the same `upi://pay` link to one app (Chrome, Samsung Internet
 * and Firefox for Android understand this syntax; developer.chrome.com/docs/android/intents). For the
 * chooser itself we keep the plain `upi://pay?…` link: every Android browser hands it to the system,
 * which shows the chooser unless the shopper made one app the default, and an `intent://` without a
 * package opens the same chooser only in Chrome-family browsers, so it buys nothing. Where the named
 * app is not installed, Chrome offers it in the Play Store (no `S.browser_fallback_url`: the page
 * itself, with its QR and the chooser, is the fallback).
 */
const androidHref = (query: string, app: UpiApp) => `intent://pay?${query}#Intent;scheme=upi;package=${app.androidPackage};end`;

/** The per-app buttons for the device: iOS schemes, Android intents, none on a desktop. */
export function appLinks(link: string, os: Platform["os"]): Array<{ app: UpiApp; href: string }> {
  const q = upiQuery(link);
  if (os === "desktop" || q === undefined) return [];
  return UPI_APPS.map((app) => ({ app, href: os === "ios" ? iosHref(q, app) : androidHref(q, app) }));
}

/**
 * Android, from an in-app browser: the same page in Chrome (an `intent://` with Chrome's package; where
 * Chrome is missing, Android offers it in the Play Store). Only for http(s) pages.
 */
export function openInChromeLink(pageUrl: string): string | undefined {
  let u: URL;
  try {
    u = new URL(pageUrl);
  } catch {
    return undefined;
  }
  if (u.protocol !== "https:" && u.protocol !== "http:") return undefined;
  return `intent://${u.host}${u.pathname}${u.search}#Intent;scheme=${u.protocol.slice(0, -1)};package=com.android.chrome;end`;
}

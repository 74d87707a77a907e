import UAParser from "ua-parser-js";
import type { Platform } from "@/lib/plural/upi";

/**
 * The shopper's device from the User-Agent, on the server, for the pay page's buttons.
 *
 * ua-parser-js 1.x (MIT) rather than hand-written regexes: it is maintained, knows the in-app browsers
 * by their UA tokens (Instagram, FBAN/FBAV, [LinkedInApp], Android's `; wv)` WebView marker…) and
 * Chrome on iOS (CriOS) as iOS. Version 2 changed its licence to AGPL-3.0, so we stay on 1.x; bowser
 * (MIT) does not name the in-app browsers.
 *
 * iPadOS Safari sends a Mac user agent, so an iPad is taken for a desktop (QR first); its app tab still
 * says how to pay from a phone.
 */
const IN_APP_BROWSERS = new Set([
  "Instagram",
  "Facebook",
  "LinkedIn",
  "Snapchat",
  "TikTok",
  "Line",
  "WeChat",
  "KakaoTalk",
  "Twitter",
  "Chrome WebView", // any Android WebView: WhatsApp, Telegram, Gmail's and most other apps' link viewers
  "WebKit", // iOS: a bare WKWebView (no "Safari" token)
]);

export function detectPlatform(userAgent: string | null | undefined): Platform {
  const r = new UAParser(userAgent ?? "").getResult();
  const osName = r.os.name ?? "";
  const os: Platform["os"] = osName === "Android" ? "android" : osName === "iOS" ? "ios" : "desktop";
  const browser = r.browser.name ?? "";
  // WhatsApp's Android WebView names itself after the WebView marker; say which app when the UA does.
  const named = /\bWhatsApp\b/i.test(userAgent ?? "") ? "WhatsApp" : browser;
  const inAppBrowser = os !== "desktop" && IN_APP_BROWSERS.has(browser);
  return inAppBrowser ? { os, inAppBrowser, ...(named !== "Chrome WebView" && named !== "WebKit" ? { inApp: named } : {}) } : { os, inAppBrowser };
}

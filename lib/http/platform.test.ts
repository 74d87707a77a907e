import { describe, expect, it } from "vitest";
import { detectPlatform } from "./platform";

/** Real user agents, as these browsers send them. */
const UA = {
  iphoneSafari: "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
  iphoneChrome:
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/126.0.6478.54 Mobile/15E148 Safari/604.1",
  androidChrome: "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36",
  instagramAndroid:
    "Mozilla/5.0 (Linux; Android 13; SM-S918B Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/120.0.6099.144 Mobile Safari/537.36 Instagram 312.1.0.34.111 Android (33/13; 450dpi; 1080x2340; samsung; SM-S918B; dm3q; qcom; en_IN; 548323757)",
  instagramIos:
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Instagram 309.1.1.28.108 (iPhone14,5; iOS 17_1_2; en_IN; en; scale=3.00; 1170x2532; 537288532)",
  facebookAndroid:
    "Mozilla/5.0 (Linux; Android 14; Pixel 8 Build/AP1A.240505.005; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/125.0.6422.165 Mobile Safari/537.36 [FB_IAB/FB4A;FBAV/466.0.0.51.109;]",
  facebookIos:
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [FBAN/FBIOS;FBAV/469.0.0.38.106;FBBV/611547925;FBDV/iPhone15,2;FBMD/iPhone;FBSN/iOS;FBSV/17.5;FBSS/3;FBID/phone;FBLC/en_US;FBOP/5;FBRV/613316379]",
  whatsappAndroid:
    "Mozilla/5.0 (Linux; Android 12; SM-A525F Build/SP1A.210812.016; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/119.0.6045.163 Mobile Safari/537.36 WhatsApp/2.23.24.76",
  linkedinAndroid:
    "Mozilla/5.0 (Linux; Android 13; Pixel 6 Build/TQ3A.230901.001; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/117.0.0.0 Mobile Safari/537.36 [LinkedInApp]/9.27.3003",
  desktopChrome: "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36",
  desktopFirefox: "Mozilla/5.0 (X11; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0",
};

describe("detectPlatform", () => {
  it("iPhone Safari and Chrome on iOS (CriOS) are iOS browsers", () => {
    expect(detectPlatform(UA.iphoneSafari)).toEqual({ os: "ios", inAppBrowser: false });
    expect(detectPlatform(UA.iphoneChrome)).toEqual({ os: "ios", inAppBrowser: false });
  });

  it("Chrome on Android is an Android browser", () => {
    expect(detectPlatform(UA.androidChrome)).toEqual({ os: "android", inAppBrowser: false });
  });

  it("names the in-app browsers of Instagram, Facebook, WhatsApp and LinkedIn", () => {
    expect(detectPlatform(UA.instagramAndroid)).toEqual({ os: "android", inAppBrowser: true, inApp: "Instagram" });
    expect(detectPlatform(UA.instagramIos)).toEqual({ os: "ios", inAppBrowser: true, inApp: "Instagram" });
    expect(detectPlatform(UA.facebookAndroid)).toEqual({ os: "android", inAppBrowser: true, inApp: "Facebook" });
    expect(detectPlatform(UA.facebookIos)).toEqual({ os: "ios", inAppBrowser: true, inApp: "Facebook" });
    expect(detectPlatform(UA.whatsappAndroid)).toEqual({ os: "android", inAppBrowser: true, inApp: "WhatsApp" });
    expect(detectPlatform(UA.linkedinAndroid)).toEqual({ os: "android", inAppBrowser: true, inApp: "LinkedIn" });
  });

  it("an unnamed WebView is still an in-app browser", () => {
    const wv = UA.linkedinAndroid.replace(" [LinkedInApp]/9.27.3003", "");
    expect(detectPlatform(wv)).toEqual({ os: "android", inAppBrowser: true });
    const wk = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148";
    expect(detectPlatform(wk)).toEqual({ os: "ios", inAppBrowser: true });
  });

  it("desktop Chrome and Firefox, and no user agent at all, are desktops", () => {
    expect(detectPlatform(UA.desktopChrome)).toEqual({ os: "desktop", inAppBrowser: false });
    expect(detectPlatform(UA.desktopFirefox)).toEqual({ os: "desktop", inAppBrowser: false });
    expect(detectPlatform(null)).toEqual({ os: "desktop", inAppBrowser: false });
    expect(detectPlatform("")).toEqual({ os: "desktop", inAppBrowser: false });
  });
});

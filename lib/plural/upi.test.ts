import { describe, expect, it } from "vitest";
import {
  appLinks,
  buildUpiLink,
  iosAppLink,
  isValidVpa,
  openInChromeLink,
  paiseToUpiAmount,
  parseUpiLink,
  upiAmountToPaise,
  upiLinkOf,
  upiQuery,
  UPI_APPS,
} from "./upi";

describe("UPI links", () => {
  it("formats paise as rupees with two decimals", () => {
    expect(paiseToUpiAmount(100)).toBe("1.00");
    expect(paiseToUpiAmount(1)).toBe("0.01");
    expect(paiseToUpiAmount(123456)).toBe("1234.56");
    expect(paiseToUpiAmount(100_000_000)).toBe("1000000.00");
    expect(() => paiseToUpiAmount(1.5)).toThrow();
    expect(() => paiseToUpiAmount(-1)).toThrow();
  });

  it("parses amounts back to paise exactly", () => {
    expect(upiAmountToPaise("1.00")).toBe(100);
    expect(upiAmountToPaise("0.1")).toBe(10);
    expect(upiAmountToPaise("12")).toBe(1200);
    expect(upiAmountToPaise("1234.56")).toBe(123456);
    for (const bad of ["", "1.234", "-1", "1e3", "abc", "1,00"]) expect(upiAmountToPaise(bad)).toBeUndefined();
  });

  it("builds the documented link and parses it back", () => {
    const link = buildUpiLink({ pa: "pinelabs.24092@hdfcbank", pn: "Pine Test", amountInPaise: 100, tr: "68706", tn: "Payment for v1" });
    expect(link).toBe("upi://pay?mode=04&pa=pinelabs.24092@hdfcbank&pn=Pine%20Test&mc=6012&cu=INR&am=1.00&tr=68706&tn=Payment%20for%20v1");
    expect(parseUpiLink(link)).toMatchObject({
      pa: "pinelabs.24092@hdfcbank",
      pn: "Pine Test",
      amountInPaise: 100,
      tr: "68706",
      tn: "Payment for v1",
      mc: "6012",
      cu: "INR",
    });
  });

  it("parses the link exactly as Plural documents it", () => {
    const doc = "upi://pay?mode=04&pa=pinelabs.24092@hdfcbank&pn=Pine%20Test&mc=6012&cu=INR&am=1.00&tr=68706&tn=Payment%20for%20v1";
    expect(parseUpiLink(doc)).toMatchObject({ pa: "pinelabs.24092@hdfcbank", amountInPaise: 100, tr: "68706" });
  });

  it("rejects what is not a payable UPI link", () => {
    for (const bad of [
      "https://example.com/pay?pa=a@b&am=1",
      "upi://mandate?pa=a@bank&am=1.00",
      "upi://pay?am=1.00",
      "upi://pay?pa=x@bank&am=abc",
      "not a url",
    ]) {
      expect(parseUpiLink(bad)).toBeUndefined();
    }
  });
});

describe("a payment's UPI link", () => {
  it("is Plural's challenge_url when that is a upi: link, and nothing in the redirect flow or before a payment", () => {
    expect(upiLinkOf({ challengeUrl: "upi://pay?pa=m@pine&am=349.00" })).toBe("upi://pay?pa=m@pine&am=349.00");
    expect(upiLinkOf({ challengeUrl: "https://pay.pinelabs.com/redirect/abc" })).toBeUndefined();
    expect(upiLinkOf({ challengeUrl: null })).toBeUndefined();
    expect(upiLinkOf(null)).toBeUndefined();
  });
});

describe("VPA check", () => {
  it("accepts real-looking handles, including the docs' dotted sample", () => {
    for (const v of ["kevin.bob@examplebank.com", "success@upi", "98765-43210@ybl", "a_b@okicici", " user@paytm "]) expect(isValidVpa(v)).toBe(true);
  });
  it("rejects malformed ones", () => {
    for (const v of ["", "user", "@bank", "u@b", "user@", "us er@bank", "user@@bank", "user@1bank", "x".repeat(257) + "@bank"])
      expect(isValidVpa(v)).toBe(false);
  });
});

describe("the button that opens a UPI app", () => {
  const link = buildUpiLink({ pa: "store@pinelabs", pn: "Plural UPI Store", amountInPaise: 69800, tr: "ord_1_p1", tn: "Order 1" });
  const query = link.slice("upi://pay?".length);

  it("iOS: each app's own scheme with the same query", () => {
    const links = appLinks(link, "ios");
    expect(links.map((l) => l.href)).toEqual([
      `gpay://upi/pay?${query}`,
      `phonepe://pay?${query}`,
      `paytmmp://pay?${query}`,
      `bhim://pay?${query}`,
      `credpay://upi/pay?${query}`,
      `amazonpay://upi/pay?${query}`,
    ]);
    // The swapped link still carries exactly the parameters Plural gave.
    for (const { href } of links) expect(new URL(href).search).toBe(new URL(link).search);
    expect(iosAppLink(link, UPI_APPS[0]!)).toBe(`gpay://upi/pay?${query}`);
  });

  it("Android: an intent per app, to the app's package, with the upi scheme and the same query", () => {
    const links = appLinks(link, "android");
    expect(links).toHaveLength(UPI_APPS.length);
    expect(links[1]!.href).toBe(`intent://pay?${query}#Intent;scheme=upi;package=com.phonepe.app;end`);
    for (const { href, app } of links) {
      expect(href.startsWith(`intent://pay?${query}#Intent;`)).toBe(true);
      expect(href.endsWith(`;package=${app.androidPackage};end`)).toBe(true);
    }
  });

  it("no app buttons on a desktop, and none for a link that is not upi://pay", () => {
    expect(appLinks(link, "desktop")).toEqual([]);
    expect(appLinks("https://pay.example/checkout?x=1", "ios")).toEqual([]);
    expect(upiQuery("UPI://PAY?pa=a@b&am=1.00")).toBe("pa=a@b&am=1.00");
    expect(upiQuery("upi://mandate?pa=a@b")).toBeUndefined();
  });

  it("opens this page in Chrome from an Android in-app browser", () => {
    expect(openInChromeLink("https://shop.example/orders/abc/pay?x=1")).toBe(
      "intent://shop.example/orders/abc/pay?x=1#Intent;scheme=https;package=com.android.chrome;end",
    );
    expect(openInChromeLink("http://127.0.0.1:4100/orders/abc/pay")).toBe(
      "intent://127.0.0.1:4100/orders/abc/pay#Intent;scheme=http;package=com.android.chrome;end",
    );
    expect(openInChromeLink("javascript:alert(1)")).toBeUndefined();
    expect(openInChromeLink("not a url")).toBeUndefined();
  });
});

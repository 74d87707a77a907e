import { describe, expect, it } from "vitest";
import { buildUpiLink, isValidVpa, paiseToUpiAmount, parseUpiLink, upiAmountToPaise } from "./upi";

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

describe("VPA check", () => {
  it("accepts real-looking handles, including the docs' dotted sample", () => {
    for (const v of ["kevin.bob@examplebank.com", "success@upi", "98765-43210@ybl", "a_b@okicici", " user@paytm "]) expect(isValidVpa(v)).toBe(true);
  });
  it("rejects malformed ones", () => {
    for (const v of ["", "user", "@bank", "u@b", "user@", "us er@bank", "user@@bank", "user@1bank", "x".repeat(257) + "@bank"])
      expect(isValidVpa(v)).toBe(false);
  });
});

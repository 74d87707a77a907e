import { describe, expect, it } from "vitest";
import { lastPaymentExpired, PAYMENT_WINDOW_MS } from "./start-payment";

const at = (ms: number) => new Date(ms);
type Row = Parameters<typeof lastPaymentExpired>[0][number];
const row = (over: Partial<Row>): Row => ({
  id: "p",
  upiMode: "QR",
  challengeUrl: null,
  imageUrl: null,
  payerVpa: null,
  createdAt: at(0),
  status: "PENDING",
  pluralPaymentId: "pp",
  errorCode: null,
  ...over,
});

describe("lastPaymentExpired: what the pay page says about the order's last payment", () => {
  it("a pending payment past its window has expired, in its own mode", () => {
    expect(lastPaymentExpired([row({})], PAYMENT_WINDOW_MS - 1)).toBeNull();
    expect(lastPaymentExpired([row({})], PAYMENT_WINDOW_MS + 1)).toBe("QR");
    expect(lastPaymentExpired([row({ upiMode: "COLLECT" })], PAYMENT_WINDOW_MS + 1)).toBe("COLLECT");
  });

  it("Plural's PAYMENT_EXPIRED counts; a decline or a newer payment does not", () => {
    expect(lastPaymentExpired([row({ status: "FAILED", errorCode: "PAYMENT_EXPIRED" })], 1)).toBe("QR");
    expect(lastPaymentExpired([row({ status: "FAILED", errorCode: "PAYMENT_DECLINED" })], 1)).toBeNull();
    const older = row({ id: "a", status: "FAILED", errorCode: "PAYMENT_EXPIRED" });
    const newer = row({ id: "b", createdAt: at(1000), status: "FAILED", errorCode: "PAYMENT_DECLINED" });
    expect(lastPaymentExpired([older, newer], 2000)).toBeNull();
    expect(lastPaymentExpired([], 0)).toBeNull();
  });

  it("a payment Plural never received is not an expired one", () => {
    expect(lastPaymentExpired([row({ pluralPaymentId: null })], PAYMENT_WINDOW_MS * 2)).toBeNull();
  });
});

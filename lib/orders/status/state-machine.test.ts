import { describe, expect, expectTypeOf, it } from "vitest";
import { canMovePayment, canMoveRefund, decideOrder } from "./state-machine";
import { knownOrderStatus } from "./rows";
import { ORDER_STATUSES, PAYMENT_STATUSES, REFUND_STATUSES, type OrderStatus, type PaymentStatus, type RefundStatus } from "./statuses";

describe("order state machine", () => {
  it("moves forward along the documented paths", () => {
    for (const [a, b] of <Array<[OrderStatus, OrderStatus]>>[
      ["CREATED", "PENDING"],
      ["PENDING", "PROCESSED"],
      ["PENDING", "AUTHORIZED"],
      ["AUTHORIZED", "PROCESSED"],
      ["AUTHORIZED", "CANCELLED"],
      ["PENDING", "FAILED"],
      ["PROCESSED", "PARTIALLY_REFUNDED"],
      ["PARTIALLY_REFUNDED", "FULLY_REFUNDED"],
      ["CREATED", "PROCESSED"],
    ])
      expect(decideOrder(a, b), `${a}→${b}`).toBe("apply");
  });

  it("never moves backwards", () => {
    for (const [a, b] of <Array<[OrderStatus, OrderStatus]>>[
      ["PROCESSED", "ATTEMPTED"],
      ["PROCESSED", "PENDING"],
      ["PROCESSED", "FAILED"],
      ["FULLY_REFUNDED", "PROCESSED"],
      ["FAILED", "PENDING"],
      ["AUTHORIZED", "PENDING"],
      ["PENDING", "CREATED"],
    ])
      expect(decideOrder(a, b, true), `${a}→${b}`).toBe("ignore");
  });

  it("orders PENDING ⇄ ATTEMPTED by recency, and calls it ambiguous without it", () => {
    expect(decideOrder("ATTEMPTED", "PENDING", true)).toBe("apply");
    expect(decideOrder("PENDING", "ATTEMPTED", false)).toBe("ignore");
    expect(decideOrder("PENDING", "ATTEMPTED")).toBe("ambiguous");
    expect(decideOrder("FAILED", "CANCELLED")).toBe("ambiguous");
    expect(decideOrder("PENDING", knownOrderStatus("SOMETHING_NEW"))).toBe("ambiguous");
    // @ts-expect-error a misspelt status does not compile
    expect(decideOrder("PENDING", "PROCESSSED")).toBe("ambiguous");
    expect(decideOrder("PENDING", "PENDING")).toBe("same");
  });

  it("payments move only from PENDING (or AUTHORIZED to capture/cancel)", () => {
    expect(canMovePayment("PENDING", "PROCESSED")).toBe(true);
    expect(canMovePayment("AUTHORIZED", "PROCESSED")).toBe(true);
    expect(canMovePayment("PROCESSED", "FAILED")).toBe(false);
    // A late success (the bank's debit after the timeout) is money taken: it is recorded.
    expect(canMovePayment("FAILED", "PROCESSED")).toBe(true);
    expect(canMovePayment("CANCELLED", "PROCESSED")).toBe(true);
    expect(canMovePayment("FAILED", "PENDING")).toBe(false);
    expect(canMovePayment("PENDING", "PENDING")).toBe(false);
  });
});

describe("refund state machine", () => {
  it("moves once, from waiting to an outcome", () => {
    for (const [a, b] of <Array<[RefundStatus, RefundStatus]>>[
      ["CREATED", "PENDING"],
      ["CREATED", "PROCESSED"],
      ["CREATED", "FAILED"],
      ["PENDING", "PROCESSED"],
      ["PENDING", "FAILED"],
    ])
      expect(canMoveRefund(a, b), `${a}→${b}`).toBe(true);
  });

  it("never undoes an outcome, and a repeat changes nothing", () => {
    for (const [a, b] of <Array<[RefundStatus, RefundStatus]>>[
      ["PROCESSED", "FAILED"],
      ["FAILED", "PROCESSED"],
      ["PROCESSED", "PENDING"],
      ["PENDING", "CREATED"],
      ["PENDING", "PENDING"],
      ["PROCESSED", "PROCESSED"],
    ])
      expect(canMoveRefund(a, b), `${a}→${b}`).toBe(false);
  });
});

describe("the status types", () => {
  it("are the lists rows are checked against (state-machine.ts spells them out to stay import-free)", () => {
    expectTypeOf<OrderStatus>().toEqualTypeOf<(typeof ORDER_STATUSES)[number]>();
    expectTypeOf<PaymentStatus>().toEqualTypeOf<(typeof PAYMENT_STATUSES)[number]>();
    expectTypeOf<RefundStatus>().toEqualTypeOf<(typeof REFUND_STATUSES)[number]>();
    expect(new Set(ORDER_STATUSES).size).toBe(ORDER_STATUSES.length);
  });
});

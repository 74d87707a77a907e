/**
 * Test VPAs and test amounts with fixed outcomes, the way Stripe lists test cards. Shown on the
 * sandbox pages and in docs/sandbox.md.
 */
export type AutoOutcome = { outcome: "approve" | "decline"; code?: string; delayFactor?: number };

export const TEST_VPAS: Array<{ vpa: string; behaviour: string; auto?: AutoOutcome; reject?: { status: number; code: string; message: string } }> = [
  { vpa: "success@sandbox", behaviour: "Approves about 2 s after the request", auto: { outcome: "approve" } },
  { vpa: "success@upi", behaviour: "Same as success@sandbox (the value Pine Labs' tools use)", auto: { outcome: "approve" } },
  { vpa: "slow@sandbox", behaviour: "Approves after about 10 s", auto: { outcome: "approve", delayFactor: 5 } },
  { vpa: "decline@sandbox", behaviour: "Declines about 2 s after the request (PAYMENT_DECLINED)", auto: { outcome: "decline", code: "PAYMENT_DECLINED" } },
  { vpa: "failure@upi", behaviour: "Same as decline@sandbox", auto: { outcome: "decline", code: "PAYMENT_DECLINED" } },
  { vpa: "nofunds@sandbox", behaviour: "Declines with INSUFFICIENT_FUNDS", auto: { outcome: "decline", code: "INSUFFICIENT_FUNDS" } },
  { vpa: "timeout@sandbox", behaviour: "Never answers: the payment expires (PAYMENT_EXPIRED)" },
  {
    vpa: "invalid@sandbox",
    behaviour: "Refused at once: 422 INVALID_USER_ACCOUNT",
    reject: { status: 422, code: "INVALID_USER_ACCOUNT", message: "The VPA is invalid or does not exist" },
  },
];

/** By the paise part of the payment amount (value % 100). Anything else waits for the payer. */
const TEST_AMOUNTS: Array<{ paise: number; example: string; behaviour: string; auto: AutoOutcome }> = [
  { paise: 51, example: "₹101.51", behaviour: "Approved about 2 s after the payment is created", auto: { outcome: "approve" } },
  { paise: 52, example: "₹101.52", behaviour: "Declined about 2 s after (PAYMENT_DECLINED)", auto: { outcome: "decline", code: "PAYMENT_DECLINED" } },
  { paise: 53, example: "₹101.53", behaviour: "Declined about 2 s after (INSUFFICIENT_FUNDS)", auto: { outcome: "decline", code: "INSUFFICIENT_FUNDS" } },
  {
    paise: 54,
    example: "₹101.54",
    behaviour: "Declined about 2 s after (USER_AUTHENTICATION_FAILED)",
    auto: { outcome: "decline", code: "USER_AUTHENTICATION_FAILED" },
  },
];

/** Refund amounts whose paise part is .13 fail (REFUND_FAILED); every other refund is processed. */
export const FAILING_REFUND_PAISE = 13;

export const ERROR_MESSAGES: Record<string, string> = {
  PAYMENT_DECLINED: "Transaction declined by Acquirer due to unknown reason",
  INSUFFICIENT_FUNDS: "Insufficient funds in the payer's account",
  USER_AUTHENTICATION_FAILED: "Consumer Authentication failed",
  PAYMENT_EXPIRED: "The payment has expired",
  USER_CANCELLED: "The payer cancelled the payment",
};

export function autoOutcomeFor(vpa: string | undefined, amountPaise: number): AutoOutcome | undefined {
  if (vpa) {
    const t = TEST_VPAS.find((v) => v.vpa.toLowerCase() === vpa.toLowerCase());
    if (t) return t.auto;
  }
  return TEST_AMOUNTS.find((a) => a.paise === amountPaise % 100)?.auto;
}

/** The test values as the sandbox's pages show them (no behaviour wiring). */
export type TestDataView = {
  vpas: Array<{ vpa: string; behaviour: string }>;
  amounts: Array<{ paise: number; example: string; behaviour: string }>;
  failingRefundPaise: number;
};

export function testData(): TestDataView {
  return {
    vpas: TEST_VPAS.map(({ vpa, behaviour }) => ({ vpa, behaviour })),
    amounts: TEST_AMOUNTS.map(({ paise, example, behaviour }) => ({ paise, example, behaviour })),
    failingRefundPaise: FAILING_REFUND_PAISE,
  };
}

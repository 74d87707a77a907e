/**
 * A settlement run in the sandbox, swept into the store and reconciled: matched, amount differs,
 * missing on our side, missing on Plural's, not due yet; exported as CSV.
 */
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { createPluralClient } from "@/lib/plural/client";
import { TEST_CREDENTIALS } from "@/lib/testing/sandbox";
import { startTestStore } from "@/lib/testing/store";
import { newCheckoutKey, refundOrder, newRefundKey, setQuantity, startPayment, syncOrder } from "@/lib/orders";
import { testCart } from "@/lib/testing/cart";
import { istDay, sweepSettlements } from "./sweep";
import { settlementReport } from "./report";
import { settlementCsv } from "./csv";
import { TEST_FORM } from "@/lib/testing/checkout";

let server: Awaited<ReturnType<typeof startTestStore>>;

const form = TEST_FORM;

async function paidOrder(quantity = 1) {
  const cart = await testCart();
  const chai = await db().product.findUniqueOrThrow({ where: { slug: "chai" } });
  await setQuantity(cart.id, chai.id, quantity);
  const placed = await cart.place(form, newCheckoutKey());
  if (!placed.ok) throw new Error(placed.error);
  const p = await startPayment(placed.value.orderId, "QR");
  if (!p.ok) throw new Error(p.error);
  const payment = await db().payment.findUniqueOrThrow({ where: { id: p.value.id } });
  server.sandbox.approve(payment.pluralPaymentId!);
  await syncOrder(placed.value.orderId);
  return { orderId: placed.value.orderId, pluralPaymentId: payment.pluralPaymentId! };
}

describe("settlements, swept and reconciled", () => {
  beforeAll(async () => {
    server = await startTestStore();
    server.sandbox.updateSettings({ auto_answer_ms: 0, refund_delay_ms: 0, webhook: { enabled: false }, settlement: { auto: false } });
  });
  afterAll(() => server.close());

  it("a day with matched, differing, missing and not-yet-due lines, in the report and the CSV", async () => {
    const matched = await paidOrder(1);
    const refunded = await paidOrder(2);
    const differing = await paidOrder(1);
    const leftOut = await paidOrder(3);
    const refund = await refundOrder(refunded.orderId, 10000, newRefundKey());
    expect(refund.ok).toBe(true);
    await syncOrder(refunded.orderId);

    // A payment made at Plural that this store never recorded (another shop on the same account, say).
    const stranger = createPluralClient({ baseUrl: server.baseUrl, clientId: TEST_CREDENTIALS.clientId, clientSecret: TEST_CREDENTIALS.clientSecret });
    const o = await stranger.createOrder({ merchant_order_reference: `x_${randomUUID().slice(0, 8)}`, order_amount: { value: 5000, currency: "INR" } });
    const paid = await stranger.createUpiPayment(o.order_id, {
      mode: "INTENT",
      merchantPaymentReference: `xp_${randomUUID().slice(0, 8)}`,
      amountInPaise: 5000,
    });
    server.sandbox.approve(paid.paymentId!);

    const batch = server.sandbox.runSettlement({ exclude: [leftOut.pluralPaymentId], misreport: { [differing.pluralPaymentId]: 34800 } })!;
    expect(batch).toBeDefined();

    const today = istDay();
    const swept = await sweepSettlements({ from: today, to: today });
    expect(swept).toMatchObject({ windows: 1, settlements: 1, lines: 5, failed: [] });
    // Sweeping the same days again replaces, never duplicates.
    await sweepSettlements({ from: today, to: today });
    expect(await db().settlement.count()).toBe(1);
    expect(await db().settlementLine.count()).toBe(5);

    const report = await settlementReport({ from: today, to: today }, { graceHours: 0 });
    const byTx = Object.fromEntries(report.rows.map((r) => [r.transactionId, r]));
    expect(byTx[matched.pluralPaymentId]).toMatchObject({
      status: "matched",
      kind: "payment",
      orderId: matched.orderId,
      pluralAmountInPaise: 34900,
      ourAmountInPaise: 34900,
    });
    expect(byTx[differing.pluralPaymentId]).toMatchObject({
      status: "amount_differs",
      pluralAmountInPaise: 34800,
      ourAmountInPaise: 34900,
      differenceInPaise: -100,
    });
    expect(byTx[paid.paymentId!]).toMatchObject({ status: "missing_ours", kind: "unknown", orderId: null, pluralAmountInPaise: 5000 });
    expect(byTx[leftOut.pluralPaymentId]).toMatchObject({ status: "missing_plural", kind: "payment", orderId: leftOut.orderId, ourAmountInPaise: 3 * 34900 });
    const refundRow = report.rows.find((r) => r.kind === "refund")!;
    expect(refundRow).toMatchObject({
      status: "matched",
      orderId: refunded.orderId,
      pluralAmountInPaise: 10000,
      ourAmountInPaise: 10000,
      settledAmountInPaise: -10000,
    });
    expect(report.counts).toEqual({ matched: 3, matched_total: 0, amount_differs: 1, missing_ours: 1, missing_plural: 1, not_due: 0 });
    expect(report.settlements[0]!.totals).toMatchObject({ refundInPaise: 10000 });

    // With the default grace (48 h), a payment processed just now is not due yet rather than missing.
    expect((await settlementReport({ from: today, to: today })).counts).toMatchObject({ missing_plural: 0, not_due: 1 });

    const csv = settlementCsv(report.rows);
    const lines = csv.trimEnd().split("\r\n");
    expect(lines[0]).toBe(
      "status,kind,utr,settled_date,transaction_id,order_reference,order_id,plural_amount_inr,our_amount_inr,difference_inr,deduction_inr,settled_amount_inr,payout_status,processed_at",
    );
    expect(lines).toHaveLength(1 + report.rows.length);
    expect(lines.find((l) => l.includes(differing.pluralPaymentId))).toContain(",348.00,349.00,-1.00,");
    expect(lines.find((l) => l.startsWith("Missing on our side"))).toContain(",50.00,,");
  });

  it("npm run settlements sweeps the days from another process and prints the reconciliation", { timeout: 90_000 }, async () => {
    await paidOrder(1);
    server.sandbox.runSettlement();
    const today = istDay();
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ["node_modules/tsx/dist/cli.mjs", "--conditions=react-server", "scripts/settlements.ts", "--from", today, "--to", today, "--grace", "0"],
      { env: { ...process.env, LOG_LEVEL: "silent" } },
    );
    const out = JSON.parse(stdout.trim().split("\n").at(-1)!) as {
      from: string;
      settlements: number;
      failed: unknown[];
      reconciliation: Record<string, number>;
    };
    expect(out).toMatchObject({ from: today, settlements: 2, failed: [] });
    expect(out.reconciliation.matched).toBeGreaterThanOrEqual(4);
    expect(await db().settlement.count()).toBe(2);
  });

  it("defuses spreadsheet formulas in text cells and quotes what needs quoting", () => {
    const csv = settlementCsv([
      {
        status: "missing_ours",
        kind: "unknown",
        utr: "=HYPERLINK(1)",
        settledDate: 'a "b", c',
        transactionId: "+tx",
        orderId: null,
        orderReference: null,
        pluralAmountInPaise: -250,
        ourAmountInPaise: null,
        differenceInPaise: null,
        deductionInPaise: null,
        settledAmountInPaise: null,
        payoutStatus: "@x",
        processedAt: null,
      },
    ]);
    expect(csv.split("\r\n")[1]).toBe(`Missing on our side,unknown,'=HYPERLINK(1),"a ""b"", c",'+tx,,,-2.50,,,,,'@x,`);
  });

  it("a search is a year at most (0001-01-01…9999-12-31 was about 60,000 Plural calls), 60 days per call", async () => {
    const { settlementSpanProblem, sweepSettlements } = await import("./sweep");
    const calls = () => server.count("GET", /\/settlements\/v1\/list/);
    const before = calls();
    await expect(sweepSettlements({ from: "0001-01-01", to: "9999-12-31" })).rejects.toThrow(/at most 366 days/);
    await expect(settlementReport({ from: "0001-01-01", to: "9999-12-31" })).rejects.toThrow(/at most 366 days/);
    expect(calls()).toBe(before);
    expect(settlementSpanProblem({ from: "2026-01-01", to: "2026-12-31" })).toBeUndefined();
    expect(settlementSpanProblem({ from: "2026-01-01", to: "2027-01-02" })).toBe("Choose at most 366 days at a time.");
    expect(settlementSpanProblem({ from: "2026-02-01", to: "2026-01-01" })).toBe("The start date is after the end date.");
    expect(settlementSpanProblem({ from: "2026-13-45", to: "2026-12-31" })).toBe("Choose a start and an end date.");
    // A year: 7 windows Plural accepts (at most 60 days each: 365 = 6 × 60 + 5), one list call each here (each comes back short).
    const year = await sweepSettlements({ from: "2025-01-01", to: "2025-12-31" });
    expect(year.windows).toBe(7);
    expect(calls() - before).toBe(7);
  });
});

describe("refunds only as the UTR's total_refund deduction (Plural reports refunds among a settlement's deductions)", () => {
  beforeAll(async () => {
    server = await startTestStore();
    server.sandbox.updateSettings({
      auto_answer_ms: 0,
      refund_delay_ms: 0,
      webhook: { enabled: false },
      settlement: { auto: false, refunds: "deductions" },
    });
  });
  afterAll(() => server.close());

  it("refunds no line carries are matched by the UTR's refund total: no false 'missing' alarm", async () => {
    const a = await paidOrder(1);
    const b = await paidOrder(2);
    for (const [o, amount] of [
      [a, 10000],
      [b, 20000],
      [b, 5000],
    ] as const) {
      expect((await refundOrder(o.orderId, amount, newRefundKey())).ok).toBe(true);
      await syncOrder(o.orderId);
    }
    const batch = server.sandbox.runSettlement()!;
    const today = istDay();
    await sweepSettlements({ from: today, to: today });
    const detail = await createPluralClient({
      baseUrl: server.baseUrl,
      clientId: TEST_CREDENTIALS.clientId,
      clientSecret: TEST_CREDENTIALS.clientSecret,
    }).settlementWithLines(batch.utr);
    // Plural's reading: the refunds are not lines, only the UTR's deduction.
    expect(detail.transactions.map((t) => t.transactionId).sort()).toEqual([a.pluralPaymentId, b.pluralPaymentId].sort());
    expect(detail.totals).toMatchObject({ refundInPaise: 35000 });

    const report = await settlementReport({ from: today, to: today }, { graceHours: 0 });
    const refunds = report.rows.filter((r) => r.kind === "refund");
    expect(refunds.map((r) => [r.status, r.orderId, r.ourAmountInPaise, r.utr])).toEqual([
      ["matched_total", a.orderId, 10000, batch.utr],
      ["matched_total", b.orderId, 20000, batch.utr],
      ["matched_total", b.orderId, 5000, batch.utr],
    ]);
    expect(report.counts).toEqual({ matched: 2, matched_total: 3, amount_differs: 0, missing_ours: 0, missing_plural: 0, not_due: 0 });

    // A refund total this store cannot make up: one row, with the difference to look into.
    const c = await paidOrder(1);
    const r = await refundOrder(c.orderId, 7000, newRefundKey());
    expect(r.ok).toBe(true);
    await syncOrder(c.orderId);
    const refund = await db().refund.findFirstOrThrow({ where: { orderId: c.orderId } });
    const refundPayment = server.sandbox.orderJson(refund.pluralRefundId!).payments as Array<{ id: string }>;
    const second = server.sandbox.runSettlement({ misreport: { [refundPayment[0]!.id]: 7100 } })!;
    await sweepSettlements({ from: today, to: today });
    const again = await settlementReport({ from: today, to: today }, { graceHours: 0 });
    expect(again.rows.filter((x) => x.utr === second.utr && x.kind === "refund")).toEqual([
      expect.objectContaining({ status: "amount_differs", pluralAmountInPaise: 7100, ourAmountInPaise: 7000, differenceInPaise: 100 }),
    ]);
    // The earlier settlement's refunds are still matched; nothing is reported missing.
    expect(again.counts).toMatchObject({ matched_total: 3, missing_plural: 0, amount_differs: 1 });
  });
});

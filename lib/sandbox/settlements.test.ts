/**
 * Settlements in the sandbox, through lib/plural over HTTP: batches with UTRs, MDR and GST, refunds,
 * the schedule, the documented limits and errors.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createPluralClient, type PluralClient } from "../plural/client";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Sandbox } from "./engine";
import { startSandboxServer, TEST_CREDENTIALS, testConfig } from "@/lib/testing/sandbox";

let server: Awaited<ReturnType<typeof startSandboxServer>>;
let client: PluralClient;
let now = Date.parse("2026-11-20T06:00:00Z"); // 11:30 in India

beforeAll(async () => {
  server = await startSandboxServer({ now: () => now, background: false });
  client = createPluralClient({
    baseUrl: server.baseUrl,
    clientId: TEST_CREDENTIALS.clientId,
    clientSecret: TEST_CREDENTIALS.clientSecret,
    retry: { retries: 0 },
  });
});
afterAll(() => server.close());
beforeEach(() => {
  server.sandbox.reset();
  server.sandbox.updateSettings({ auto_answer_ms: 0, refund_delay_ms: 0, webhook: { enabled: false }, settlement: { auto: false } });
});

const ist = (ms: number) => new Date(ms + 330 * 60_000).toISOString().slice(0, 10);

async function paid(value: number) {
  const order = await client.createOrder({ merchant_order_reference: `o_${randomUUID().slice(0, 8)}`, order_amount: { value, currency: "INR" } });
  const withPayment = await client.createUpiPayment(order.order_id, {
    mode: "INTENT",
    merchantPaymentReference: `p_${randomUUID().slice(0, 8)}`,
    amountInPaise: value,
  });
  server.sandbox.approve(withPayment.paymentId!);
  return { orderId: order.order_id, paymentId: withPayment.paymentId! };
}
const control = (path: string, body: unknown) =>
  fetch(`${server.url}/sandbox/control/${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

describe("settlements", () => {
  it("settles processed payments and refunds in one batch, with MDR, GST and a UTR, listed by date and detailed by UTR", async () => {
    const a = await paid(34900);
    const b = await paid(100000);
    const refund = await client.refund(b.orderId, {
      merchant_order_reference: `r_${randomUUID().slice(0, 8)}`,
      order_amount: { value: 25000, currency: "INR" },
    });
    now += 1000;
    server.sandbox.advance();
    const run = await control("settlements/run", {});
    expect(run.status).toBe(201);
    const utr = ((await run.json()) as { settlement: { utr: string } }).settlement.utr;
    expect(utr).toMatch(/^\d{12}$/);

    const list = await client.listSettlements({ from: ist(now), to: ist(now) });
    expect(list.settlements).toHaveLength(1);
    const s = list.settlements[0]!;
    // 2 % MDR, 18 % GST on it, rounded per line: 698 + 126 and 2000 + 360 paise; the refund is deducted.
    expect(s).toMatchObject({ utr, actualAmountInPaise: 134900, transactionCount: 3, deductionInPaise: 698 + 126 + 2000 + 360 + 25000, programs: ["UPI"] });
    expect(s.totalAmountInPaise).toBe(134900 - 25000 - 698 - 126 - 2000 - 360);
    expect(s.bankAccount).toBe("••••9595");

    const detail = await client.settlementWithLines(utr);
    expect(detail.totals).toMatchObject({ mdrInPaise: 2698, gstInPaise: 486, refundInPaise: 25000, actualAmountInPaise: 134900 });
    const lines = Object.fromEntries(detail.transactions.map((t) => [t.transactionId, t]));
    expect(lines[a.paymentId]).toMatchObject({ transactionAmountInPaise: 34900, deductionInPaise: 824, settledAmountInPaise: 34076, payoutStatus: "Success" });
    expect(lines[b.paymentId]).toMatchObject({ transactionAmountInPaise: 100000, deductionInPaise: 2360, settledAmountInPaise: 97640 });
    const refundLine = detail.transactions.find((t) => t.transactionId.startsWith(refund.refundId))!;
    expect(refundLine).toMatchObject({ transactionAmountInPaise: 25000, settledAmountInPaise: -25000, deductionInPaise: 0 });

    // Settled once: another run finds nothing.
    expect((await control("settlements/run", {})).status).toBe(200);
  });

  it("pages the list 10 at a time and the lines 10 at a time", async () => {
    for (let i = 0; i < 12; i++) {
      await paid(10000 + i * 100);
      now += 1000;
      await control("settlements/run", {});
    }
    const first = await client.listSettlements({ from: ist(now), to: ist(now) });
    expect(first.settlements).toHaveLength(10);
    expect(first.totalSettlementCount).toBe(12);
    expect((await client.listSettlements({ from: ist(now), to: ist(now) }, 2)).settlements).toHaveLength(2);
    expect(await client.allSettlements({ from: ist(now), to: ist(now) })).toHaveLength(12);

    for (let i = 0; i < 13; i++) await paid(20000 + i * 100);
    now += 1000;
    const big = ((await (await control("settlements/run", {})).json()) as { settlement: { utr: string } }).settlement.utr;
    const page1 = await client.getSettlement(big);
    expect(page1.transactions).toHaveLength(10);
    expect(page1.totalPages).toBe(2);
    expect((await client.settlementWithLines(big)).transactions).toHaveLength(13);
  });

  it("settles by itself at the daily run, T+1 by default", async () => {
    server.sandbox.updateSettings({ settlement: { auto: true, run_at: "11:00", delay_days: 1 } });
    now = Date.parse("2026-11-21T04:00:00Z"); // 09:30 in India on the 21st
    const p = await paid(50000);
    now = Date.parse("2026-11-21T06:00:00Z"); // 11:30: the run's cut-off is 11:00 on the 20th
    server.sandbox.advance();
    expect(server.sandbox.settlementList()).toHaveLength(0);
    now = Date.parse("2026-11-22T05:31:00Z"); // 11:01 on the 22nd
    server.sandbox.advance();
    const list = server.sandbox.settlementList();
    expect(list).toHaveLength(1);
    expect(list[0]!.lines.map((l) => l.transaction_id)).toEqual([p.paymentId]);
    expect(list[0]!.settled_at).toBe("2026-11-22T05:30:00.000Z");
  });

  it("is invisible to the API for lag_ms after it is made", async () => {
    server.sandbox.updateSettings({ settlement: { lag_ms: 3 * 3600_000 } });
    await paid(10000);
    now += 1000;
    await control("settlements/run", {});
    expect((await client.listSettlements({ from: ist(now), to: ist(now) })).settlements).toHaveLength(0);
    now += 3 * 3600_000;
    expect((await client.listSettlements({ from: ist(now), to: ist(now) })).settlements).toHaveLength(1);
  });

  it("answers the documented errors: 400 for a bad window, page size or UTR, 401 without a token", async () => {
    const token = await client.getToken();
    const get = async (path: string, auth = true) => {
      const res = await fetch(`${server.baseUrl}${path}`, { headers: auth ? { authorization: `Bearer ${token}` } : {} });
      return { status: res.status, body: (await res.json()) as { code: string; message: string } };
    };
    expect(await get("/api/settlements/v1/list?start_date=2026-09-01T00:00:00&end_date=2026-11-20T23:59:59")).toMatchObject({
      status: 400,
      body: { code: "INVALID_REQUEST", message: "Maximum date range for retrieving settlement data is 60 days" },
    });
    expect((await get("/api/settlements/v1/list?start_date=2026-10-01T00:00:00&end_date=2026-11-29T23:59:59")).status).toBe(200);
    // 60 days at most: 1 October to 30 November 23:59:59 is 61.
    expect((await get("/api/settlements/v1/list?start_date=2026-10-01T00:00:00&end_date=2026-11-30T23:59:59")).status).toBe(400);
    expect((await get("/api/settlements/v1/list?start_date=2026-10-01&end_date=2026-11-30")).status).toBe(400);
    expect((await get("/api/settlements/v1/list?start_date=2026-10-01&end_date=2026-11-29")).status).toBe(200);
    expect((await get("/api/settlements/v1/list?end_date=2026-11-20T23:59:59")).status).toBe(400);
    expect((await get("/api/settlements/v1/list?start_date=2026-11-20T00:00:00Z&end_date=2026-11-20T23:59:59")).status).toBe(400);
    expect((await get("/api/settlements/v1/list?start_date=2026-11-20&end_date=2026-11-19")).status).toBe(400);
    expect((await get("/api/settlements/v1/list?start_date=2026-11-20&end_date=2026-11-20&per_page=11")).body.message).toBe(
      "per_page must be between 1 and 10",
    );
    expect(await get("/api/settlements/v1/detail/999999999999")).toMatchObject({ status: 400, body: { code: "INVALID_REQUEST" } });
    expect((await get("/api/settlements/v1/detail/bad%20utr")).status).toBe(400);
    expect((await get("/api/settlements/v1/list?start_date=2026-11-20&end_date=2026-11-20", false)).status).toBe(401);
    // The client refuses a window Plural would refuse, before asking.
    await expect(client.listSettlements({ from: "2026-01-01", to: "2026-11-20" })).rejects.toMatchObject({ kind: "validation" });
    await expect(client.listSettlements({ from: "2026-10-01", to: "2026-11-30" })).rejects.toMatchObject({ kind: "validation" });
    expect((await client.listSettlements({ from: "2026-10-01", to: "2026-11-29" })).settlements).toEqual([]);
  });

  it("refunds as lines (friendly), or only in the UTR's total_refund (strict: the Get Settlements by UTR page's totals)", async () => {
    const a = await paid(10000);
    const refund = await client.refund(a.orderId, {
      merchant_order_reference: `r_${randomUUID().slice(0, 8)}`,
      order_amount: { value: 2500, currency: "INR" },
    });
    server.sandbox.advance();
    now += 1000;
    const utr = ((await (await control("settlements/run", {})).json()) as { settlement: { utr: string } }).settlement.utr;
    const lines = await client.settlementWithLines(utr);
    expect(lines.transactions).toHaveLength(2);
    expect(lines.transactions.find((t) => t.transactionId.startsWith(refund.refundId))).toMatchObject({ settledAmountInPaise: -2500 });
    server.sandbox.updateSettings({ settlement: { refunds: "deductions" } });
    const deductions = await client.settlementWithLines(utr);
    expect(deductions.transactions.map((t) => t.transactionId)).toEqual([a.paymentId]);
    expect(deductions.transactionCount).toBe(1);
    expect(deductions.totals).toMatchObject({ refundInPaise: 2500 });
    const summary = (await client.listSettlements({ from: ist(now), to: ist(now) })).settlements[0]!;
    expect(summary.transactionCount).toBe(1);
  });

  it("can leave lines out and misreport amounts (for reconciliation tests)", async () => {
    const a = await paid(10000);
    const b = await paid(20000);
    now += 1000;
    const res = await control("settlements/run", { exclude: [b.paymentId], misreport: { [a.paymentId]: 9900 } });
    const utr = ((await res.json()) as { settlement: { utr: string } }).settlement.utr;
    const detail = await client.settlementWithLines(utr);
    expect(detail.transactions.map((t) => [t.transactionId, t.transactionAmountInPaise])).toEqual([[a.paymentId, 9900]]);
    now += 1000;
    const later = ((await (await control("settlements/run", {})).json()) as { settlement: { lines: Array<{ transaction_id: string }> } }).settlement;
    expect(later.lines.map((l) => l.transaction_id)).toEqual([b.paymentId]);
  });
});

describe("settlements in the state file", () => {
  it("are kept across a restart, and their payments stay settled", async () => {
    const stateFile = path.join(mkdtempSync(path.join(tmpdir(), "sbx-settle-")), "state.json");
    const sb = new Sandbox(testConfig({ stateFile }));
    sb.updateSettings({ auto_answer_ms: 0, settlement: { auto: false } });
    const { order } = sb.createOrder({ merchant_order_reference: "st_1", order_amount: { value: 10000, currency: "INR" } });
    const { order: o2 } = sb.createPayment(order.order_id, { merchant_payment_reference: "stp_1", amount: 10000, txn_mode: "INTENT", upi_qr: false }, "h");
    sb.approve(o2.payments[0]!.id);
    const batch = sb.runSettlement({ cutoff: Date.now() + 1000 })!;
    await sb.persisted();
    sb.close();
    const again = new Sandbox(testConfig({ stateFile }));
    expect(again.settlementList().map((s) => s.utr)).toEqual([batch.utr]);
    expect(again.runSettlement({ cutoff: Date.now() + 1000 })).toBeUndefined();
    again.close();
  });
});

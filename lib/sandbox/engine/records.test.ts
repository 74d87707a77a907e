/**
 * The indexes answer exactly what the full scans they replaced answered (engine.ts before the split),
 * on 20,000 orders in memory, and time-based transitions happen as a scan of every order would apply them.
 */
import { describe, expect, it } from "vitest";
import { testConfig } from "@/lib/testing/sandbox";
import type { SimOrder, SimPayment } from "../types";
import { Records, type Found } from "./records";
import { defaultSettings, envSettings } from "./settings";
import { Sandbox } from "./index";

const N = 20_000;
const VPAS = ["asha@okaxis", "ravi@oksbi", "Meera@ybl", "meera@YBL", "kiran@upi"];
const STATUSES: SimPayment["status"][] = ["PENDING", "PROCESSED", "FAILED", "CANCELLED", "AUTHORIZED"];

/** 20,000 orders with 1–3 payments each, refunds that copy their source payment (same tr and VPA), in creation order. */
function fixture(): Records {
  const records = new Records(defaultSettings(envSettings({ appUrl: "http://x" })));
  let seq = 0;
  let t = Date.parse("2026-01-01T00:00:00Z");
  for (let i = 0; i < N; i++) {
    t += i % 7 === 0 ? 0 : 1; // some orders share a millisecond
    const id = `v1-260101000000-aa-${String(i).padStart(6, "0")}`;
    const payments: SimPayment[] = [];
    for (let j = 0; j < 1 + (i % 3); j++) {
      const collect = (i + j) % 2 === 0;
      payments.push({
        id: `${id}-up-${j}`,
        merchant_payment_reference: `pay_${i}_${j}`,
        request_hash: "h",
        status: STATUSES[(i * 3 + j) % STATUSES.length]!,
        amount: { value: 1000 + i, currency: "INR" },
        txn_mode: collect ? "COLLECT" : "INTENT",
        upi_qr: !collect && j % 2 === 1,
        payer_vpa: collect ? VPAS[(i + j) % VPAS.length] : undefined,
        tr: String(100000 + ++seq),
        link: `upi://pay?tr=${100000 + seq}`,
        created_at: t,
        updated_at: t,
        expires_at: t + 900_000,
      });
    }
    const order: SimOrder = {
      order_id: id,
      merchant_order_reference: `ord_${i}`,
      request_hash: "h",
      type: "CHARGE",
      status: payments.some((p) => p.status === "PENDING") ? "PENDING" : "ATTEMPTED",
      order_amount: { value: 1000 + i, currency: "INR" },
      pre_auth: false,
      payment_retries_remaining: 3,
      payments,
      refund_ids: [],
      refunded: 0,
      created_at: t,
      updated_at: t,
    };
    records.addOrder(order);
    if (i % 50 === 0) {
      // A refund: its payment copies the source's tr and VPA, and may reuse a payment's reference.
      const rid = `v1-260101000000-aa-R${String(i).padStart(5, "0")}`;
      const source = payments[0]!;
      records.addOrder({
        ...order,
        order_id: rid,
        merchant_order_reference: i % 100 === 0 ? `pay_${i + 1}_0` : `rf_${i}`,
        type: "REFUND",
        status: "PENDING",
        parent_order_id: id,
        payments: [{ ...source, id: `${rid}-up-0`, merchant_payment_reference: i % 100 === 0 ? `pay_${i + 1}_0` : `rf_${i}`, status: "PENDING" }],
      });
    }
  }
  return records;
}

/* The scans of engine.ts before the split, verbatim in their logic. */
const all = (r: Records) => [...r.orders.values()];
function scanByReference(r: Records, ref: string): Found | undefined {
  for (const order of all(r)) {
    const payment = order.payments.find((p) => p.merchant_payment_reference === ref);
    if (payment) return { order, payment };
  }
  return undefined;
}
function scanByTr(r: Records, tr: string): Found | undefined {
  for (const order of all(r)) {
    const payment = order.payments.find((p) => p.tr === tr);
    if (payment) return { order, payment };
  }
  return undefined;
}
function scanInbox(r: Records, vpa: string): Found[] {
  const want = vpa.trim().toLowerCase();
  const out: Found[] = [];
  for (const order of all(r))
    for (const payment of order.payments)
      if (payment.txn_mode === "COLLECT" && payment.status === "PENDING" && payment.payer_vpa?.toLowerCase() === want) out.push({ order, payment });
  return out.sort((a, b) => b.payment.created_at - a.payment.created_at);
}
const ids = (f: Found | undefined) => f && `${f.order.order_id}/${f.payment.id}`;

describe("indexes on 20,000 orders", () => {
  const records = fixture();

  // The scans cost O(orders) each, so they check a sample: every 97th value, the first and last, refunds' and unknown ones.
  const sample = <T>(xs: T[]) => xs.filter((_, i) => i % 97 === 0 || i < 3 || i > xs.length - 3);

  it("payment by merchant reference: the same payment as the scan, refunds' references and unknown ones included", () => {
    const refs = all(records).flatMap((o) => o.payments.map((p) => p.merchant_payment_reference));
    expect(refs.length).toBeGreaterThan(N);
    for (const ref of [...sample(refs), "pay_1_0", "pay_101_0", "rf_50", "nope", "pay_999999_0"])
      expect(ids(records.paymentByReference(ref)), ref).toBe(ids(scanByReference(records, ref)));
    expect(ids(records.paymentByReference("pay_101_0"))).toBe(ids(scanByReference(records, "pay_101_0")));
  });

  it("payment by tr: the same payment as the scan (the charge, not the refund that copied its tr)", () => {
    const trs = all(records).flatMap((o) => o.payments.map((p) => p.tr));
    for (const tr of [...sample(trs), "100001", "999999", "x"]) expect(ids(records.paymentByTrValue(tr)), tr).toBe(ids(scanByTr(records, tr)));
  });

  it("collect inbox by VPA: the same requests in the same order, whatever the case or spaces", () => {
    for (const vpa of [...VPAS, " ASHA@okaxis ", "nobody@upi"]) {
      const expected = scanInbox(records, vpa).map(ids);
      expect(records.collectsFor(vpa).map(ids), vpa).toEqual(expected);
    }
    expect(records.collectsFor("asha@okaxis").length).toBeGreaterThan(100);
  });

  it("follows changes: a collect that stops being PENDING leaves the inbox", () => {
    const [first] = records.collectsFor("kiran@upi");
    first!.payment.status = "PROCESSED";
    records.touchOrder(first!.order);
    expect(records.collectsFor("kiran@upi").map(ids)).toEqual(scanInbox(records, "kiran@upi").map(ids));
    expect(records.collectsFor("kiran@upi").map(ids)).not.toContain(ids(first));
  });

  it("newest first: the order a stable sort by created_at gives, ties included", () => {
    const sorted = all(records)
      .sort((a, b) => b.created_at - a.created_at)
      .map((o) => o.order_id);
    expect([...records.newestFirst()].map((o) => o.order_id)).toEqual(sorted);
    const charges = sorted.filter((id) => records.order(id)!.type === "CHARGE").slice(0, 30);
    const firstCharges: string[] = [];
    for (const o of records.newestFirst((x) => x.type === "CHARGE")) {
      if (firstCharges.length === 30) break;
      firstCharges.push(o.order_id);
    }
    expect(firstCharges).toEqual(charges);
  });
});

describe("timers on 20,000 orders", () => {
  it("an advance applies exactly what a scan of every order would: automatic answers, then expiries", () => {
    let now = Date.parse("2026-02-01T00:00:00Z");
    const sb = new Sandbox(testConfig({ now: () => now }));
    sb.updateSettings({ webhook: { enabled: false } });
    const kinds = ["approve", "decline", "wait", "slow"] as const;
    for (let i = 0; i < N; i++) {
      const kind = kinds[i % 4]!;
      const amount = kind === "decline" ? 10_152 : 10_000;
      const { order } = sb.createOrder({ merchant_order_reference: `t_${i}`, order_amount: { value: amount, currency: "INR" } });
      const vpa = kind === "approve" ? "success@sandbox" : kind === "slow" ? "slow@sandbox" : `payer${i}@okaxis`;
      sb.createPayment(order.order_id, { merchant_payment_reference: `tp_${i}`, amount, txn_mode: "COLLECT", upi_qr: false, vpa }, "h");
      if (i % 1000 === 0) now += 1;
    }
    const statuses = () => {
      const count: Record<string, number> = {};
      for (const p of sb.paymentList()) count[`${p.status}/${p.error_detail?.code ?? ""}`] = (count[`${p.status}/${p.error_detail?.code ?? ""}`] ?? 0) + 1;
      return count;
    };
    sb.advance();
    expect(statuses()).toEqual({ "PENDING/": N });

    now += 2_100; // past the automatic answers (2 s), not the slow ones (10 s)
    sb.advance();
    expect(statuses()).toEqual({ "PROCESSED/": N / 4, "FAILED/PAYMENT_DECLINED": N / 4, "PENDING/": N / 2 });
    expect(sb.collectInbox("payer2@okaxis")).toHaveLength(1);

    now += 10_000;
    sb.advance();
    expect(statuses()).toEqual({ "PROCESSED/": N / 2, "FAILED/PAYMENT_DECLINED": N / 4, "PENDING/": N / 4 });

    now += 900_000; // the rest expire
    sb.advance();
    expect(statuses()).toEqual({ "PROCESSED/": N / 2, "FAILED/PAYMENT_DECLINED": N / 4, "FAILED/PAYMENT_EXPIRED": N / 4 });
    expect(sb.collectInbox("payer2@okaxis")).toEqual([]);
    expect(sb.waitingPayments(10)).toEqual([]);
    sb.close();
  });
});

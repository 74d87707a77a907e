import { SETTLEMENT_LIMITS } from "../../plural/constants";
import type { SettlementLine, SimSettlement } from "../types";
import type { Core } from "./core";
import { SandboxError } from "./errors";
import { digits } from "./util";

/**
 * Settlements: every PROCESSED payment and refund is paid out (or deducted) in a batch with a UTR,
 * at the first daily run (`settlement.run_at`, India time) at least `delay_days` after it was
 * processed, or whenever the control API says so. Each payment pays MDR (`mdr_bps`) and GST on it
 * (`gst_bps`), rounded half up per line in paise. A batch reaches the API `lag_ms` after it is made.
 *
 * Refunds (setting `settlement.refunds`): with `deductions` they show only in the UTR-level
 * `total_refund` deduction, as Pine Labs' Get Settlements by UTR page shows it; with `lines` (the sandbox's own
 * choice) each is also a line of its own (`transaction_id` = the refund's payment id,
 * `settled_amount` negative, no fees). Totals are sums over everything settled, and
 * `total_transaction_amount` is the gross, as in Plural's sample.
 */

const IST_MS = 330 * 60_000;
const DAY_MS = 86_400_000;

/** Plural's zone-less datetimes, in India time: 2024-10-09T10:59:46. */
const istDateTime = (ms: number) => new Date(ms + IST_MS).toISOString().slice(0, 19);
const rupees = (paise: number) => paise / 100;
const feeOf = (amount: number, bps: number) => Math.floor((amount * bps + 5_000) / 10_000);

export type RunOptions = {
  /** Everything processed before this is settled (default: now). */
  cutoff?: number;
  settledAt?: number;
  /** Payments left out of this batch (they stay unsettled: a later run takes them). */
  exclude?: string[];
  /** What Plural reports for some lines instead of the real amount (paise), to exercise reconciliation. */
  misreport?: Record<string, number>;
};

export class Settlements {
  /** The last automatic cut-off looked at: nothing processed later can fall before it, so it is looked at once. */
  private checked: number | undefined;

  constructor(private readonly core: Core) {}

  private get settings() {
    return this.core.records.settings.settlement;
  }

  /** The latest daily run time at or before `t` (ms), per `run_at` India time. */
  private lastRunAt(t: number): number {
    const [h, m] = this.settings.run_at.split(":").map(Number) as [number, number];
    const dayStart = Math.floor((t + IST_MS) / DAY_MS) * DAY_MS - IST_MS;
    const today = dayStart + (h * 60 + m) * 60_000;
    return today <= t ? today : today - DAY_MS;
  }

  /** Called as time passes: the automatic daily run, when something is due. Cheap when nothing is unsettled. */
  advance() {
    const { records } = this.core;
    if (!this.settings.auto || records.unsettled.size === 0) return;
    const runAt = this.lastRunAt(this.core.now());
    const cutoff = runAt - this.settings.delay_days * DAY_MS;
    if (cutoff === this.checked) return;
    this.checked = cutoff;
    if (this.hasEligible(cutoff)) this.run({ cutoff, settledAt: runAt });
  }

  private hasEligible(cutoff: number): boolean {
    for (const id of this.core.records.unsettled) {
      const p = this.core.records.payment(id)?.payment;
      if (p && p.updated_at < cutoff) return true;
    }
    return false;
  }

  /** Settles every unsettled PROCESSED payment and refund processed before the cut-off; undefined when there is none. */
  run(opts: RunOptions = {}): SimSettlement | undefined {
    const { records } = this.core;
    const now = this.core.now();
    const cutoff = opts.cutoff ?? now + 1;
    const exclude = new Set(opts.exclude ?? []);
    const { mdr_bps, gst_bps } = this.settings;
    const lines: SettlementLine[] = [];
    const touched = new Set<string>();
    let utr: string;
    do utr = `4${digits(11)}`;
    while (records.settlements.has(utr));
    for (const id of [...records.unsettled]) {
      const found = records.payment(id);
      if (!found || exclude.has(id)) continue;
      const { order, payment } = found;
      if (payment.updated_at >= cutoff) continue;
      const refund = order.type === "REFUND";
      const amount = refund ? payment.amount.value : payment.capture_data?.reduce((s, c) => s + c.capture_amount.value, 0) || payment.amount.value;
      const mdr = refund ? 0 : feeOf(amount, mdr_bps);
      lines.push({
        transaction_id: payment.id,
        kind: refund ? "refund" : "payment",
        order_id: order.order_id,
        amount,
        mdr,
        gst: refund ? 0 : feeOf(mdr, gst_bps),
        processed_at: payment.updated_at,
      });
      payment.settled_utr = utr;
      touched.add(order.order_id);
    }
    if (!lines.length) return undefined;
    lines.sort((a, b) => a.processed_at - b.processed_at);
    const misreported = Object.fromEntries(Object.entries(opts.misreport ?? {}).filter(([id]) => lines.some((l) => l.transaction_id === id)));
    const batch: SimSettlement = {
      utr,
      settled_at: opts.settledAt ?? now,
      cutoff,
      lines,
      ...(Object.keys(misreported).length ? { misreported } : {}),
      bank_name: "HDFC Bank Ltd",
      bank_acc_number: "04992990009595",
    };
    for (const id of touched) records.touchOrder(records.order(id)!);
    records.addSettlement(batch);
    return batch;
  }

  /** Batches the API can see now (made at least `lag_ms` ago), settled within [from, to]. */
  visible(from: number, to: number): SimSettlement[] {
    const horizon = this.core.now() - this.settings.lag_ms;
    const historyStart = this.core.now() - SETTLEMENT_LIMITS.historyDays * DAY_MS;
    return [...this.core.records.settlements.values()].filter(
      (s) => s.settled_at <= horizon && s.settled_at >= from && s.settled_at <= to && s.settled_at >= historyStart,
    );
  }

  byUtr(utr: string): SimSettlement {
    const s = this.core.records.settlements.get(utr);
    if (!s || s.settled_at > this.core.now() - this.settings.lag_ms) throw new SandboxError(400, "INVALID_REQUEST", "No settlement found for the given UTR");
    return s;
  }

  list(): SimSettlement[] {
    return [...this.core.records.settlements.values()];
  }
}

/* ------------------------------------------------------------------ Plural's JSON (amounts in rupees) */

function lineAmount(s: SimSettlement, l: SettlementLine) {
  return s.misreported?.[l.transaction_id] ?? l.amount;
}

function totals(s: SimSettlement) {
  let gross = 0;
  let refunds = 0;
  let mdr = 0;
  let gst = 0;
  for (const l of s.lines) {
    if (l.kind === "refund") refunds += lineAmount(s, l);
    else gross += lineAmount(s, l);
    mdr += l.mdr;
    gst += l.gst;
  }
  return { gross, refunds, mdr, gst, net: gross - refunds - mdr - gst };
}

export type RefundLines = "lines" | "deductions";

/** The lines the API shows: every one, or (refunds as deductions only) the payments. */
const shownLines = (s: SimSettlement, refunds: RefundLines) => (refunds === "lines" ? s.lines : s.lines.filter((l) => l.kind !== "refund"));

/** A batch as Get All Settlements lists it (Pine Labs' "Get All Settlements" page). */
export function settlementSummaryJson(s: SimSettlement, refunds: RefundLines = "lines") {
  const t = totals(s);
  return {
    total_amount: rupees(t.net),
    actual_transaction_amount: rupees(t.gross),
    total_deduction_amount: rupees(t.mdr + t.gst + t.refunds),
    total_transactions_count: shownLines(s, refunds).length,
    last_processed_date: istDateTime(Math.max(...s.lines.map((l) => l.processed_at))),
    settled_date: istDateTime(s.settled_at),
    utr_number: s.utr,
    programs: ["UPI"],
    system: "PG",
    bank_name: s.bank_name,
    bank_acc_number: s.bank_acc_number,
  };
}

/** One page of a batch as Get Settlements by UTR answers it (Pine Labs' "Get Settlements by UTR" page). */
export function settlementDetailJson(s: SimSettlement, page: number, perPage: number, refunds: RefundLines = "lines") {
  const t = totals(s);
  const lines = shownLines(s, refunds);
  const pages = Math.max(1, Math.ceil(lines.length / perPage));
  return {
    utr_number: s.utr,
    bank_name: s.bank_name,
    bank_acc_number: s.bank_acc_number,
    programs: ["UPI"],
    total_transaction_count: lines.length,
    total_transaction_amount: rupees(t.gross),
    actual_transaction_amount: rupees(t.gross),
    total_refund: rupees(t.refunds),
    total_chargeback_recovery_amount: 0,
    total_loan_recovery_amount: 0,
    total_mdr_amount: rupees(t.mdr),
    total_gst_amount: rupees(t.gst),
    total_late_settlement_fee: 0,
    total_settled_amount: rupees(t.net),
    total_mar_amount: 0,
    split_fund_amount: 0,
    total_platform_fee: 0,
    other_deductions: 0,
    additional_mdr_amount: 0,
    total_convenience_fee: 0,
    total_gst_on_c_c_f: 0,
    total_cashback_amount: 0,
    total_merchant_cashback: 0,
    total_merchant_convenience_fee: 0,
    transactions: lines.slice((page - 1) * perPage, page * perPage).map((l) => {
      const amount = lineAmount(s, l);
      const deduction = l.mdr + l.gst;
      return {
        transaction_id: l.transaction_id,
        system: "PG",
        processed_date: istDateTime(l.processed_at),
        transaction_date: `${istDateTime(l.processed_at).slice(0, 10)}T00:00:00`,
        transaction_amount: rupees(amount),
        actual_transaction_amount: rupees(amount),
        total_deduction_amount: rupees(deduction),
        settled_amount: rupees(l.kind === "refund" ? -amount : amount - deduction),
        store_address: "",
        acquirer_name: "UPI_HDFC",
        tid: "HDFC000028502654",
        is_emi: false,
        utr_number: s.utr,
        program: "UPI",
        payout_status: "Success",
      };
    }),
    pagination: { total_pages: pages, current_page: String(page) },
  };
}

/** For the control API and the dashboard: a batch in paise, with its lines. */
export function settlementView(s: SimSettlement) {
  const t = totals(s);
  return {
    utr: s.utr,
    settled_at: new Date(s.settled_at).toISOString(),
    cutoff: new Date(s.cutoff).toISOString(),
    gross: t.gross,
    refunds: t.refunds,
    mdr: t.mdr,
    gst: t.gst,
    net: t.net,
    lines: s.lines.map((l) => ({ ...l, reported_amount: lineAmount(s, l), processed_at: new Date(l.processed_at).toISOString() })),
  };
}

/** Matching: each settlement line against our payments and refunds, and what is missing on either side. */
import { db } from "@/lib/db";
import type { SettlementWindow } from "@/lib/plural";
import { dayRange, fromPluralDate, settlementSpanProblem } from "./sweep";

export type LineStatus = "matched" | "matched_total" | "amount_differs" | "missing_ours" | "missing_plural" | "not_due";
export const LINE_STATUS_LABELS: Record<LineStatus, string> = {
  matched: "Matched",
  matched_total: "Matched by UTR total",
  amount_differs: "Amount differs",
  missing_ours: "Missing on our side",
  missing_plural: "Missing on Plural's side",
  not_due: "Not settled yet",
};

export type ReportRow = {
  status: LineStatus;
  kind: "payment" | "refund" | "unknown";
  utr: string | null;
  settledDate: string | null;
  transactionId: string | null;
  orderId: string | null;
  orderReference: string | null;
  pluralAmountInPaise: number | null;
  ourAmountInPaise: number | null;
  differenceInPaise: number | null;
  deductionInPaise: number | null;
  settledAmountInPaise: number | null;
  payoutStatus: string | null;
  processedAt: Date | null;
};

export type SettlementReport = {
  window: SettlementWindow;
  settlements: Array<{
    utr: string;
    settledDate: string | null;
    lines: number;
    actualAmountInPaise: number | null;
    deductionInPaise: number | null;
    totalAmountInPaise: number | null;
    totals: Record<string, number>;
  }>;
  rows: ReportRow[];
  counts: Record<LineStatus, number>;
};

/** How far before a settlement a refund it deducts may have been processed (T+1 by default; custom schedules up to T+45). */
const REFUND_LOOKBACK_MS = 7 * 86_400_000;

type RefundWithOrder = {
  id: string;
  pluralRefundId: string | null;
  amountInPaise: number;
  createdAt: Date;
  updatedAt: Date;
  order: { id: string; merchantOrderReference: string };
};

const carriedByAnyLine = (r: RefundWithOrder, lines: Array<{ transactionId: string }>) =>
  !!r.pluralRefundId && lines.some((l) => l.transactionId === r.pluralRefundId || orderIdOfTransaction(l.transactionId) === r.pluralRefundId);

/** A refund of ours, matched within a settlement. */
function refundRow(status: LineStatus, r: RefundWithOrder, st: { utr: string; settledDate: string | null }, pluralAmount: number): ReportRow {
  return {
    status,
    kind: "refund",
    utr: st.utr,
    settledDate: st.settledDate,
    transactionId: r.pluralRefundId,
    orderId: r.order.id,
    orderReference: r.order.merchantOrderReference,
    pluralAmountInPaise: pluralAmount,
    ourAmountInPaise: r.amountInPaise,
    differenceInPaise: 0,
    deductionInPaise: null,
    settledAmountInPaise: -r.amountInPaise,
    payoutStatus: null,
    processedAt: r.updatedAt,
  };
}

/** Plural's order id inside a payment id: v1-…-aa-XXXXXX-up-k → v1-…-aa-XXXXXX (the shape of Plural's settlement lines). */
const orderIdOfTransaction = (transactionId: string) => transactionId.replace(/-up-[^-]+$/, "");

const PAID = new Set(["PROCESSED"]);

/**
 * The window's settlements (settled on those India-time days) line by line, against our records;
 * then our payments and refunds processed in the window that no stored settlement carries. Those
 * processed within `graceHours` of now are "not due" (T+1, plus Plural's lag), the rest "missing
 * on Plural's side".
 */
export async function settlementReport(window: SettlementWindow, opts: { graceHours?: number; now?: Date } = {}): Promise<SettlementReport> {
  const problem = settlementSpanProblem(window);
  if (problem) throw new RangeError(`settlements ${window.from}…${window.to}: ${problem}`);
  const { start, end } = dayRange(window);
  const now = opts.now ?? new Date();
  const grace = (opts.graceHours ?? 48) * 3600_000;
  // Settlements a little before the window too: their refund totals take refunds that the window's must not count again.
  const earlier = new Date(start.getTime() - REFUND_LOOKBACK_MS);
  const withEarlier = await db().settlement.findMany({
    where: { settledAt: { gte: earlier, lte: end } },
    include: { lines: true },
    orderBy: { settledAt: "asc" },
  });
  const settlements = withEarlier.filter((x) => x.settledAt && x.settledAt >= start);
  const lines = settlements.flatMap((s) => s.lines.map((l) => ({ ...l, utr: s.utr, settledDate: s.settledDate })));
  const ids = [...new Set(lines.map((l) => l.transactionId))];
  const orderIds = [...new Set(ids.map(orderIdOfTransaction))];

  const [payments, refunds, byOrder] = await Promise.all([
    db().payment.findMany({ where: { pluralPaymentId: { in: ids } }, include: { order: { select: { id: true, merchantOrderReference: true } } } }),
    db().refund.findMany({
      where: { OR: [{ pluralRefundId: { in: ids } }, { pluralRefundId: { in: orderIds } }] },
      include: { order: { select: { id: true, merchantOrderReference: true } } },
    }),
    db().payment.findMany({
      where: { status: "PROCESSED", order: { pluralOrderId: { in: orderIds } } },
      include: { order: { select: { id: true, merchantOrderReference: true, pluralOrderId: true } } },
    }),
  ]);
  const paymentById = new Map(payments.map((p) => [p.pluralPaymentId!, p]));
  const refundById = new Map(refunds.map((r) => [r.pluralRefundId!, r]));
  const paymentByOrder = new Map(byOrder.map((p) => [p.order.pluralOrderId!, p]));

  const rows: ReportRow[] = [];
  for (const l of lines) {
    const pluralAmount = l.transactionAmountInPaise ?? l.actualAmountInPaise;
    const refund = refundById.get(l.transactionId) ?? refundById.get(orderIdOfTransaction(l.transactionId));
    const payment = refund ? undefined : (paymentById.get(l.transactionId) ?? paymentByOrder.get(orderIdOfTransaction(l.transactionId)));
    const ours = refund ?? payment;
    const ourAmount = ours ? ours.amountInPaise : null;
    const differs = ours && pluralAmount !== null && Math.abs(pluralAmount) !== ourAmount;
    rows.push({
      status: !ours ? "missing_ours" : differs ? "amount_differs" : "matched",
      kind: refund ? "refund" : payment ? "payment" : "unknown",
      utr: l.utr,
      settledDate: l.settledDate,
      transactionId: l.transactionId,
      orderId: ours?.order.id ?? null,
      orderReference: ours?.order.merchantOrderReference ?? null,
      pluralAmountInPaise: pluralAmount,
      ourAmountInPaise: ourAmount,
      differenceInPaise: ours && pluralAmount !== null ? Math.abs(pluralAmount) - ourAmount! : null,
      deductionInPaise: l.deductionInPaise,
      settledAmountInPaise: l.settledAmountInPaise,
      payoutStatus: l.payoutStatus,
      processedAt: fromPluralDate(l.processedDate ?? undefined),
    });
  }

  // Refunds that no line carries are in some settlement's `total_refund` (Plural reports them only
  // there, in the settlement's deductions): each settlement's refund total not explained by refund lines is
  // matched with our refunds processed before it, oldest first, that make up exactly that sum.
  const [ourPayments, allRefunds] = await Promise.all([
    db().payment.findMany({
      where: { status: { in: [...PAID] }, pluralPaymentId: { not: null }, updatedAt: { gte: start, lte: end } },
      include: { order: { select: { id: true, merchantOrderReference: true, pluralOrderId: true } } },
    }),
    db().refund.findMany({
      where: { status: "PROCESSED", updatedAt: { gte: new Date(earlier.getTime() - REFUND_LOOKBACK_MS), lte: end } },
      include: { order: { select: { id: true, merchantOrderReference: true } } },
      orderBy: { createdAt: "asc" },
    }),
  ]);
  const allLines = withEarlier.flatMap((x) => x.lines);
  const byLine = new Set(allRefunds.filter((r) => carriedByAnyLine(r, allLines)).map((r) => r.id));
  const byTotal = new Set<string>();
  for (const st of withEarlier) {
    const total = (JSON.parse(st.totals) as Record<string, number>).refundInPaise ?? 0;
    const linesHere = new Set(st.lines.map((l) => l.transactionId));
    const inLines = allRefunds
      .filter((r) => r.pluralRefundId && (linesHere.has(r.pluralRefundId) || [...linesHere].some((t) => orderIdOfTransaction(t) === r.pluralRefundId)))
      .reduce((n, r) => n + r.amountInPaise, 0);
    const unexplained = total - inLines;
    if (unexplained <= 0 || !st.settledAt) continue;
    // Requested before the settlement (when we learnt the outcome may be later: a sweep, a late webhook);
    // Plural's settled_date has whole seconds, and its clock is not ours: a minute's slack.
    const settled = st.settledAt.getTime() + 60_000;
    const open = allRefunds.filter((r) => !byLine.has(r.id) && !byTotal.has(r.id) && r.createdAt.getTime() <= settled);
    let sum = 0;
    const taken: typeof open = [];
    for (const r of open) {
      if (sum >= unexplained) break;
      sum += r.amountInPaise;
      taken.push(r);
    }
    const shown = st.settledAt >= start;
    if (sum === unexplained) {
      for (const r of taken) {
        byTotal.add(r.id);
        if (shown) rows.push(refundRow("matched_total", r, st, r.amountInPaise));
      }
    } else {
      // Plural deducted refunds this store cannot make up exactly: one row with the difference, to look
      // into (the refunds it may be are in it, not also reported missing).
      for (const r of open) byTotal.add(r.id);
      if (!shown) continue;
      rows.push({
        status: "amount_differs",
        kind: "refund",
        utr: st.utr,
        settledDate: st.settledDate,
        transactionId: null,
        orderId: null,
        orderReference: null,
        pluralAmountInPaise: unexplained,
        ourAmountInPaise: open.reduce((n, r) => n + r.amountInPaise, 0),
        differenceInPaise: unexplained - open.reduce((n, r) => n + r.amountInPaise, 0),
        deductionInPaise: null,
        settledAmountInPaise: -unexplained,
        payoutStatus: null,
        processedAt: null,
      });
    }
  }

  // The other way round: what we were paid (or refunded) in the window that no settlement carries.
  const ourRefunds = allRefunds.filter((r) => r.updatedAt >= start && !byTotal.has(r.id));
  const candidates = [
    ...ourPayments.map((p) => ({ kind: "payment" as const, keys: [p.pluralPaymentId!], row: p })),
    ...ourRefunds.map((r) => ({ kind: "refund" as const, keys: r.pluralRefundId ? [r.pluralRefundId] : [], row: r })),
  ];
  const keys = candidates.flatMap((c) => c.keys);
  const settledLines = keys.length
    ? await db().settlementLine.findMany({
        where: { OR: [{ transactionId: { in: keys } }, ...keys.map((k) => ({ transactionId: { startsWith: `${k}-up-` } }))] },
        select: { transactionId: true },
      })
    : [];
  const carried = new Set(settledLines.flatMap((l) => [l.transactionId, orderIdOfTransaction(l.transactionId)]));
  for (const c of candidates) {
    if (c.keys.some((k) => carried.has(k))) continue;
    if (c.kind === "payment" && paymentByOrder.get((c.row as (typeof ourPayments)[number]).order.pluralOrderId ?? "")?.id === c.row.id) continue;
    rows.push({
      status: now.getTime() - c.row.updatedAt.getTime() < grace ? "not_due" : "missing_plural",
      kind: c.kind,
      utr: null,
      settledDate: null,
      transactionId: c.keys[0] ?? null,
      orderId: c.row.order.id,
      orderReference: c.row.order.merchantOrderReference,
      pluralAmountInPaise: null,
      ourAmountInPaise: c.row.amountInPaise,
      differenceInPaise: null,
      deductionInPaise: null,
      settledAmountInPaise: null,
      payoutStatus: null,
      processedAt: c.row.updatedAt,
    });
  }

  const counts = { matched: 0, matched_total: 0, amount_differs: 0, missing_ours: 0, missing_plural: 0, not_due: 0 } satisfies Record<LineStatus, number>;
  for (const r of rows) counts[r.status]++;
  return {
    window,
    settlements: settlements.map((s) => ({
      utr: s.utr,
      settledDate: s.settledDate,
      lines: s.lines.length,
      actualAmountInPaise: s.actualAmountInPaise,
      deductionInPaise: s.deductionInPaise,
      totalAmountInPaise: s.totalAmountInPaise,
      totals: JSON.parse(s.totals) as Record<string, number>,
    })),
    rows,
    counts,
  };
}

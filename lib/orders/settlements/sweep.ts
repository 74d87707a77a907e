import { randomUUID } from "node:crypto";
import { db } from "@/lib/db";
import { log } from "@/lib/log";
import { PluralError, settlementWindows, type PluralSettlementDetail, type PluralSettlementSummary, type SettlementWindow } from "@/lib/plural";
import { plural } from "@/lib/plural-client";
import { runWithRequestId } from "@/lib/request-context";
import { countSweep, inSpan } from "@/lib/telemetry";
import { processGlobal } from "@/lib/process-global";

/**
 * Closing the books against what Plural paid out.
 *
 * `sweepSettlements` fetches every settlement settled in a span of days (in windows of at most 60
 * days, 10 a page) with all its lines, and stores each by its UTR, replacing what an earlier sweep
 * stored (Plural's data can arrive up to 3 hours late, so sweeping the same days again is expected).
 *
 * `settlementReport` matches each stored line to our payments and refunds by `transaction_id`, the
 * only key Plural gives: matched, amount differs, missing on our side, and, the other way round,
 * our processed payments and refunds that no settlement carries (missing on Plural's side, or not
 * due yet). It compares line amounts only; it never asserts that a batch's totals add up, since
 * Plural's own settlement samples do not.
 */

export type SweepReport = { windows: number; settlements: number; lines: number; failed: Array<{ utr?: string; window?: SettlementWindow; code: string }> };

const IST_MS = 330 * 60_000;
/** A zone-less Plural datetime read as India time. */
export const fromPluralDate = (s: string | undefined) => {
  if (!s || !/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2})?)?$/.test(s)) return null;
  const ms = Date.parse(`${s.length === 10 ? `${s}T00:00:00` : s}Z`) - IST_MS;
  return Number.isNaN(ms) ? null : new Date(ms);
};
/** The first and last instants of a span of India-time days. */
export const dayRange = (w: SettlementWindow) => ({
  start: new Date(Date.parse(`${w.from}T00:00:00Z`) - IST_MS),
  end: new Date(Date.parse(`${w.to}T23:59:59.999Z`) - IST_MS),
});
/** Today in India, YYYY-MM-DD, shifted by `days`. */
export const istDay = (days = 0, now = Date.now()) => new Date(now + IST_MS + days * 86_400_000).toISOString().slice(0, 10);

/**
 * The longest span a settlement search may cover: a year (0001-01-01 to 9999-12-31 would mean about
 * 60,000 Plural calls). Plural is asked for at most 60 days per call (lib/plural), so a sweep
 * of a year is 6 windows (and their pages); the console's report and CSV read a year at most too.
 */
const SETTLEMENT_SPAN_DAYS = 366;

/** Why a span of days cannot be searched (malformed, backwards, or longer than a year), or undefined when it can. */
export function settlementSpanProblem(range: SettlementWindow): string | undefined {
  const day = (d: string) => (/^\d{4}-\d{2}-\d{2}$/.test(d) ? Date.parse(`${d}T00:00:00Z`) : NaN);
  const from = day(range.from);
  const to = day(range.to);
  if (Number.isNaN(from) || Number.isNaN(to)) return "Choose a start and an end date.";
  if (from > to) return "The start date is after the end date.";
  if ((to - from) / 86_400_000 + 1 > SETTLEMENT_SPAN_DAYS) return `Choose at most ${SETTLEMENT_SPAN_DAYS} days at a time.`;
  return undefined;
}

export function sweepSettlements(range: SettlementWindow): Promise<SweepReport> {
  const problem = settlementSpanProblem(range);
  if (problem) return Promise.reject(new RangeError(`settlements ${range.from}…${range.to}: ${problem}`));
  return runWithRequestId(`settle_${randomUUID()}`, () =>
    inSpan("settlements.sweep", { "settlements.from": range.from, "settlements.to": range.to }, async (span) => {
      try {
        const report = await sweep(range);
        span.setAttributes({ "settlements.count": report.settlements, "settlements.lines": report.lines, "settlements.failed": report.failed.length });
        countSweep("settlements", report.failed.length ? "error" : "ok");
        log.info("settlements.swept", { ...range, settlements: report.settlements, lines: report.lines, failed: report.failed.length });
        return report;
      } catch (e) {
        countSweep("settlements", "error");
        throw e;
      }
    }),
  );
}

async function sweep(range: SettlementWindow): Promise<SweepReport> {
  const report: SweepReport = { windows: 0, settlements: 0, lines: 0, failed: [] };
  for (const window of settlementWindows(range)) {
    report.windows++;
    let summaries: PluralSettlementSummary[];
    try {
      summaries = await plural().allSettlements(window);
    } catch (e) {
      if (!(e instanceof PluralError)) throw e;
      log.warn("settlements.list_failed", { ...window, code: e.code, status: e.status });
      report.failed.push({ window, code: e.code });
      continue;
    }
    for (const summary of summaries) {
      try {
        const detail = await plural().settlementWithLines(summary.utr);
        report.lines += await store(summary, detail);
        report.settlements++;
      } catch (e) {
        if (!(e instanceof PluralError)) throw e;
        log.warn("settlements.detail_failed", { utr: summary.utr, code: e.code, status: e.status });
        report.failed.push({ utr: summary.utr, code: e.code });
      }
    }
  }
  return report;
}

/** Stores one settlement and its lines (replacing an earlier copy); answers the number of lines. */
async function store(summary: PluralSettlementSummary, detail: PluralSettlementDetail): Promise<number> {
  const lines = new Map<string, PluralSettlementDetail["transactions"][number]>();
  for (const t of detail.transactions) if (!lines.has(t.transactionId)) lines.set(t.transactionId, t);
  const data = {
    settledDate: summary.settledDate ?? null,
    settledAt: fromPluralDate(summary.settledDate),
    lastProcessedDate: summary.lastProcessedDate ?? null,
    bankName: summary.bankName ?? detail.bankName ?? null,
    bankAccount: summary.bankAccount ?? detail.bankAccount ?? null,
    programs: JSON.stringify(summary.programs.length ? summary.programs : detail.programs),
    transactionCount: summary.transactionCount ?? detail.transactionCount ?? null,
    actualAmountInPaise: summary.actualAmountInPaise ?? detail.totals.actualAmountInPaise ?? null,
    totalAmountInPaise: summary.totalAmountInPaise ?? detail.totals.settledAmountInPaise ?? null,
    deductionInPaise: summary.deductionInPaise ?? null,
    totals: JSON.stringify(detail.totals),
    fetchedAt: new Date(),
  };
  await db().$transaction(async (tx) => {
    const s = await tx.settlement.upsert({ where: { utr: summary.utr }, create: { utr: summary.utr, ...data }, update: data });
    await tx.settlementLine.deleteMany({ where: { settlementId: s.id } });
    await tx.settlementLine.createMany({
      data: [...lines.values()].map((t) => ({
        settlementId: s.id,
        transactionId: t.transactionId,
        transactionAmountInPaise: t.transactionAmountInPaise ?? null,
        actualAmountInPaise: t.actualAmountInPaise ?? null,
        deductionInPaise: t.deductionInPaise ?? null,
        settledAmountInPaise: t.settledAmountInPaise ?? null,
        processedDate: t.processedDate ?? null,
        transactionDate: t.transactionDate ?? null,
        payoutStatus: t.payoutStatus ?? null,
        program: t.program ?? null,
      })),
    });
  });
  return lines.size;
}

/* ------------------------------------------------------------------------------- schedule */

/** One sweeper per process, whatever Next bundle starts it. */
const g = processGlobal("settlementSweeper", () => ({}) as { settlementTimer?: NodeJS.Timeout });

/** Sweeps the last `days` days every `intervalMs` inside the server (SETTLEMENTS_INTERVAL_MS; 0 or unset: off). */
export function startSettlementSweeper(intervalMs: number, days = 3) {
  if (g.settlementTimer || !(intervalMs > 0)) return;
  let running = false;
  g.settlementTimer = setInterval(async () => {
    if (running) return;
    running = true;
    try {
      await sweepSettlements({ from: istDay(-days), to: istDay() });
    } catch (e) {
      log.error("settlements.sweep_failed", { error: String(e) });
    } finally {
      running = false;
    }
  }, intervalMs);
  g.settlementTimer.unref?.();
}

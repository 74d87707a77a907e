import { db, dbProvider } from "@/lib/db";
import { log } from "@/lib/log";
import { OPEN_STATUSES } from "../status/statuses";
import { failOrderUnknownToPlural } from "../status/refund-status";
import { syncOrder, syncRefund } from "./sync-order";
import { autoRefundsDue } from "../status/late-payments";
import { randomUUID } from "node:crypto";
import { runWithRequestId } from "@/lib/request-context";
import { countSweep, inSpan } from "@/lib/telemetry";
import { claimDueOrdersSkipLocked } from "../sql";
import { processGlobal } from "@/lib/process-global";

export type ReconcileOptions = {
  /** Only orders untouched for this long are swept (default 60 s: give webhooks a chance first). */
  olderThanMs?: number;
  limit?: number;
  now?: Date;
  /** First retry delay after a sweep found the order still open or Plural unreachable; doubles each time, capped at an hour. */
  baseBackoffMs?: number;
  /** Stop asking Plural at this time (epoch ms): the orders claimed but not asked about are due again at once (/api/cron/sweep). */
  deadline?: number;
};

export type ReconcileReport = {
  checked: number;
  updated: number;
  stillOpen: number;
  failed: number;
  skipped: number;
  refunds: number;
  /** Claimed but left for the next sweep: the deadline came first. */
  deferred?: number;
};

const OPEN = [...OPEN_STATUSES];
const CREATE_GIVE_UP_MS = 60 * 60 * 1000;
const MAX_AGE_MS = 7 * 24 * 60 * 60 * 1000;
const MAX_BACKOFF_MS = 60 * 60 * 1000;
/** A webhook's follow-up (or an automatic refund) normally runs within a second; past this, its process died. */
const FOLLOW_UP_GRACE_MS = 30_000;

/**
 * Asks Plural for the truth about every order still open past a threshold, so an order stays
 * right when the browser never came back and the webhook never arrived, and does the follow-ups
 * (Get Order after a webhook) that a process died before doing. Each order is claimed
 * before it is checked, so several processes can sweep at once without checking the same order
 * twice; each has its own backoff, so a fault upstream is retried later and nothing is lost.
 */
export function reconcile(opts: ReconcileOptions = {}): Promise<ReconcileReport> {
  // A sweep is a unit of work like a request: its own id on its log lines and timeline entries.
  return runWithRequestId(`sweep_${randomUUID()}`, () =>
    inSpan("reconcile.sweep", {}, async (span) => {
      try {
        const report = await sweep(opts);
        span.setAttributes({ "reconcile.checked": report.checked, "reconcile.updated": report.updated, "reconcile.failed": report.failed });
        countSweep("reconcile", "ok");
        return report;
      } catch (e) {
        countSweep("reconcile", "error");
        throw e;
      }
    }),
  );
}

async function sweep(opts: ReconcileOptions): Promise<ReconcileReport> {
  const now = opts.now ?? new Date();
  const report: ReconcileReport = { checked: 0, updated: 0, stillOpen: 0, failed: 0, skipped: 0, refunds: 0 };
  const claimed = dbProvider() === "postgresql" ? await claimSkipLocked(now, opts) : await claimGuarded(now, opts, report);
  for (const [i, o] of claimed.entries()) {
    if (opts.deadline !== undefined && Date.now() >= opts.deadline) {
      const rest = claimed.slice(i).map((c) => c.id);
      await db().order.updateMany({ where: { id: { in: rest } }, data: { nextSyncAt: now } });
      report.deferred = rest.length;
      break;
    }
    report.checked++;
    const r = await syncOrder(o.id, "sync", "RECONCILE");
    if (!r.ok) {
      if (r.code === "no_plural_order" && now.getTime() - o.createdAt.getTime() > CREATE_GIVE_UP_MS) {
        // Plural never received this order (its create failed and was never retried): it cannot be paid.
        if (await failOrderUnknownToPlural(o.id)) report.updated++;
        continue;
      }
      report.failed++;
      continue;
    }
    if (r.value.result.outcome === "applied") report.updated++;
    if (OPEN_STATUSES.has(r.value.status)) report.stillOpen++;
    else await db().order.update({ where: { id: o.id }, data: { nextSyncAt: null, syncAttempts: 0 } });
  }
  if (report.deferred) return report;
  // Refunds still waiting at Plural, which may send no webhook for them.
  report.refunds = await refundsDue(now, opts);
  if (report.checked || report.refunds) log.info("reconcile.done", report);
  // Automatic refunds of late payments that their process did not live to request.
  await autoRefundsDue(FOLLOW_UP_GRACE_MS, now);
  return report;
}

/**
 * Refunds waiting for their outcome (requested, or PENDING at Plural) past the threshold: each is
 * claimed with a guarded update that moves its next check ahead (backing off like orders), then
 * asked about with Get Order on its REFUND order (sync-order.ts). Answers how many were asked about.
 */
async function refundsDue(now: Date, opts: ReconcileOptions): Promise<number> {
  const base = opts.baseBackoffMs ?? 30_000;
  const due = await db().refund.findMany({
    where: {
      status: { in: ["CREATED", "PENDING"] },
      updatedAt: { lt: new Date(now.getTime() - (opts.olderThanMs ?? 60_000)) },
      createdAt: { gt: new Date(now.getTime() - MAX_AGE_MS) },
      OR: [{ nextSyncAt: null }, { nextSyncAt: { lte: now } }],
    },
    orderBy: { updatedAt: "asc" },
    take: opts.limit ?? 50,
    select: { id: true, syncAttempts: true },
  });
  let asked = 0;
  for (const r of due) {
    const won = await db().refund.updateMany({
      where: { id: r.id, syncAttempts: r.syncAttempts },
      data: { syncAttempts: r.syncAttempts + 1, nextSyncAt: new Date(now.getTime() + backoffMs(base, r.syncAttempts)) },
    });
    if (won.count === 0) continue; // another sweeper took it
    asked++;
    await syncRefund(r.id, now);
  }
  return asked;
}

type Claimed = { id: string; createdAt: Date };
const backoffMs = (base: number, attempts: number) => Math.min(base * 2 ** attempts, MAX_BACKOFF_MS);
/**
 * A payment may still be approved while Plural's order is PENDING within this long of its last change
 * (the payment's window, 15 minutes in the sandbox, and a margin): no backoff then, so an order paid
 * with every webhook lost is found within about two intervals (converge.test.ts), not minutes later.
 */
const LIVE_MS = 20 * 60 * 1000;
const live = (o: { status: string; pluralUpdatedAt: Date | null }, now: Date) =>
  o.status === "PENDING" && !!o.pluralUpdatedAt && o.pluralUpdatedAt.getTime() > now.getTime() - LIVE_MS;

/**
 * SQLite: read the due orders, then claim each with a guarded update (only one sweeper wins it).
 * Its backoff starts now, so a sweeper that dies mid-way leaves the order due again later.
 */
async function claimGuarded(now: Date, opts: ReconcileOptions, report: ReconcileReport): Promise<Claimed[]> {
  const base = opts.baseBackoffMs ?? 30_000;
  const due = await db().order.findMany({
    // Orders abandoned for a week are left alone: Plural will not change them any more.
    where: {
      OR: [
        {
          status: { in: OPEN },
          updatedAt: { lt: new Date(now.getTime() - (opts.olderThanMs ?? 60_000)) },
          createdAt: { gt: new Date(now.getTime() - MAX_AGE_MS) },
        },
        // A follow-up its webhook's process did not live to run.
        { followUpAt: { lte: new Date(now.getTime() - FOLLOW_UP_GRACE_MS) } },
      ],
      AND: [{ OR: [{ nextSyncAt: null }, { nextSyncAt: { lte: now } }] }],
    },
    orderBy: { updatedAt: "asc" },
    take: opts.limit ?? 50,
    select: { id: true, syncAttempts: true, createdAt: true, status: true, pluralUpdatedAt: true },
  });
  const claimed: Claimed[] = [];
  for (const o of due) {
    const wait = live(o, now) ? base : backoffMs(base, o.syncAttempts);
    const won = await db().order.updateMany({
      where: { id: o.id, syncAttempts: o.syncAttempts },
      data: { syncAttempts: o.syncAttempts + 1, nextSyncAt: new Date(now.getTime() + wait) },
    });
    if (won.count === 0) report.skipped++;
    else claimed.push(o);
  }
  return claimed;
}

/**
 * PostgreSQL: one statement claims a batch. `FOR UPDATE SKIP LOCKED` lets every instance's sweeper
 * run at once, each taking rows the others are not taking, without waiting on each other.
 */
async function claimSkipLocked(now: Date, opts: ReconcileOptions): Promise<Claimed[]> {
  return claimDueOrdersSkipLocked({
    open: OPEN,
    untouchedBefore: new Date(now.getTime() - (opts.olderThanMs ?? 60_000)),
    createdAfter: new Date(now.getTime() - MAX_AGE_MS),
    followUpBefore: new Date(now.getTime() - FOLLOW_UP_GRACE_MS),
    now,
    limit: opts.limit ?? 50,
    liveSince: new Date(now.getTime() - LIVE_MS),
    baseBackoffMs: opts.baseBackoffMs ?? 30_000,
    maxBackoffMs: MAX_BACKOFF_MS,
  });
}

/** One sweeper per process, whatever Next bundle starts it. */
const g = processGlobal("reconciler", () => ({}) as { reconcileTimer?: NodeJS.Timeout });

/** Runs the sweep inside the server every `intervalMs` (0 disables it). */
export function startReconciler(intervalMs: number) {
  if (g.reconcileTimer || intervalMs <= 0) return;
  let running = false;
  g.reconcileTimer = setInterval(async () => {
    if (running) return;
    running = true;
    try {
      await reconcile({ olderThanMs: Math.max(5_000, intervalMs) });
    } catch (e) {
      log.error("reconcile.failed", { error: String(e) });
    } finally {
      running = false;
    }
  }, intervalMs);
  g.reconcileTimer.unref?.();
}

import { db } from "@/lib/db";
import { log } from "@/lib/log";
import { OPEN_STATUSES } from "./statuses";
import { failOrderUnknownToPlural } from "./apply";
import { syncOrder } from "./sync";

export type ReconcileOptions = {
  /** Only orders untouched for this long are swept (default 60 s: give webhooks a chance first). */
  olderThanMs?: number;
  limit?: number;
  now?: Date;
  /** First retry delay after a sweep found the order still open or Plural unreachable; doubles each time, capped at an hour. */
  baseBackoffMs?: number;
};

export type ReconcileReport = { checked: number; updated: number; stillOpen: number; failed: number; skipped: number };

const OPEN = [...OPEN_STATUSES];
const CREATE_GIVE_UP_MS = 60 * 60 * 1000;
const MAX_AGE_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * Asks Plural for the truth about every order still open past a threshold, so an order stays
 * right when the browser never came back and the webhook never arrived. Each order is claimed
 * with a guarded update before it is checked, so several processes can sweep at once without
 * checking the same order twice; each has its own backoff, so a fault upstream is retried later
 * and nothing is lost.
 */
export async function reconcile(opts: ReconcileOptions = {}): Promise<ReconcileReport> {
  const now = opts.now ?? new Date();
  const olderThan = new Date(now.getTime() - (opts.olderThanMs ?? 60_000));
  const base = opts.baseBackoffMs ?? 30_000;
  const report: ReconcileReport = { checked: 0, updated: 0, stillOpen: 0, failed: 0, skipped: 0 };
  const due = await db().order.findMany({
    // Orders abandoned for a week are left alone: Plural will not change them any more.
    where: {
      status: { in: OPEN },
      updatedAt: { lt: olderThan },
      createdAt: { gt: new Date(now.getTime() - MAX_AGE_MS) },
      OR: [{ nextSyncAt: null }, { nextSyncAt: { lte: now } }],
    },
    orderBy: { updatedAt: "asc" },
    take: opts.limit ?? 50,
    select: { id: true, status: true, syncAttempts: true, nextSyncAt: true, pluralOrderId: true, createdAt: true },
  });
  for (const o of due) {
    const backoff = Math.min(base * 2 ** o.syncAttempts, 60 * 60 * 1000);
    // Claim: only one sweeper wins this update.
    const claimed = await db().order.updateMany({
      where: { id: o.id, syncAttempts: o.syncAttempts, status: { in: OPEN } },
      data: { syncAttempts: o.syncAttempts + 1, nextSyncAt: new Date(now.getTime() + backoff) },
    });
    if (claimed.count === 0) {
      report.skipped++;
      continue;
    }
    report.checked++;
    const r = await syncOrder(o.id, "sync", "RECONCILE");
    if (!r.ok) {
      if (r.reason === "no_plural_order" && now.getTime() - o.createdAt.getTime() > CREATE_GIVE_UP_MS) {
        // Plural never received this order (its create failed and was never retried): it cannot be paid.
        if (await failOrderUnknownToPlural(o.id)) report.updated++;
        continue;
      }
      report.failed++;
      continue;
    }
    if (r.result.outcome === "applied") report.updated++;
    if (OPEN_STATUSES.has(r.status)) report.stillOpen++;
    else await db().order.update({ where: { id: o.id }, data: { nextSyncAt: null, syncAttempts: 0 } });
  }
  if (report.checked) log.info("reconcile.done", report);
  return report;
}

const g = globalThis as unknown as { reconcileTimer?: NodeJS.Timeout };

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

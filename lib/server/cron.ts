import { createHash, timingSafeEqual } from "node:crypto";
import { env } from "@/lib/env";
import { housekeeping } from "@/lib/housekeeping";
import { log } from "@/lib/log";
import { reconcile, type ReconcileReport } from "@/lib/orders/sync/reconcile";
import { istDay, sweepSettlements, type SweepReport } from "@/lib/orders/settlements/sweep";

/**
 * What a scheduler runs where no timer lives between requests (a serverless host):
 * /api/cron/sweep and /api/cron/settlements. On a long-lived server the same work runs from timers
 * (lib/startup.ts) and these routes are optional.
 */

/**
 * Whether a request carries `Authorization: Bearer <CRON_SECRET>`. Compared in constant time (both
 * sides hashed first, so the length does not show either); with no CRON_SECRET set, nobody may call.
 */
export function cronAuthorized(authorization: string | null, secret = env().cronSecret): boolean {
  if (!secret || !authorization) return false;
  const m = /^Bearer (.+)$/.exec(authorization.trim());
  if (!m) return false;
  const digest = (v: string) => createHash("sha256").update(v).digest();
  return timingSafeEqual(digest(m[1]!), digest(secret));
}

/** Orders claimed per round: small, so a round ends soon after the deadline. */
const BATCH = 20;
/** Time kept back from the budget for the answer and the housekeeping. */
const MARGIN_MS = 2_000;

export type CronSweepReport = ReconcileReport & {
  rounds: number;
  /** False when the budget ran out with orders still due: the next call carries on. */
  done: boolean;
  ms: number;
  housekeeping?: { limits: number; sessions: number; carts: number };
};

/**
 * Sweeps in rounds until nothing is due or the budget (CRON_BUDGET_MS, below the host's function
 * limit) is spent. Every order is claimed before it is asked about (lib/orders/sync/reconcile.ts), so two
 * calls at once (two instances, a retried cron) never ask about the same order twice; each order
 * keeps its own backoff, so calling often costs nothing for orders checked a moment ago. Open orders
 * of any age are asked about: on a host without timers this is the only sweep there is.
 */
export async function cronSweep(opts: { budgetMs?: number; now?: () => number } = {}): Promise<CronSweepReport> {
  const now = opts.now ?? Date.now;
  const started = now();
  const budget = opts.budgetMs ?? env().cronBudgetMs;
  const deadline = started + Math.max(500, budget - MARGIN_MS);
  const total: CronSweepReport = { checked: 0, updated: 0, stillOpen: 0, failed: 0, skipped: 0, refunds: 0, deferred: 0, rounds: 0, done: false, ms: 0 };
  for (;;) {
    const r = await reconcile({ olderThanMs: 0, limit: BATCH, deadline });
    total.rounds++;
    for (const k of ["checked", "updated", "stillOpen", "failed", "skipped", "refunds"] as const) total[k] += r[k];
    total.deferred = r.deferred ?? 0;
    if (r.deferred || now() >= deadline) break;
    // A batch that was not full: nothing more is due now.
    if (r.checked + r.skipped < BATCH) {
      total.done = true;
      break;
    }
  }
  if (now() < deadline) total.housekeeping = await housekeeping();
  total.ms = now() - started;
  log.info("cron.sweep", { ...total });
  return total;
}

/** The settlements of the last `days` days (as SETTLEMENTS_INTERVAL_MS does on a server). */
export function cronSettlements(days = 3): Promise<SweepReport> {
  return sweepSettlements({ from: istDay(-days), to: istDay() });
}

import { ConfigError, env, type Env } from "@/lib/env";
import { log } from "@/lib/log";

/** Node-only start-up: stop the server at once on a bad configuration, listing every problem. */
export function startup(): void {
  try {
    const e = env();
    console.log(`Plural environment: ${e.pluralEnv} (${e.baseUrl})`);
    if (e.serverless) {
      // Nothing lives between requests here: the scheduler calls /api/cron/sweep and /api/cron/settlements.
      console.log("Serverless mode: no background timers; the sweep runs from /api/cron/sweep (docs/deploy.md).");
      return;
    }
    // Keep every open order true even when no browser and no webhook comes back.
    const interval = Number(process.env.RECONCILE_INTERVAL_MS ?? 30_000);
    void import("@/lib/orders/sync/reconcile").then(({ startReconciler }) => startReconciler(Number.isFinite(interval) ? interval : 30_000));
    // Settlements: off unless SETTLEMENTS_INTERVAL_MS is set (npm run settlements from cron is the other way).
    const settleEvery = Number(process.env.SETTLEMENTS_INTERVAL_MS ?? 0);
    if (settleEvery > 0) void import("@/lib/orders/settlements/sweep").then(({ startSettlementSweeper }) => startSettlementSweeper(settleEvery));
    // Expired rate-limit counts, console sessions and abandoned carts are deleted (lib/housekeeping.ts).
    void import("@/lib/housekeeping").then(({ startHousekeeping }) => startHousekeeping());
    if (e.pluralEnv === "sandbox") setTimeout(() => void checkSandbox(e), 500).unref();
    if (e.preAuth) void checkPreAuth(e);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
}

/**
 * In sandbox mode the store talks to its sandbox over HTTP, at an address built from APP_URL (or
 * PLURAL_BASE_URL). If that address is not this server (APP_URL names another port, or another
 * store answers there), every payment would fail later with "We could not reach the payment
 * service", or go to someone else's sandbox. Say so now, once, with the fix.
 */
export async function checkSandbox(e: Env, fetchImpl: typeof fetch = fetch): Promise<string | undefined> {
  const problem = await sandboxProblem(e, fetchImpl);
  if (problem) log.error("startup.sandbox_unreachable", { problem });
  return problem;
}

async function sandboxProblem(e: Env, fetchImpl: typeof fetch): Promise<string | undefined> {
  const here = process.env.PORT ? ` (this server listens on port ${process.env.PORT})` : "";
  let answer: { instance?: string };
  try {
    const res = await fetchImpl(`${e.baseUrl}/control/identity`, { signal: AbortSignal.timeout(5_000), cache: "no-store" });
    if (!res.ok)
      return `The Plural sandbox at ${e.baseUrl} answered ${res.status}${here}. Unset APP_URL (the store then uses the port it listens on) or point it at this server.`;
    answer = (await res.json()) as { instance?: string };
  } catch {
    return `The store cannot reach its Plural sandbox at ${e.baseUrl}${here}: checkout will fail. Unset APP_URL (the store then uses the port it listens on), or set APP_URL to this server's address.`;
  }
  if (e.sandboxServed) {
    const { sandbox } = await import("@/lib/sandbox");
    if (answer.instance !== sandbox().instanceId) {
      return `${e.baseUrl} is another server's Plural sandbox, not this one's${here}: payments would go to the wrong sandbox. Unset APP_URL, or set it to this server's address.`;
    }
  }
  return undefined;
}

/**
 * PLURAL_PRE_AUTH=true: Plural documents pre-auth for cards and Pay by Points only (reference §4.1),
 * while this store takes UPI. Said at start-up: a warning, or an error when this process's own sandbox
 * is set to refuse it (`pre_auth_upi: refused`). Either way no order is stuck: where Plural refuses,
 * the order is created without pre_auth (lib/orders/checkout/place-order.ts).
 */
export async function checkPreAuth(e: Env): Promise<"refused" | "unknown"> {
  if (e.sandboxServed) {
    const { sandbox } = await import("@/lib/sandbox");
    if (sandbox().settings.pre_auth_upi === "refused") {
      log.error("startup.pre_auth_refused", {
        problem:
          "PLURAL_PRE_AUTH=true, but this sandbox refuses pre-auth with UPI (pre_auth_upi: refused): orders will be created without it and captured at once.",
        fix: 'Set PLURAL_PRE_AUTH=false, or PATCH /sandbox/control/settings {"pre_auth_upi": "honoured"}.',
      });
      return "refused";
    }
  }
  log.warn("startup.pre_auth", {
    note: "PLURAL_PRE_AUTH=true: Plural documents pre-auth for cards and Pay by Points only. Where it refuses it for UPI, orders are created without pre_auth (captured at once) and the log says so.",
  });
  return "unknown";
}

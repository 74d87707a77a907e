import { ConfigError, env, type Env } from "@/lib/env";
import { log } from "@/lib/log";

/** The configuration (lib/env.ts), or the server stops at once, listing every problem. */
export function configurationOrExit(): Env {
  try {
    return env();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
}

/** Node-only start-up: stop the server at once on a bad configuration, then start the timers. */
export function startup(): void {
  const e = configurationOrExit();
  console.log(`Plural environment: ${e.pluralEnv} (${e.baseUrl})`);
  if (e.serverless) {
    // Nothing lives between requests here: the scheduler calls /api/cron/sweep and /api/cron/settlements.
    console.log("Serverless mode: no background timers; the sweep runs from /api/cron/sweep (docs/deploy.md).");
    return;
  }
  // Keep every open order true even when no browser and no webhook comes back.
  void import("@/lib/orders/sync/reconcile").then(({ startReconciler }) => startReconciler(e.reconcileIntervalMs));
  // Settlements: off unless SETTLEMENTS_INTERVAL_MS is set (npm run settlements from cron is the other way).
  const settleEvery = e.settlementsIntervalMs;
  if (settleEvery > 0) void import("@/lib/orders/settlements/sweep").then(({ startSettlementSweeper }) => startSettlementSweeper(settleEvery));
  // Expired rate-limit counts, console sessions and abandoned carts are deleted (lib/housekeeping.ts).
  void import("@/lib/housekeeping").then(({ startHousekeeping }) => startHousekeeping());
  // Patient: under `next dev` the first request compiles the sandbox's route, which can take longer
  // than a request's timeout; the server is not wrong, only not ready.
  if (e.pluralEnv === "sandbox") setTimeout(() => void checkSandbox(e, fetch, { patienceMs: 60_000 }), 500).unref();
  if (e.preAuth) void checkPreAuth(e);
}

/**
 * In sandbox mode the store talks to its sandbox over HTTP, at an address built from APP_URL (or
 * PLURAL_BASE_URL). If that address is not this server (APP_URL names another port, or another
 * store answers there), every payment would fail later with "We could not reach the payment
 * service", or go to someone else's sandbox. Say so now, once, with the fix.
 */
export async function checkSandbox(
  e: Env,
  fetchImpl: typeof fetch = fetch,
  { patienceMs = 0, retryEveryMs = 2_000 }: { patienceMs?: number; retryEveryMs?: number } = {},
): Promise<string | undefined> {
  // Nothing answering is asked again until `patienceMs` has passed (a server still starting, or
  // compiling the route); a wrong answer is a wrong address, said at once.
  const until = Date.now() + patienceMs;
  let found = await sandboxProblem(e, fetchImpl);
  while (found?.unreachable && Date.now() + retryEveryMs <= until) {
    await new Promise((r) => setTimeout(r, retryEveryMs).unref());
    found = await sandboxProblem(e, fetchImpl);
  }
  if (found) log.error("startup.sandbox_unreachable", { problem: found.problem });
  return found?.problem;
}

/** What is wrong with the sandbox's address, if anything; `unreachable`: nothing answered (yet). */
async function sandboxProblem(e: Env, fetchImpl: typeof fetch): Promise<{ problem: string; unreachable?: true } | undefined> {
  const here = e.port ? ` (this server listens on port ${e.port})` : "";
  let answer: { instance?: string };
  try {
    const res = await fetchImpl(`${e.baseUrl}/control/identity`, { signal: AbortSignal.timeout(5_000), cache: "no-store" });
    if (!res.ok)
      return {
        problem: `The Plural sandbox at ${e.baseUrl} answered ${res.status}${here}. Unset APP_URL (the store then uses the port it listens on) or point it at this server.`,
      };
    answer = (await res.json()) as { instance?: string };
  } catch {
    return {
      problem: `The store cannot reach its Plural sandbox at ${e.baseUrl}${here}: checkout will fail. Unset APP_URL (the store then uses the port it listens on), or set APP_URL to this server's address.`,
      unreachable: true,
    };
  }
  if (e.sandboxServed) {
    const { sandbox } = await import("@/lib/sandbox");
    if (answer.instance !== sandbox().instanceId) {
      return {
        problem: `${e.baseUrl} is another server's Plural sandbox, not this one's${here}: payments would go to the wrong sandbox. Unset APP_URL, or set it to this server's address.`,
      };
    }
  }
  return undefined;
}

/**
 * PLURAL_PRE_AUTH=true: Plural documents pre-auth for cards and Pay by Points only (Pine Labs' "Create Order" page),
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

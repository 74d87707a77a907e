import { ConfigError, env } from "@/lib/env";

/** Node-only start-up: stop the server at once on a bad configuration, listing every problem. */
export function startup(): void {
  try {
    const e = env();
    console.log(`Plural environment: ${e.pluralEnv} (${e.baseUrl})`);
    // Keep every open order true even when no browser and no webhook comes back.
    const interval = Number(process.env.RECONCILE_INTERVAL_MS ?? 30_000);
    void import("@/lib/orders/reconcile").then(({ startReconciler }) => startReconciler(Number.isFinite(interval) ? interval : 30_000));
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
}

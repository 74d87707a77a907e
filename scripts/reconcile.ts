/**
 * `npm run reconcile`: one reconciliation sweep, for cron. Safe to run next to the server and in
 * several processes at once (each order is claimed before it is checked).
 *   npm run reconcile -- --older-than 60 --limit 200 [--base-backoff 30]   (seconds)
 */
import { existsSync } from "node:fs";
import { parseArgs } from "node:util";

if (existsSync(".env")) process.loadEnvFile(".env");
const { values } = parseArgs({
  options: { "older-than": { type: "string", default: "60" }, limit: { type: "string", default: "200" }, "base-backoff": { type: "string", default: "30" } },
});

async function main() {
  const { reconcile } = await import("../lib/orders/sync/reconcile");
  const report = await reconcile({
    olderThanMs: Number(values["older-than"]) * 1000,
    limit: Number(values.limit),
    baseBackoffMs: Number(values["base-backoff"]) * 1000,
  });
  console.log(JSON.stringify(report));
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);

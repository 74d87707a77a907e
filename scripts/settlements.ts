/**
 * `npm run settlements -- --from 2026-11-01 --to 2026-11-25`: fetches every settlement Plural made
 * on those days (India time; default the last 3 days), with its lines, and stores them by UTR (for
 * cron: sweeping the same days again is safe). Prints a report, and the reconciliation counts.
 */
import { existsSync } from "node:fs";
import { parseArgs } from "node:util";

if (existsSync(".env")) process.loadEnvFile(".env");
const { values } = parseArgs({ options: { from: { type: "string" }, to: { type: "string" }, grace: { type: "string", default: "48" } } });

async function main() {
  const { istDay, settlementSpanProblem, sweepSettlements } = await import("../lib/orders/settlements/sweep");
  const { settlementReport } = await import("../lib/orders/settlements/report");
  const to = values.to ?? istDay();
  const from = values.from ?? istDay(-3);
  const problem = settlementSpanProblem({ from, to });
  if (problem) throw new Error(`--from and --to must be YYYY-MM-DD, from <= to, a year apart at most: ${problem}`);
  const swept = await sweepSettlements({ from, to });
  const report = await settlementReport({ from, to }, { graceHours: Number(values.grace) });
  console.log(JSON.stringify({ from, to, ...swept, reconciliation: report.counts }));
  if (swept.failed.length) process.exitCode = 2;
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  },
);

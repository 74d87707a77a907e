import { env } from "@/lib/env";
import { json } from "./json";
import { memory, placeOrder, startPayment, status, webhookDup, webhookFresh } from "./prisma-ops";
import { rawPlaceOrder, rawStartPayment, rawStatus, rawWebhookDup, rawWebhookFresh, sqliteOnly } from "./raw-ops";

export const dynamic = "force-dynamic";

/**
 * Bare baseline routes for `npm run bench:load` and `npm run bench:soak`. Each makes the
 * same database statements (and upstream call) as one of our real paths with nothing else: no
 * signature check, no state machine, no retries, no validation beyond what it needs to run. What Next, Prisma
 * and the database cost on this machine is the floor; the benchmark reports our routes as a ratio
 * to it. They answer 404 unless the server runs with BENCH_ROUTES=1, which lib/env.ts allows only in
 * sandbox mode (a UAT or production store with it does not start), so a real store never has them.
 *
 * Each has a `raw-` twin beside it: the same statements in SQL through the same driver
 * (better-sqlite3, on the Prisma client's own connection, between its transactions; statements
 * prepared once), with no ORM. The Prisma twin against the raw one is what the ORM costs on each
 * path. SQLite only (what the benchmarks run on): on PostgreSQL they answer 501.
 */

const OPS: Record<string, { method: "GET" | "POST"; run: (req: Request) => Promise<Response> }> = {
  "raw-status": { method: "GET", run: sqliteOnly(rawStatus) },
  "raw-webhook-dup": { method: "POST", run: sqliteOnly(rawWebhookDup) },
  "raw-webhook-fresh": { method: "POST", run: sqliteOnly(rawWebhookFresh) },
  "raw-place-order": { method: "POST", run: sqliteOnly(rawPlaceOrder) },
  "raw-start-payment": { method: "POST", run: sqliteOnly(rawStartPayment) },
  status: { method: "GET", run: status },
  "webhook-dup": { method: "POST", run: webhookDup },
  "webhook-fresh": { method: "POST", run: webhookFresh },
  "place-order": { method: "POST", run: placeOrder },
  "start-payment": { method: "POST", run: startPayment },
  memory: { method: "GET", run: memory },
};

async function handle(req: Request, { params }: { params: Promise<{ op: string }> }) {
  const op = OPS[(await params).op];
  const e = env();
  if (!e.benchRoutes || e.pluralEnv !== "sandbox" || e.sandboxPublic || !op) return json({ error: "not found" }, 404);
  if (req.method !== op.method) return json({ error: "method not allowed" }, 405);
  return op.run(req);
}

export const GET = handle;
export const POST = handle;

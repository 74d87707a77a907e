import { cronAuthorized, cronSweep } from "@/lib/server/cron";

export const dynamic = "force-dynamic";
/** Seconds a serverless host lets one call run (Vercel reads it); the sweep stops before CRON_BUDGET_MS. */
export const maxDuration = 60;

const json = (body: unknown, status: number) => Response.json(body, { status, headers: { "cache-control": "no-store" } });

/**
 * The reconciliation sweep and housekeeping, for a scheduler (vercel.json's crons, a Kubernetes
 * CronJob, cron with curl). Only with `Authorization: Bearer <CRON_SECRET>`; anyone else gets 401
 * and nothing runs. Idempotent and safe to call from several places at once; bounded in time, and
 * `done: false` says the next call carries on (lib/server/cron.ts).
 */
async function handle(request: Request) {
  if (!cronAuthorized(request.headers.get("authorization"))) return json({ error: "Authorization: Bearer <CRON_SECRET> is required." }, 401);
  return json(await cronSweep(), 200);
}

export const GET = handle;
export const POST = handle;

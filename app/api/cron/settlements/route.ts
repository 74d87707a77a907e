import { cronAuthorized, cronSettlements } from "@/lib/server/cron";

export const dynamic = "force-dynamic";
export const maxDuration = 60;

const json = (body: unknown, status: number) => Response.json(body, { status, headers: { "cache-control": "no-store" } });

/** The settlements of the last three days (as SETTLEMENTS_INTERVAL_MS on a server), for a daily scheduler; Bearer CRON_SECRET only. */
async function handle(request: Request) {
  if (!cronAuthorized(request.headers.get("authorization"))) return json({ error: "Authorization: Bearer <CRON_SECRET> is required." }, 401);
  return json(await cronSettlements(), 200);
}

export const GET = handle;
export const POST = handle;

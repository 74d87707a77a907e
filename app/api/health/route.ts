import { db } from "@/lib/db";
import { env } from "@/lib/env";

export const dynamic = "force-dynamic";

/** Liveness and readiness: which Plural environment, and whether the database answers. */
export async function GET() {
  let dbOk = false;
  try {
    await db().$queryRawUnsafe("SELECT 1");
    dbOk = true;
  } catch {
    dbOk = false;
  }
  return Response.json({ ok: dbOk, env: env().pluralEnv, db: dbOk }, { status: dbOk ? 200 : 503, headers: { "cache-control": "no-store" } });
}

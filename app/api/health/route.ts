import { env } from "@/lib/env";
import { checkDatabase } from "@/lib/readiness";

export const dynamic = "force-dynamic";

/** Liveness: which Plural environment, and whether the database answers (`/api/ready` also asks Plural). */
export async function GET() {
  const { ok } = await checkDatabase();
  return Response.json({ ok, env: env().pluralEnv, db: ok }, { status: ok ? 200 : 503, headers: { "cache-control": "no-store" } });
}

import { readiness } from "@/lib/readiness";
import { withRequestId } from "@/lib/request-context";

export const dynamic = "force-dynamic";

/** Readiness: 200 when the database and Plural both answer in time, 503 (with which one did not) otherwise. */
export const GET = withRequestId(async () => {
  const r = await readiness();
  return Response.json(r, { status: r.ready ? 200 : 503, headers: { "cache-control": "no-store" } });
});

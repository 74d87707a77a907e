import { adminPassword, isAdmin } from "@/lib/admin-auth";
import { istDay, settlementSpanProblem } from "@/lib/orders/settlements/sweep";
import { settlementReport } from "@/lib/orders/settlements/report";
import { settlementCsv } from "@/lib/orders/settlements/csv";
import { withRequestId } from "@/lib/request-context";

export const dynamic = "force-dynamic";

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The settlement report of /admin/settlements as CSV, behind the console's sign-in. */
export const GET = withRequestId(async (request: Request) => {
  if (!adminPassword()) return new Response("Not Found", { status: 404 });
  if (!(await isAdmin())) return new Response("Sign in to the console first.", { status: 401, headers: { "content-type": "text/plain; charset=utf-8" } });
  const sp = new URL(request.url).searchParams;
  const from = DAY.test(sp.get("from") ?? "") ? sp.get("from")! : istDay(-7);
  const to = DAY.test(sp.get("to") ?? "") ? sp.get("to")! : istDay();
  const problem = settlementSpanProblem({ from, to });
  if (problem) return new Response(`${problem}\n`, { status: 400, headers: { "content-type": "text/plain; charset=utf-8" } });
  const grace = Number(sp.get("grace") ?? 48);
  const report = await settlementReport({ from, to }, { graceHours: Number.isFinite(grace) && grace >= 0 ? grace : 48 });
  return new Response(settlementCsv(report.rows), {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="settlements-${from}-to-${to}.csv"`,
      "cache-control": "no-store",
    },
  });
});

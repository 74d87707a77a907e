"use server";

import { redirect } from "next/navigation";
import { requireAdmin } from "@/lib/admin-auth";
import { formArg } from "@/lib/security/args";
import { settlementSpanProblem, sweepSettlements } from "@/lib/orders/settlements/sweep";

/** "Fetch from Plural": sweeps the window shown, then shows it again with what came. */
export async function fetchSettlements(formData: FormData) {
  await requireAdmin();
  // Called over HTTP with anything but a form: the page again, saying so, and nothing fetched.
  if (!formArg.safeParse(formData).success) redirect(`/admin/settlements?${new URLSearchParams({ error: "Not a form: choose the dates and try again." })}`);
  const from = String(formData.get("from") ?? "");
  const to = String(formData.get("to") ?? "");
  const grace = String(formData.get("grace") ?? "48");
  const back = (extra: Record<string, string>) => redirect(`/admin/settlements?${new URLSearchParams({ from, to, grace, ...extra })}`);
  const problem = settlementSpanProblem({ from, to }); // at most a year: 6 windows of 60 days at Plural
  if (problem) back({ error: problem });
  let done: string;
  try {
    const r = await sweepSettlements({ from, to });
    done = `Fetched ${r.settlements} settlement${r.settlements === 1 ? "" : "s"} (${r.lines} lines)${r.failed.length ? `; ${r.failed.length} could not be read, try again` : ""}.`;
  } catch {
    done = "Plural could not be asked just now; try again.";
  }
  back({ done });
}

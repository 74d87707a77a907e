import type { Metadata } from "next";
import Link from "next/link";
import { DataTable } from "@/components/DataTable";
import { requireAdmin } from "@/lib/admin-auth";
import { formatPaise } from "@/lib/money";
import { istDay, settlementSpanProblem } from "@/lib/orders/settlements/sweep";
import { LINE_STATUS_LABELS, settlementReport, type LineStatus } from "@/lib/orders/settlements/report";
import { fetchSettlements } from "./actions";

export const metadata: Metadata = { title: "Settlements · Merchant console" };

type Search = Promise<{ from?: string; to?: string; grace?: string; status?: string; done?: string; error?: string }>;
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const money = (p: number | null | undefined) => (p === null || p === undefined ? "–" : formatPaise(p));
const TONE: Record<LineStatus, string> = {
  matched: "bg-emerald-50 text-emerald-800",
  matched_total: "bg-emerald-50 text-emerald-800",
  amount_differs: "bg-amber-50 text-amber-800",
  missing_ours: "bg-red-50 text-red-800",
  missing_plural: "bg-red-50 text-red-800",
  not_due: "bg-slate-100 text-slate-700",
};

export default async function Settlements({ searchParams }: { searchParams: Search }) {
  await requireAdmin();
  const sp = await searchParams;
  const asked = { from: sp.from && DAY.test(sp.from) ? sp.from : istDay(-7), to: sp.to && DAY.test(sp.to) ? sp.to : istDay() };
  // A year at most (lib/orders/settlements/sweep.ts); past it, the last week, and why.
  const spanProblem = settlementSpanProblem(asked);
  const { from, to } = spanProblem ? { from: istDay(-7), to: istDay() } : asked;
  const graceNumber = Number(sp.grace ?? 48);
  const grace = Number.isFinite(graceNumber) && graceNumber >= 0 ? graceNumber : 48;
  const report = await settlementReport({ from, to }, { graceHours: grace });
  const filter = sp.status && sp.status in LINE_STATUS_LABELS ? (sp.status as LineStatus) : undefined;
  const rows = filter ? report.rows.filter((r) => r.status === filter) : report.rows;
  const query = (extra: Record<string, string> = {}) => new URLSearchParams({ from, to, grace: String(grace), ...extra }).toString();

  return (
    <div className="space-y-6">
      <header className="flex flex-wrap items-center justify-between gap-3">
        <h1 className="text-2xl font-semibold tracking-tight">Settlements</h1>
        <Link href="/admin" className="text-sm text-slate-600 underline">
          ← Orders
        </Link>
      </header>
      {sp.done && (
        <p role="status" className="rounded-lg bg-emerald-50 px-3 py-2 text-sm text-emerald-800">
          {sp.done}
        </p>
      )}
      {(sp.error ?? spanProblem) && (
        <p role="alert" className="rounded-lg bg-red-50 px-3 py-2 text-sm text-red-800">
          {sp.error ?? spanProblem}
        </p>
      )}
      <form className="grid gap-3 rounded-xl bg-white p-4 ring-1 ring-slate-200 sm:grid-cols-4" action={fetchSettlements}>
        <label className="grid gap-1 text-sm">
          <span className="font-medium">Settled from</span>
          <input type="date" name="from" defaultValue={from} className="rounded border border-slate-300 px-2 py-1.5" />
        </label>
        <label className="grid gap-1 text-sm">
          <span className="font-medium">Settled to</span>
          <input type="date" name="to" defaultValue={to} className="rounded border border-slate-300 px-2 py-1.5" />
        </label>
        <label className="grid gap-1 text-sm">
          <span className="font-medium">Expect a payment settled after (hours)</span>
          <input type="number" min={0} name="grace" defaultValue={grace} className="rounded border border-slate-300 px-2 py-1.5" />
        </label>
        <div className="flex items-end gap-3">
          <button className="rounded-lg bg-brand-600 px-4 py-1.5 text-sm font-medium text-white">Fetch from Plural</button>
        </div>
        <p className="text-xs text-slate-500 sm:col-span-4">
          Days are India time. Plural keeps six months of settlements and may publish one up to three hours late: fetching the same days again is safe.
        </p>
      </form>

      <section aria-labelledby="batches-h" className="space-y-2">
        <h2 id="batches-h" className="font-semibold">
          Payouts {from} to {to}
        </h2>
        <DataTable columns={["UTR", "Settled", "Lines", "Gross", "MDR", "GST", "Refunds", "Paid out"]} testId="settlements">
          {report.settlements.map((s) => (
            <tr key={s.utr}>
              <td className="px-3 py-2 font-mono text-xs">{s.utr}</td>
              <td className="px-3 py-2 text-xs">{s.settledDate ?? "–"}</td>
              <td className="px-3 py-2 tabular-nums">{s.lines}</td>
              <td className="px-3 py-2 tabular-nums">{money(s.actualAmountInPaise)}</td>
              <td className="px-3 py-2 tabular-nums">{money(s.totals.mdrInPaise)}</td>
              <td className="px-3 py-2 tabular-nums">{money(s.totals.gstInPaise)}</td>
              <td className="px-3 py-2 tabular-nums">{money(s.totals.refundInPaise)}</td>
              <td className="px-3 py-2 tabular-nums font-medium">{money(s.totalAmountInPaise)}</td>
            </tr>
          ))}
          {report.settlements.length === 0 && (
            <tr>
              <td colSpan={8} className="px-3 py-6 text-center text-slate-600">
                No settlements stored for these days. Fetch them from Plural.
              </td>
            </tr>
          )}
        </DataTable>
        <p className="text-xs text-slate-500">Totals are Plural&apos;s, as reported; they are shown, not checked (Plural&apos;s own samples do not add up).</p>
      </section>

      <section aria-labelledby="lines-h" className="space-y-2">
        <div className="flex flex-wrap items-center justify-between gap-3">
          <h2 id="lines-h" className="font-semibold">
            Reconciliation
          </h2>
          <a href={`/admin/settlements/export?${query()}`} className="rounded-lg px-3 py-1.5 text-sm font-medium text-brand-700 ring-1 ring-brand-600" download>
            Export CSV
          </a>
        </div>
        <nav aria-label="Filter by status" className="flex flex-wrap gap-2 text-sm" data-testid="reconciliation-counts">
          <Link href={`/admin/settlements?${query()}`} className={`rounded-full px-3 py-1 ring-1 ring-slate-200 ${filter ? "" : "bg-slate-900 text-white"}`}>
            All {report.rows.length}
          </Link>
          {(Object.keys(LINE_STATUS_LABELS) as LineStatus[]).map((s) => (
            <Link
              key={s}
              href={`/admin/settlements?${query({ status: s })}`}
              className={`rounded-full px-3 py-1 ring-1 ring-slate-200 ${filter === s ? "bg-slate-900 text-white" : TONE[s]}`}
              data-status={s}
            >
              {LINE_STATUS_LABELS[s]} {report.counts[s]}
            </Link>
          ))}
        </nav>
        <DataTable columns={["Status", "Transaction", "Order", "Plural says", "We have", "UTR"]} testId="reconciliation">
          {rows.map((r, i) => (
            <tr key={`${r.transactionId}-${r.utr}-${i}`} data-status={r.status}>
              <td className="px-3 py-2">
                <span className={`rounded px-2 py-0.5 text-xs font-medium ${TONE[r.status]}`}>{LINE_STATUS_LABELS[r.status]}</span>
                {r.kind === "refund" && <span className="ml-1 text-xs text-slate-500">refund</span>}
              </td>
              <td className="px-3 py-2 font-mono text-xs">{r.transactionId ?? "–"}</td>
              <td className="px-3 py-2">
                {r.orderId ? (
                  <Link href={`/admin/orders/${r.orderId}`} className="font-mono text-xs text-brand-700 underline">
                    {r.orderReference}
                  </Link>
                ) : (
                  "–"
                )}
              </td>
              <td className="px-3 py-2 tabular-nums">{money(r.pluralAmountInPaise)}</td>
              <td className="px-3 py-2 tabular-nums">{money(r.ourAmountInPaise)}</td>
              <td className="px-3 py-2 font-mono text-xs">{r.utr ?? "–"}</td>
            </tr>
          ))}
          {rows.length === 0 && (
            <tr>
              <td colSpan={6} className="px-3 py-6 text-center text-slate-600">
                Nothing to show.
              </td>
            </tr>
          )}
        </DataTable>
      </section>
    </div>
  );
}

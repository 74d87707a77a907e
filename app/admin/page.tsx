import type { Metadata } from "next";
import Link from "next/link";
import { DataTable } from "@/components/DataTable";
import { StatusBadge } from "@/components/StatusBadge";
import { LatePaymentBadge } from "@/components/admin/LatePaymentBadge";
import { requireAdmin } from "@/lib/admin-auth";
import { formatPaise } from "@/lib/money";
import { formatDateTime } from "@/lib/time";
import { ORDER_STATUSES, refundableOf } from "@/lib/orders/status/statuses";
import { consoleOrders, type OrderFilter } from "@/lib/orders";
import { adminAction, signOut, signOutEverywhere } from "./actions";

export const metadata: Metadata = { title: "Orders · Merchant console" };

export default async function AdminOrders({ searchParams }: { searchParams: Promise<OrderFilter> }) {
  await requireAdmin();
  const { filter, orders, count, orderedInPaise, refundedInPaise, pages } = await consoleOrders(await searchParams);
  const { status, q, from, to, page, late } = filter;
  const link = (p: number) =>
    `/admin?${new URLSearchParams({ ...(status ? { status } : {}), ...(from ? { from } : {}), ...(to ? { to } : {}), ...(q ? { q } : {}), ...(late ? { late: "1" } : {}), page: String(p) })}`;

  return (
    <div className="space-y-6">
      <header className="flex flex-wrap items-center justify-between gap-3">
        <h1 className="text-2xl font-semibold tracking-tight">Orders</h1>
        <Link href="/admin?late=1" className="text-sm text-brand-700 underline">
          Paid late or twice
        </Link>
        <Link href="/admin/settlements" className="text-sm text-brand-700 underline">
          Settlements
        </Link>
        <div className="flex gap-3">
          <form action={signOut}>
            <button className="text-sm text-slate-600 underline">Sign out</button>
          </form>
          <form action={signOutEverywhere}>
            <button className="text-sm text-slate-600 underline" title="Ends the console's sessions in every browser">
              Sign out everywhere
            </button>
          </form>
        </div>
      </header>
      <form method="get" className="grid gap-3 rounded-xl bg-white p-4 ring-1 ring-slate-200 sm:grid-cols-2 lg:grid-cols-5" role="search">
        {late && <input type="hidden" name="late" value="1" />}
        <label className="grid gap-1 text-sm lg:col-span-2">
          <span className="font-medium">Search</span>
          <input
            name="q"
            defaultValue={q}
            placeholder="Reference, e-mail, Plural order id or request id"
            className="rounded border border-slate-300 px-2 py-1.5"
          />
        </label>
        <label className="grid gap-1 text-sm">
          <span className="font-medium">Status</span>
          <select name="status" defaultValue={status ?? ""} className="rounded border border-slate-300 px-2 py-1.5">
            <option value="">Any</option>
            {ORDER_STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label className="grid gap-1 text-sm">
          <span className="font-medium">From</span>
          <input type="date" name="from" defaultValue={from} className="rounded border border-slate-300 px-2 py-1.5" />
        </label>
        <label className="grid gap-1 text-sm">
          <span className="font-medium">To</span>
          <input type="date" name="to" defaultValue={to} className="rounded border border-slate-300 px-2 py-1.5" />
        </label>
        <div className="flex gap-3 lg:col-span-5">
          <button className="rounded-lg bg-brand-600 px-4 py-1.5 text-sm font-medium text-white">Filter</button>
          <Link href="/admin" className="self-center text-sm text-slate-600 underline">
            Clear
          </Link>
        </div>
      </form>
      <p className="text-sm text-slate-700" data-testid="admin-totals">
        {count} order{count === 1 ? "" : "s"} · {formatPaise(orderedInPaise)} ordered · {formatPaise(refundedInPaise)} refunded
      </p>
      <DataTable columns={["Reference", "Customer", "Amount", "Status", "Plural order", "Placed"]}>
        {orders.map((o) => (
          <tr key={o.id}>
            <td className="px-3 py-2">
              <Link href={`/admin/orders/${o.id}`} className="font-mono text-brand-700 underline">
                {o.merchantOrderReference}
              </Link>
            </td>
            <td className="px-3 py-2">{o.customerEmail}</td>
            <td className="px-3 py-2 tabular-nums">{formatPaise(o.amountInPaise)}</td>
            <td className="px-3 py-2">
              <span className="flex flex-wrap items-center gap-1">
                <StatusBadge status={o.status} />
                <LatePaymentBadge kind={o.latePayment} />
              </span>
              {o.latePayment && refundableOf(o) > 0 && (
                <form action={adminAction} className="mt-1">
                  <input type="hidden" name="orderId" value={o.id} />
                  <input type="hidden" name="action" value="refund-late" />
                  <button className="rounded bg-red-700 px-2 py-0.5 text-xs font-medium text-white">
                    {o.latePayment === "PAID_TWICE" && !o.latePaymentOf
                      ? "Refund the second payment" // paid on two of its Plural orders: the order keeps one
                      : `Refund ${formatPaise(refundableOf(o))} in full`}
                  </button>
                </form>
              )}
            </td>
            <td className="px-3 py-2 font-mono text-xs">{o.pluralOrderId ?? "–"}</td>
            <td className="whitespace-nowrap px-3 py-2 text-xs text-slate-500">{formatDateTime(o.createdAt)}</td>
          </tr>
        ))}
        {orders.length === 0 && (
          <tr>
            <td colSpan={6} className="px-3 py-6 text-center text-slate-600">
              No orders match.
            </td>
          </tr>
        )}
      </DataTable>
      <nav aria-label="Pages" className="flex items-center justify-between text-sm">
        {page > 1 ? (
          <Link href={link(page - 1)} className="underline">
            ← Newer
          </Link>
        ) : (
          <span />
        )}
        <span>
          Page {page} of {pages}
        </span>
        {page < pages ? (
          <Link href={link(page + 1)} className="underline">
            Older →
          </Link>
        ) : (
          <span />
        )}
      </nav>
    </div>
  );
}

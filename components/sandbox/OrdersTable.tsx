import Link from "next/link";
import { StatusBadge } from "@/components/StatusBadge";
import { formatPaise } from "@/lib/money";
import type { OrderSummary } from "@/lib/sandbox";
import { formatDateTime } from "@/lib/time";
import { answerHref, modeLabel } from "./links";
import { Cell, Panel } from "./Panel";

const COLUMNS = [{ label: "Order" }, { label: "Reference" }, { label: "Amount" }, { label: "Status" }, { label: "Payments" }, { label: "Created" }];

/** The newest charge orders with their payments; a pending payment links to the UPI app to answer it. */
export function OrdersTable({ orders, total }: { orders: OrderSummary[]; total: number }) {
  return (
    <Panel
      id="orders-h"
      title="Orders"
      count={total}
      columns={COLUMNS}
      empty={orders.length === 0 ? "No orders yet. Check out in the store, or create one with curl (see the README)." : undefined}
    >
      {orders.map((o) => (
        <tr key={o.order_id} className="align-top">
          <Cell className="font-mono text-xs">{o.order_id}</Cell>
          <Cell className="font-mono text-xs">{o.merchant_order_reference}</Cell>
          <Cell className="whitespace-nowrap">{formatPaise(o.amount)}</Cell>
          <Cell>
            <StatusBadge status={o.status} />
            {o.pre_auth && <span className="ml-1 text-xs text-slate-500">pre-auth</span>}
            {o.refunded > 0 && <div className="text-xs text-slate-500">refunded {formatPaise(o.refunded)}</div>}
          </Cell>
          <Cell>
            <ul className="space-y-1">
              {o.payments.map((p) => (
                <li key={p.id} className="flex flex-wrap items-center gap-2">
                  <span className="font-mono text-xs">{p.id.slice(-4)}</span>
                  <span className="text-xs">{modeLabel(p)}</span>
                  <StatusBadge status={p.status} />
                  {p.error_detail && <span className="text-xs text-red-700">{p.error_detail.code}</span>}
                  {p.status === "PENDING" && (
                    <Link className="text-xs text-brand-700 underline" href={answerHref(p)}>
                      answer
                    </Link>
                  )}
                </li>
              ))}
            </ul>
          </Cell>
          <Cell className="text-xs text-slate-500 whitespace-nowrap">{formatDateTime(Date.parse(o.created_at))}</Cell>
        </tr>
      ))}
    </Panel>
  );
}

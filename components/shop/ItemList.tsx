import { formatPaise } from "@/lib/money";

/** Lines "name × quantity … amount" and the total, as every order summary shows them. */
export function ItemList({
  items,
  totalInPaise,
  totalTestId,
}: {
  items: ReadonlyArray<{ key: string; name: string; quantity: number; lineTotalInPaise: number }>;
  totalInPaise: number;
  totalTestId?: string;
}) {
  return (
    <>
      <ul className="divide-y divide-slate-100 text-sm">
        {items.map((i) => (
          <li key={i.key} className="flex justify-between gap-2 py-2">
            <span>
              {i.name} × {i.quantity}
            </span>
            <span className="tabular-nums">{formatPaise(i.lineTotalInPaise)}</span>
          </li>
        ))}
      </ul>
      <p className="mt-3 flex justify-between border-t border-slate-200 pt-3 font-semibold">
        <span>Total</span>
        <span className="tabular-nums" data-testid={totalTestId}>
          {formatPaise(totalInPaise)}
        </span>
      </p>
    </>
  );
}

/** An order's stored items in ItemList's shape. */
export const orderLines = (items: ReadonlyArray<{ id: string; name: string; quantity: number; unitPriceInPaise: number }>) =>
  items.map((i) => ({ key: i.id, name: i.name, quantity: i.quantity, lineTotalInPaise: i.unitPriceInPaise * i.quantity }));

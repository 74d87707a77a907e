"use client";

import Image from "next/image";
import Link from "next/link";
import { useOptimistic, useState, useTransition } from "react";
import type { Result as ActionResult } from "@/lib/result";
import { formatPaise } from "@/lib/money";
import type { CartView } from "@/lib/orders/cart/cart";

type Line = CartView["lines"][number];

/** Cart lines with optimistic quantity changes; the server's answer (and its prices) then replaces them. */
export function CartLines({ lines, setQuantity }: { lines: Line[]; setQuantity: (productId: string, q: number) => Promise<ActionResult> }) {
  const [optimistic, apply] = useOptimistic(lines, (current: Line[], change: { productId: string; quantity: number }) =>
    current.flatMap((l) =>
      l.productId !== change.productId
        ? [l]
        : change.quantity <= 0
          ? []
          : [{ ...l, quantity: change.quantity, lineTotalInPaise: l.unitPriceInPaise * change.quantity }],
    ),
  );
  const [, startTransition] = useTransition();
  const [error, setError] = useState("");
  const change = (productId: string, quantity: number) =>
    startTransition(async () => {
      apply({ productId, quantity });
      const r = await setQuantity(productId, quantity);
      setError(r.ok ? "" : r.error);
    });
  const total = optimistic.reduce((s, l) => s + l.lineTotalInPaise, 0);

  return (
    <div>
      <ul className="divide-y divide-slate-200 rounded-xl bg-white ring-1 ring-slate-200">
        {optimistic.map((l) => (
          <li key={l.productId} className="flex flex-wrap items-center gap-4 p-4" data-testid="cart-line">
            <Image src={l.image} alt="" width={64} height={64} className="rounded-lg" unoptimized />
            <div className="min-w-40 flex-1">
              <Link href={`/products/${l.slug}`} prefetch={false} className="font-medium hover:text-brand-700">
                {l.name}
              </Link>
              <p className="text-sm text-slate-600">{formatPaise(l.unitPriceInPaise)} each</p>
            </div>
            <div className="flex items-center gap-2" role="group" aria-label={`Quantity of ${l.name}`}>
              <button
                type="button"
                onClick={() => change(l.productId, l.quantity - 1)}
                className="h-8 w-8 rounded-lg border border-slate-300"
                aria-label={`One fewer ${l.name}`}
              >
                −
              </button>
              <span className="w-6 text-center tabular-nums" data-testid="quantity">
                {l.quantity}
              </span>
              <button
                type="button"
                onClick={() => change(l.productId, l.quantity + 1)}
                disabled={l.quantity >= 10}
                className="h-8 w-8 rounded-lg border border-slate-300 disabled:opacity-40"
                aria-label={`One more ${l.name}`}
              >
                +
              </button>
            </div>
            <p className="w-28 text-right font-medium tabular-nums">{formatPaise(l.lineTotalInPaise)}</p>
            <button type="button" onClick={() => change(l.productId, 0)} className="text-sm text-slate-600 underline">
              Remove<span className="sr-only"> {l.name}</span>
            </button>
          </li>
        ))}
      </ul>
      <p aria-live="polite" className="mt-2 text-sm text-red-700">
        {error}
      </p>
      <div className="mt-4 flex items-center justify-between">
        <p className="text-lg">
          Total{" "}
          <span className="font-semibold tabular-nums" data-testid="cart-total">
            {formatPaise(total)}
          </span>
        </p>
        {optimistic.length > 0 && (
          <Link href="/checkout" className="rounded-lg bg-brand-600 px-5 py-2.5 font-medium text-white hover:bg-brand-700">
            Checkout
          </Link>
        )}
      </div>
    </div>
  );
}

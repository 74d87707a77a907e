"use client";

import { useActionState } from "react";
import type { Result as ActionResult } from "@/lib/result";

/** Adds a product on the server; says so in a live region. Works without JS too (plain form post). */
export function AddToCartButton({
  productId,
  action,
  label = "Add to cart",
}: {
  productId: string;
  action: (prev: ActionResult | null, fd: FormData) => Promise<ActionResult>;
  label?: string;
}) {
  const [state, submit, pending] = useActionState(action, null);
  return (
    <form action={submit} className="flex items-center gap-3">
      <input type="hidden" name="productId" value={productId} />
      <button disabled={pending} className="rounded-lg bg-brand-600 px-4 py-2 font-medium text-white hover:bg-brand-700 disabled:opacity-60">
        {pending ? "Adding…" : label}
      </button>
      <span aria-live="polite" className="text-sm text-slate-600">
        {state?.ok ? "Added to your cart." : state && !state.ok ? state.error : ""}
      </span>
    </form>
  );
}

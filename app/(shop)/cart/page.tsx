import type { Metadata } from "next";
import { CartLines } from "@/components/shop/CartLines";
import { EmptyCart } from "@/components/shop/EmptyCart";
import { setQuantityAction } from "../actions";
import { shopperCart } from "../session";

export const metadata: Metadata = { title: "Cart" };

export default async function CartPage({ searchParams }: { searchParams: Promise<{ cancelled?: string; busy?: string }> }) {
  const cart = await shopperCart();
  const { cancelled, busy } = await searchParams;
  return (
    <section aria-labelledby="cart-h" className="mx-auto max-w-3xl">
      <h1 id="cart-h" className="mb-4 text-2xl font-semibold tracking-tight">
        Your cart
      </h1>
      {cancelled && (
        <p role="status" className="mb-4 rounded-lg bg-slate-100 p-3 text-sm">
          Payment cancelled. Your cart is as you left it.
        </p>
      )}
      {busy && (
        <p role="alert" className="mb-4 rounded-lg bg-amber-50 p-3 text-sm text-amber-900">
          Too many new carts from your network just now. Please try again in a few minutes.
        </p>
      )}
      {cart.lines.length === 0 ? <EmptyCart /> : <CartLines lines={cart.lines} setQuantity={setQuantityAction} />}
    </section>
  );
}

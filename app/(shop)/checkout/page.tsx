import type { Metadata } from "next";
import { CheckoutForm } from "@/components/shop/CheckoutForm";
import { EmptyCart } from "@/components/shop/EmptyCart";
import { ItemList } from "@/components/shop/ItemList";
import { newCheckoutKey } from "@/lib/orders";
import { placeOrderAction } from "../actions";
import { shopperCart } from "../session";

export const metadata: Metadata = { title: "Checkout" };

export default async function CheckoutPage() {
  const cart = await shopperCart();
  if (cart.lines.length === 0) {
    return <EmptyCart />;
  }
  return (
    <div className="grid gap-10 lg:grid-cols-[1fr_360px]">
      <section aria-labelledby="checkout-h">
        <h1 id="checkout-h" className="mb-6 text-2xl font-semibold tracking-tight">
          Checkout
        </h1>
        <CheckoutForm action={placeOrderAction} checkoutKey={newCheckoutKey()} />
      </section>
      <aside aria-labelledby="summary-h" className="h-fit rounded-xl bg-white p-5 ring-1 ring-slate-200">
        <h2 id="summary-h" className="mb-3 font-semibold">
          Order summary
        </h2>
        <ItemList
          items={cart.lines.map((l) => ({ key: l.productId, name: l.name, quantity: l.quantity, lineTotalInPaise: l.lineTotalInPaise }))}
          totalInPaise={cart.totalInPaise}
          totalTestId="checkout-total"
        />
      </aside>
    </div>
  );
}

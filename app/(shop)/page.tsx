import Image from "next/image";
import Link from "next/link";
import { formatPaise } from "@/lib/money";
import { listProducts } from "@/lib/orders";
import { AddToCartButton } from "@/components/shop/AddToCartButton";
import { addToCartAction } from "./actions";

export const dynamic = "force-dynamic";

export default async function HomePage() {
  const products = await listProducts();
  return (
    <section aria-labelledby="catalog-heading">
      <h1 id="catalog-heading" className="text-2xl font-semibold tracking-tight mb-1">
        Catalog
      </h1>
      <p className="text-slate-600 mb-6">Small-batch goods from across India. Pay with any UPI app.</p>
      <ul className="grid gap-6 grid-cols-1 sm:grid-cols-2 lg:grid-cols-4">
        {products.map((p) => (
          <li key={p.id} className="group bg-white rounded-xl border border-slate-200 overflow-hidden hover:shadow-md transition-shadow">
            <Link href={`/products/${p.slug}`} prefetch={false} className="block">
              <Image src={p.image} alt="" width={400} height={400} className="aspect-square w-full object-cover" unoptimized />
              <div className="px-4 pt-4">
                <h2 className="font-medium group-hover:text-brand-700">{p.name}</h2>
                <p className="mt-1 text-slate-700" data-testid="price">
                  {formatPaise(p.priceInPaise)}
                </p>
              </div>
            </Link>
            <div className="p-4 pt-3">
              <AddToCartButton productId={p.id} action={addToCartAction} label={`Add`} />
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}

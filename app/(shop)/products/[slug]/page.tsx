import type { Metadata } from "next";
import Image from "next/image";
import Link from "next/link";
import { notFound } from "next/navigation";
import { AddToCartButton } from "@/components/shop/AddToCartButton";
import { formatPaise } from "@/lib/money";
import { productBySlug } from "@/lib/orders";
import { addToCartAction } from "../../actions";

type Params = Promise<{ slug: string }>;

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const p = await productBySlug((await params).slug);
  return { title: p?.name ?? "Product" };
}

export default async function ProductPage({ params }: { params: Params }) {
  const product = await productBySlug((await params).slug);
  if (!product) notFound();
  return (
    <article className="grid gap-8 md:grid-cols-2">
      <Image
        src={product.image}
        alt=""
        width={600}
        height={600}
        priority
        className="aspect-square w-full rounded-2xl object-cover ring-1 ring-slate-200"
        unoptimized
      />
      <div>
        <Link href="/" className="text-sm text-brand-700 underline">
          ← Catalog
        </Link>
        <h1 className="mt-2 text-3xl font-semibold tracking-tight">{product.name}</h1>
        <p className="mt-2 text-2xl" data-testid="price">
          {formatPaise(product.priceInPaise)}
        </p>
        <p className="mt-4 text-slate-700">{product.description}</p>
        <div className="mt-6">
          <AddToCartButton productId={product.id} action={addToCartAction} />
        </div>
        <p className="mt-6 text-sm text-slate-500">Pay with any UPI app: scan a QR, switch to your app, or get a request on your UPI ID.</p>
      </div>
    </article>
  );
}

import Link from "next/link";

export function EmptyCart() {
  return (
    <p className="text-slate-600">
      Your cart is empty.{" "}
      <Link href="/" prefetch={false} className="text-brand-700 underline">
        Browse the catalog
      </Link>
      .
    </p>
  );
}

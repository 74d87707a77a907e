import { db } from "@/lib/db";

/** What the shop shows of a product. */
export type ProductView = { id: string; slug: string; name: string; description: string; priceInPaise: number; image: string };

const fields = { id: true, slug: true, name: true, description: true, priceInPaise: true, image: true } as const;

/**
 * How long the catalog pages may show a product as it was: a product added, changed, repriced or
 * taken off sale shows on the home and product pages within this time, on every instance. What a
 * shopper pays is never read from here: the cart, the checkout and the order read today's prices
 * from the database.
 */
export const CATALOG_MAX_AGE_MS = 30_000;

/**
 * The catalog as the shop pages show it, read once per CATALOG_MAX_AGE_MS per process (and per
 * database client: tests swap it), not once per page view. Products change rarely and every visitor
 * sees the same ones; the pages themselves stay dynamic (a per-request CSP nonce, the cart count).
 * One read serves concurrent requests.
 */
type Snapshot = { client: unknown; readAt: number; products: Promise<ProductView[]>; bySlug: Promise<Map<string, ProductView>> };
let snapshot: Snapshot | undefined;

function catalog(): Snapshot {
  const client = db();
  const now = Date.now();
  if (!snapshot || snapshot.client !== client || now - snapshot.readAt >= CATALOG_MAX_AGE_MS) {
    const products = client.product.findMany({ where: { active: true }, orderBy: { createdAt: "asc" }, select: fields });
    const fresh: Snapshot = { client, readAt: now, products, bySlug: products.then((ps) => new Map(ps.map((p) => [p.slug, p]))) };
    // A failed read is not kept: the next request tries again.
    products.catch(() => {
      if (snapshot === fresh) snapshot = undefined;
    });
    snapshot = fresh;
  }
  return snapshot;
}

/** The catalog, in the order products were added (at most CATALOG_MAX_AGE_MS old). */
export async function listProducts(): Promise<ProductView[]> {
  return catalog().products;
}

/** One product on sale, by its slug; null when there is none (at most CATALOG_MAX_AGE_MS old). */
export async function productBySlug(slug: string): Promise<ProductView | null> {
  return (await catalog().bySlug).get(slug) ?? null;
}

/** Drops the kept catalog: the next page reads it afresh (for code that changes products in this process). */
export function forgetCatalog(): void {
  snapshot = undefined;
}

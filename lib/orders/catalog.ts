import { cache } from "react";
import { db } from "@/lib/db";

/** What the shop shows of a product. */
export type ProductView = { id: string; slug: string; name: string; description: string; priceInPaise: number; image: string };

const fields = { id: true, slug: true, name: true, description: true, priceInPaise: true, image: true } as const;

/** The catalog, in the order products were added. */
export async function listProducts(): Promise<ProductView[]> {
  return db().product.findMany({ where: { active: true }, orderBy: { createdAt: "asc" }, select: fields });
}

/** One product on sale, by its slug; null when there is none. Read once per request (metadata and page share it). */
export const productBySlug = cache(async (slug: string): Promise<ProductView | null> => {
  return db().product.findFirst({ where: { slug, active: true }, select: fields });
});

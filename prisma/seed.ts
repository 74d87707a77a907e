import { createPrismaClient } from "../lib/db";
import { CATALOG } from "./catalog";

/** Seeds the catalog. With --if-empty it does nothing when products already exist. */
async function main() {
  const prisma = createPrismaClient(process.env.DATABASE_URL ?? "file:./prisma/dev.db");
  try {
    if (process.argv.includes("--if-empty") && (await prisma.product.count()) > 0) return;
    for (const p of CATALOG) {
      const data = { name: p.name, description: p.description, priceInPaise: p.priceInPaise, image: `/products/${p.slug}.svg` };
      await prisma.product.upsert({ where: { slug: p.slug }, create: { slug: p.slug, ...data }, update: data });
    }
    console.log(`Seeded ${CATALOG.length} products.`);
  } finally {
    await prisma.$disconnect();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});

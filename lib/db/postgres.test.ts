import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPrismaClient, isUniqueViolation, type PrismaClient } from "@/lib/db";
import { createTestDatabase, testingOnPostgres } from "@/lib/testing/db";

/** PostgreSQL through @prisma/adapter-pg: runs when scripts/test.mjs runs the suites on PostgreSQL. */
describe.skipIf(!testingOnPostgres())("PostgreSQL driver", () => {
  let prisma: PrismaClient;
  beforeAll(async () => {
    process.env.DATABASE_POOL_SIZE = "5";
    prisma = createPrismaClient(await createTestDatabase());
  });
  afterAll(async () => {
    await prisma.$disconnect();
    delete process.env.DATABASE_POOL_SIZE;
  });

  const connections = async () =>
    Number((await prisma.$queryRaw<[{ n: bigint }]>`SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database()`)[0].n);

  it("keeps its pool: no connection leaks over hundreds of transactions", async () => {
    for (let i = 0; i < 300; i++) await prisma.$transaction(async (tx) => tx.cart.create({ data: { tokenHash: randomUUID() } }));
    await Promise.all(Array.from({ length: 200 }, () => prisma.$transaction(async (tx) => tx.cart.create({ data: { tokenHash: randomUUID() } }))));
    expect(await prisma.cart.count()).toBe(500);
    expect(await connections()).toBeLessThanOrEqual(5);
  }, 120_000);

  it("a guarded update lets exactly one of several concurrent writers move a row", async () => {
    const cart = await prisma.cart.create({ data: { tokenHash: randomUUID() } });
    const writers = 5; // the pool's size: all hold a transaction at once
    let read = 0;
    let allRead!: () => void;
    const barrier = new Promise<void>((r) => (allRead = r));
    const moved = await Promise.all(
      Array.from({ length: writers }, (_, i) =>
        prisma.$transaction(async (tx) => {
          const row = await tx.cart.findUniqueOrThrow({ where: { id: cart.id } });
          if (++read === writers) allRead();
          await barrier; // every writer has read the same version
          return (await tx.cart.updateMany({ where: { id: cart.id, updatedAt: row.updatedAt }, data: { createdAt: new Date(i * 1000) } })).count;
        }),
      ),
    );
    expect(moved.reduce((a, b) => a + b, 0)).toBe(1);
  });

  it("names the unique constraint a violation broke", async () => {
    await prisma.orderEvent.create({ data: { source: "x", type: "x", externalId: "dup", verified: true, payload: "{}" } });
    const e = await prisma.orderEvent
      .create({ data: { source: "x", type: "x", externalId: "dup", verified: true, payload: "{}" } })
      .catch((err: unknown) => err);
    expect(isUniqueViolation(e, "externalId")).toBe(true);
    expect(isUniqueViolation(e, "merchantOrderReference")).toBe(false);
  });
});

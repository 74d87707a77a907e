import type { SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import { randomUUID } from "node:crypto";
import { spawn } from "node:child_process";
import { readdirSync, readlinkSync } from "node:fs";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PrismaClient } from "@/lib/generated/prisma/client";
import { createTestDatabase, testingOnPostgres } from "@/lib/testing/db";
import { TRANSACTIONS } from "./index";
import { sqliteAdapter } from "./sqlite";

/** Open descriptors of this process on the database file (and its -wal, -shm, -journal). */
function handlesOn(file: string): number {
  let n = 0;
  for (const fd of readdirSync("/proc/self/fd")) {
    try {
      if (readlinkSync(`/proc/self/fd/${fd}`).startsWith(file)) n++;
    } catch {
      /* closed meanwhile */
    }
  }
  return n;
}

const tick = () => new Promise((r) => setTimeout(r, 5));

let url: string;
let file: string;
const clients: PrismaClient[] = [];
const client = (adapter: SqlMigrationAwareDriverAdapterFactory = sqliteAdapter(url)) => {
  const c = new PrismaClient({ adapter, transactionOptions: TRANSACTIONS });
  clients.push(c);
  return c;
};

beforeEach(async () => {
  if (testingOnPostgres()) return;
  url = await createTestDatabase();
  file = url.slice("file:".length);
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.$disconnect()));
});

describe.skipIf(testingOnPostgres())("SQLite driver (lib/db/sqlite.ts)", () => {
  it("uses WAL and a busy timeout", async () => {
    const prisma = client();
    const [{ journal_mode }] = await prisma.$queryRawUnsafe<[{ journal_mode: string }]>("PRAGMA journal_mode");
    const [{ timeout }] = await prisma.$queryRawUnsafe<[{ timeout: bigint }]>("PRAGMA busy_timeout");
    expect(journal_mode).toBe("wal");
    expect(Number(timeout)).toBeGreaterThanOrEqual(1000);
  });

  it("a write from another request never lands inside an open transaction (Prisma's own adapter lets it)", async () => {
    // The reason lib/db/sqlite.ts exists: one connection is shared by every request.
    const writeDuringRolledBackTransaction = async (prisma: PrismaClient) => {
      let outside: Promise<unknown> | undefined;
      await prisma
        .$transaction(async (tx) => {
          await tx.product.create({ data: { slug: "in-tx", name: "x", description: "x", priceInPaise: 100, image: "/x.svg" } });
          outside = prisma.product.create({ data: { slug: "outside", name: "y", description: "y", priceInPaise: 100, image: "/y.svg" } });
          // The transaction waits (as applyStatus awaits each statement) long enough for the other write to run.
          await Promise.race([outside, new Promise((r) => setTimeout(r, 200))]);
          throw new Error("roll back");
        })
        .catch(() => undefined);
      await outside;
      return (await prisma.product.findMany({ select: { slug: true } })).map((p) => p.slug);
    };

    expect(await writeDuringRolledBackTransaction(client(new PrismaBetterSqlite3({ url })))).toEqual([]); // lost with the rollback
    const fresh = await createTestDatabase();
    expect(await writeDuringRolledBackTransaction(client(sqliteAdapter(fresh)))).toEqual(["outside"]);
  });

  it("keeps one connection: no handle leaks over hundreds of transactions", async () => {
    const prisma = client();
    await prisma.product.count();
    const before = handlesOn(file);
    for (let i = 0; i < 300; i++) {
      await prisma.$transaction(async (tx) => {
        await tx.cart.create({ data: { tokenHash: randomUUID() } });
        await tx.cart.count();
      });
    }
    await Promise.all(Array.from({ length: 200 }, () => prisma.$transaction(async (tx) => tx.cart.create({ data: { tokenHash: randomUUID() } }))));
    expect(await prisma.cart.count()).toBe(500);
    expect(handlesOn(file)).toBe(before);
  }, 120_000);

  it("concurrent read-modify-write transactions never lose an update", async () => {
    const prisma = client();
    const p = await prisma.product.create({ data: { slug: "counter", name: "c", description: "c", priceInPaise: 0, image: "/c.svg" } });
    await Promise.all(
      Array.from({ length: 100 }, () =>
        prisma.$transaction(async (tx) => {
          const cur = await tx.product.findUniqueOrThrow({ where: { id: p.id } });
          await tick();
          await tx.product.update({ where: { id: p.id }, data: { priceInPaise: cur.priceInPaise + 1 } });
        }),
      ),
    );
    expect((await prisma.product.findUniqueOrThrow({ where: { id: p.id } })).priceInPaise).toBe(100);
  }, 120_000);

  it("another process's write lock makes a writer wait, not fail, and never blocks a reader", async () => {
    const prisma = client();
    await prisma.product.count(); // connected, WAL on
    // `npm run reconcile` (or any second process) holds the write lock for 400 ms.
    const child = spawn(
      process.execPath,
      [
        "-e",
        `const db = new (require("better-sqlite3"))(process.argv[1]);
         db.exec("BEGIN IMMEDIATE");
         db.prepare("INSERT INTO \\"Cart\\" (id, tokenHash, createdAt, updatedAt) VALUES ('other', 'other', 0, 0)").run();
         console.log("locked");
         setTimeout(() => { db.exec("COMMIT"); db.close(); }, 400);`,
        file,
      ],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    await new Promise<void>((resolve) => child.stdout!.once("data", () => resolve()));
    expect(await prisma.cart.count()).toBe(0); // a reader is not blocked, and sees only committed rows
    await prisma.cart.create({ data: { tokenHash: randomUUID() } }); // waits for the other process's commit
    expect(await prisma.cart.count()).toBe(2);
    await new Promise((r) => child.once("exit", r));
  });

  it("a failed transaction releases the connection and SQLite's write lock", async () => {
    const prisma = client();
    await expect(
      prisma.$transaction(async (tx) => {
        await tx.cart.create({ data: { id: "dup", tokenHash: randomUUID() } });
        await tx.cart.create({ data: { id: "dup", tokenHash: randomUUID() } });
      }),
    ).rejects.toMatchObject({ code: "P2002" });
    // The lock is free for this process and for another one.
    await prisma.cart.create({ data: { tokenHash: randomUUID() } });
    const other = new Database(file, { timeout: 100 });
    expect(() => other.exec("BEGIN IMMEDIATE; COMMIT;")).not.toThrow();
    other.close();
    expect(await prisma.cart.count()).toBe(1);
  });
});

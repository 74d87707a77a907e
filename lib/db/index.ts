import { PrismaClient } from "@/lib/generated/prisma/client";
import { env } from "@/lib/env";
import { sqliteAdapter } from "./sqlite";

const globalForDb = globalThis as unknown as { prisma?: PrismaClient };

/**
 * One Prisma client per process (dev reloads reuse it). SQLite through better-sqlite3: one
 * connection, WAL, statements serialised around transactions (lib/db/sqlite.ts says why).
 */
export function db(): PrismaClient {
  globalForDb.prisma ??= new PrismaClient({ adapter: sqliteAdapter(env().databaseUrl) });
  return globalForDb.prisma;
}

export type { PrismaClient };

/**
 * A unique-constraint violation (Prisma P2002). Checked by shape, not by class: each Next route
 * bundle has its own copy of Prisma's error classes, and the client is shared through globalThis.
 */
export function isUniqueViolation(e: unknown): boolean {
  return typeof e === "object" && e !== null && (e as { code?: unknown }).code === "P2002";
}

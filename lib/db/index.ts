import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@/lib/generated/prisma/client";
import { PrismaClient as PostgresClient } from "@/lib/generated/prisma-pg/client";
import { env } from "@/lib/env";
import { forgetProcessGlobal, peekProcessGlobal, processGlobal } from "@/lib/process-global";
import { sqliteAdapter, type RawSqlite } from "./sqlite";

type SqliteAdapter = ReturnType<typeof sqliteAdapter>;
/** The process's client ("prisma") and, on SQLite, its adapter ("prismaSqlite"): lib/process-global.ts. */
const CLIENT = "prisma";
const ADAPTER = "prismaSqlite";

const isPostgresUrl = (url: string) => /^postgres(ql)?:\/\//.test(url);

/** Which database the store runs on: PostgreSQL for production and several instances, SQLite by default. */
export const dbProvider = (): "postgresql" | "sqlite" => (isPostgresUrl(env().databaseUrl) ? "postgresql" : "sqlite");

/**
 * One Prisma client per process (dev reloads reuse it). `DATABASE_URL` picks the database:
 * - `file:...`: SQLite through better-sqlite3, one connection, WAL (lib/db/sqlite.ts says why);
 * - `postgresql://...`: PostgreSQL through `@prisma/adapter-pg` and a connection pool.
 * Both clients are generated from the same model (prisma/schema.prisma; PostgreSQL's schema is
 * derived from it by scripts/pg-schema.mjs), so they have the same API and the same types.
 */
export function db(): PrismaClient {
  return processGlobal(CLIENT, () => {
    const url = env().databaseUrl;
    forgetProcessGlobal(ADAPTER);
    const sqlite = isPostgresUrl(url) ? undefined : processGlobal(ADAPTER, () => sqliteAdapter(url));
    return createPrismaClient(url, sqlite);
  });
}

/** Closes the process's client and its pool (a shutdown: lib/server/shutdown.ts). */
export async function closeDb(): Promise<void> {
  const client = forgetProcessGlobal<PrismaClient>(CLIENT);
  forgetProcessGlobal(ADAPTER);
  await client?.$disconnect();
}

/**
 * Raw SQL through better-sqlite3 on db()'s own SQLite connection, between its transactions: the
 * benchmarks' floor (app/api/bench: what the same database work costs without the ORM). SQLite only.
 */
export const rawSqlite: RawSqlite = async (fn) => {
  const client = db();
  const adapter = peekProcessGlobal<SqliteAdapter>(ADAPTER);
  if (!adapter) throw new Error("rawSqlite: the database is not SQLite");
  if (!adapter.connection()) await client.$connect();
  return adapter.connection()!.exclusive(fn);
};

/**
 * A new client for a database URL (scripts and tests; the app uses db()). A PostgreSQL pool opens at
 * most `poolSize` connections (DATABASE_POOL_SIZE, read only for PostgreSQL).
 */
export function createPrismaClient(
  url: string,
  sqlite = isPostgresUrl(url) ? undefined : sqliteAdapter(url),
  poolSize = () => env().databasePoolSize,
): PrismaClient {
  return isPostgresUrl(url)
    ? (new PostgresClient({
        adapter: new PrismaPg({ connectionString: url, max: poolSize() }),
        transactionOptions: TRANSACTIONS,
        errorFormat: ERROR_FORMAT,
      }) as unknown as PrismaClient)
    : new PrismaClient({ adapter: sqlite!, transactionOptions: TRANSACTIONS, errorFormat: ERROR_FORMAT });
}

/**
 * Under load a transaction may queue (SQLite runs one at a time; PostgreSQL waits for a pooled
 * connection): waiting is expected, so allow 10 s to start one rather than Prisma's 2 s. Each
 * stays short (no network inside), so the 10 s limit on its duration is only a backstop.
 */
export const TRANSACTIONS = { maxWait: 10_000, timeout: 10_000 } as const;

/**
 * Errors say what failed (code, message, the constraint), without the code frame of the line that
 * made the call: to draw it, Prisma captures a stack trace (`new Error()`) on every call, failed or
 * not, which was a tenth of a paid webhook's CPU. The log and the trace say where a request failed.
 */
const ERROR_FORMAT = "minimal";

export type { PrismaClient };

type KnownError = {
  code?: unknown;
  meta?: { target?: unknown; driverAdapterError?: { cause?: { constraint?: { fields?: unknown; index?: unknown } } } };
};

/**
 * The fields of the unique constraint a Prisma P2002 error names, as far as the driver tells: their
 * names (SQLite), or the index's (`OrderEvent_externalId_key`: Prisma 7's PostgreSQL adapter).
 */
function uniqueFields(e: KnownError): string[] {
  const constraint = e.meta?.driverAdapterError?.cause?.constraint;
  const target = e.meta?.target ?? constraint?.fields ?? constraint?.index;
  if (Array.isArray(target)) return target.map(String);
  if (typeof target === "string") return [target];
  return [];
}

/**
 * A unique-constraint violation (Prisma P2002), optionally on a given field. Checked by shape, not
 * by class: each Next route bundle has its own copy of Prisma's error classes, and the client is
 * shared by every bundle (lib/process-global.ts). When the driver does not name the constraint, any P2002 matches.
 */
export function isUniqueViolation(e: unknown, field?: string): boolean {
  if (typeof e !== "object" || e === null || (e as KnownError).code !== "P2002") return false;
  if (!field) return true;
  const fields = uniqueFields(e as KnownError);
  return fields.length === 0 || fields.some((f) => f === field || f.endsWith(`_${field}_key`) || f.includes(field));
}

#!/usr/bin/env node
/**
 * Applies prisma/postgresql/migrations to a PostgreSQL database, like `prisma migrate deploy`, in
 * Prisma's own `_prisma_migrations` table (so Prisma Migrate can take over unchanged).
 *
 * Why not `prisma migrate deploy`: with a driver adapter (the only way Prisma 6.19 runs here without
 * downloading an engine) Migrate cannot read PostgreSQL's catalogue: "Column type 'name' could not
 * be deserialized from the database" (prisma/orm#27403, open). Each migration runs in its own
 * transaction; an advisory lock lets several instances start at once and migrate once.
 *   node scripts/migrate-pg.mjs            (DATABASE_URL=postgresql://...)
 */
import { createHash, randomUUID } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";

const DIR = "prisma/postgresql/migrations";
const LOCK = 7_270_736_900; // any constant shared by every instance of this app

export async function migratePostgres(url, { dir = DIR, log = console.log } = {}) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1)", [LOCK]);
    await client.query(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
      "id" VARCHAR(36) PRIMARY KEY NOT NULL,
      "checksum" VARCHAR(64) NOT NULL,
      "finished_at" TIMESTAMPTZ,
      "migration_name" VARCHAR(255) NOT NULL,
      "logs" TEXT,
      "rolled_back_at" TIMESTAMPTZ,
      "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
      "applied_steps_count" INTEGER NOT NULL DEFAULT 0)`);
    const done = new Set(
      (await client.query(`SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`)).rows.map(
        (r) => r.migration_name,
      ),
    );
    const pending = readdirSync(dir)
      .filter((d) => /^\d+_/.test(d) && existsSync(path.join(dir, d, "migration.sql")) && !done.has(d))
      .sort();
    for (const name of pending) {
      const sql = readFileSync(path.join(dir, name, "migration.sql"), "utf8");
      await client.query("BEGIN");
      try {
        await client.query(sql);
        await client.query(`INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, applied_steps_count) VALUES ($1, $2, now(), $3, 1)`, [
          randomUUID(),
          createHash("sha256").update(sql).digest("hex"),
          name,
        ]);
        await client.query("COMMIT");
      } catch (e) {
        await client.query("ROLLBACK");
        throw new Error(`Migration ${name} failed: ${e.message}`);
      }
    }
    log(pending.length ? `Applied ${pending.length} migration${pending.length === 1 ? "" : "s"}: ${pending.join(", ")}` : "No pending migrations.");
    return pending;
  } finally {
    await client.query("SELECT pg_advisory_unlock($1)", [LOCK]).catch(() => undefined);
    await client.end();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  if (existsSync(".env")) process.loadEnvFile(".env");
  const url = process.env.DATABASE_URL ?? "";
  if (!/^postgres(ql)?:\/\//.test(url)) {
    console.error("DATABASE_URL must be a postgresql:// URL");
    process.exit(2);
  }
  migratePostgres(url).catch((e) => {
    console.error(e.message);
    process.exit(1);
  });
}

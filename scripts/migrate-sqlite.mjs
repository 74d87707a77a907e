#!/usr/bin/env node
/**
 * Applies prisma/migrations to a SQLite database, like `prisma migrate deploy`, in Prisma's own
 * `_prisma_migrations` table (same columns, sha-256 checksums of the files, ISO timestamps), so
 * Prisma Migrate can take over unchanged wherever its schema engine can be downloaded.
 *
 * Why our own: Prisma 7's `migrate deploy` needs the schema engine binary, which it downloads on
 * first use; on a machine that cannot reach Prisma's servers (this project's CI) it cannot run.
 * Prisma 6.19 ran Migrate through the driver adapter (a Wasm schema engine); Prisma 7 dropped that.
 *
 * Each migration runs in its own `BEGIN IMMEDIATE` transaction with foreign keys off (Prisma's
 * table redefinitions drop and recreate tables; with foreign keys on, dropping a parent would
 * cascade into its children), and `PRAGMA foreign_key_check` must pass before it commits. The
 * write lock also makes two processes starting at once migrate once: the second finds it done.
 *   node scripts/migrate-sqlite.mjs        (DATABASE_URL=file:...)
 */
import { createHash, randomUUID } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";

const DIR = "prisma/migrations";

/** The migrations in `dir`, in order: [name, sql, checksum]. */
export function migrationsIn(dir) {
  return readdirSync(dir)
    .filter((d) => /^\d+_/.test(d) && existsSync(path.join(dir, d, "migration.sql")))
    .sort()
    .map((name) => {
      const sql = readFileSync(path.join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    });
}

/** The database file a `file:` URL names (relative paths from the working directory, as the store opens it). */
export const sqliteFile = (url) => url.replace(/^file:/, "").replace(/\?.*$/, "");

export function migrateSqlite(url, { dir = DIR, log = console.log, warn = console.warn } = {}) {
  const db = new Database(sqliteFile(url), { timeout: 30_000 });
  try {
    db.pragma("journal_mode = WAL");
    db.pragma("foreign_keys = OFF"); // no effect inside a transaction: set before any
    db.exec(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    TEXT PRIMARY KEY NOT NULL,
    "checksum"              TEXT NOT NULL,
    "finished_at"           DATETIME,
    "migration_name"        TEXT NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        DATETIME,
    "started_at"            DATETIME NOT NULL DEFAULT current_timestamp,
    "applied_steps_count"   INTEGER UNSIGNED NOT NULL DEFAULT 0
)`);
    const applied = [];
    for (const m of migrationsIn(dir)) {
      db.exec("BEGIN IMMEDIATE");
      try {
        const rows = db.prepare(`SELECT checksum, finished_at, rolled_back_at FROM "_prisma_migrations" WHERE migration_name = ?`).all(m.name);
        if (rows.some((r) => r.finished_at === null && r.rolled_back_at === null))
          throw new Error(
            `Migration ${m.name} started before and did not finish (as Prisma's P3009): fix the database, then mark it rolled back (prisma migrate resolve --rolled-back ${m.name}).`,
          );
        const done = rows.find((r) => r.finished_at !== null && r.rolled_back_at === null);
        if (done) {
          if (done.checksum !== m.checksum) warn(`Migration ${m.name} was modified after it was applied.`);
          db.exec("ROLLBACK");
          continue;
        }
        const startedAt = new Date().toISOString().replace("Z", "+00:00");
        db.exec(m.sql);
        const broken = db.pragma("foreign_key_check");
        if (broken.length) throw new Error(`it leaves ${broken.length} rows whose foreign keys point nowhere (first: ${JSON.stringify(broken[0])})`);
        db.prepare(
          `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, started_at, applied_steps_count) VALUES (?, ?, ?, ?, ?, 1)`,
        ).run(randomUUID(), m.checksum, new Date().toISOString().replace("Z", "+00:00"), m.name, startedAt);
        db.exec("COMMIT");
        applied.push(m.name);
      } catch (e) {
        if (db.inTransaction) db.exec("ROLLBACK");
        throw new Error(`Migration ${m.name} failed: ${e.message}`);
      }
    }
    log(applied.length ? `Applied ${applied.length} migration${applied.length === 1 ? "" : "s"}: ${applied.join(", ")}` : "No pending migrations.");
    return applied;
  } finally {
    db.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  if (existsSync(".env")) process.loadEnvFile(".env");
  const url = process.env.DATABASE_URL ?? "file:./prisma/dev.db";
  if (!url.startsWith("file:")) {
    console.error("DATABASE_URL must be a file: URL (PostgreSQL: scripts/migrate-pg.mjs)");
    process.exit(2);
  }
  try {
    migrateSqlite(url);
  } catch (e) {
    console.error(e.message);
    process.exit(1);
  }
}

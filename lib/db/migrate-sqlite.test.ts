import { spawn } from "node:child_process";
import { cpSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { migrateSqlite, migrationsIn } from "../../scripts/migrate-sqlite.mjs";

/** scripts/migrate-sqlite.mjs: Prisma Migrate's `_prisma_migrations`, kept offline (Prisma 7's migrate needs a downloaded engine). */
const root = path.resolve(__dirname, "../..");
const MIGRATIONS = path.join(root, "prisma/migrations");
const quiet = { log: () => undefined, warn: () => undefined };
const fresh = () => path.join(mkdtempSync(path.join(tmpdir(), "migrate-")), "db.sqlite");

describe("the SQLite migration runner", () => {
  it("applies every migration once, in Prisma's own table and format", () => {
    const file = fresh();
    expect(migrateSqlite(`file:${file}`, { dir: MIGRATIONS, ...quiet })).toEqual(migrationsIn(MIGRATIONS).map((m: { name: string }) => m.name));
    expect(migrateSqlite(`file:${file}`, { dir: MIGRATIONS, ...quiet })).toEqual([]);
    const db = new Database(file, { readonly: true });
    const rows = db.prepare(`SELECT * FROM "_prisma_migrations" ORDER BY migration_name`).all() as Array<Record<string, unknown>>;
    db.close();
    expect(rows.map((r) => [r.migration_name, r.checksum, r.applied_steps_count, r.rolled_back_at])).toEqual(
      migrationsIn(MIGRATIONS).map((m: { name: string; checksum: string }) => [m.name, m.checksum, 1, null]),
    );
    expect(rows[0]!.finished_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00$/); // as Prisma's schema engine writes it
  });

  it("a migration that fails changes nothing and is not recorded; one Prisma left unfinished is refused; an edited one is reported", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "migrations-"));
    cpSync(MIGRATIONS, dir, { recursive: true });
    const file = fresh();
    migrateSqlite(`file:${file}`, { dir, ...quiet });
    cpSync(path.join(dir, "20261124000000_init"), path.join(dir, "29990101000000_broken"), { recursive: true });
    writeFileSync(path.join(dir, "29990101000000_broken", "migration.sql"), `CREATE TABLE "Half" ("id" TEXT);\nINSERT INTO "Nowhere" VALUES (1);\n`);
    expect(() => migrateSqlite(`file:${file}`, { dir, ...quiet })).toThrow(/29990101000000_broken failed/);
    const db = new Database(file);
    expect(db.prepare(`SELECT name FROM sqlite_master WHERE name = 'Half'`).get()).toBeUndefined();
    expect(db.prepare(`SELECT COUNT(*) AS n FROM "_prisma_migrations" WHERE migration_name = '29990101000000_broken'`).get()).toEqual({ n: 0 });
    // What `prisma migrate deploy` leaves after a failure: a row never finished (P3009).
    db.prepare(
      `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count) VALUES ('x', 'y', '29990101000000_broken', '2026-12-05T00:00:00.000+00:00', 0)`,
    ).run();
    db.close();
    expect(() => migrateSqlite(`file:${file}`, { dir, ...quiet })).toThrow(/did not finish/);

    const edited = mkdtempSync(path.join(tmpdir(), "migrations-"));
    cpSync(MIGRATIONS, edited, { recursive: true });
    writeFileSync(path.join(edited, "20261124000000_init", "migration.sql"), "-- edited\n", { flag: "a" });
    const warnings: string[] = [];
    const other = fresh();
    migrateSqlite(`file:${other}`, { dir: MIGRATIONS, ...quiet });
    migrateSqlite(`file:${other}`, { dir: edited, log: () => undefined, warn: (w: string) => warnings.push(w) });
    expect(warnings).toEqual(["Migration 20261124000000_init was modified after it was applied."]);
  });

  it("several processes starting at once migrate once", async () => {
    const file = fresh();
    const run = () =>
      new Promise<number>((resolve) =>
        spawn(process.execPath, ["scripts/migrate-sqlite.mjs"], { cwd: root, env: { ...process.env, DATABASE_URL: `file:${file}` }, stdio: "ignore" }).on(
          "exit",
          (code) => resolve(code ?? 1),
        ),
      );
    expect(await Promise.all([run(), run(), run()])).toEqual([0, 0, 0]);
    const db = new Database(file, { readonly: true });
    expect(db.prepare(`SELECT COUNT(*) AS n FROM "_prisma_migrations"`).get()).toEqual({ n: migrationsIn(MIGRATIONS).length });
    db.close();
  }, 30_000);
});

import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { migratePostgres } from "../../scripts/migrate-pg.mjs";
import { migrateSqlite } from "../../scripts/migrate-sqlite.mjs";
import { changeScript, createScript, readModel } from "../../scripts/model-sql.mjs";
import { postgresSchema } from "../../scripts/pg-schema.mjs";
import { testingOnPostgres } from "@/lib/testing/db";

/**
 * One model, two databases, kept in step: PostgreSQL's schema is generated from
 * prisma/schema.prisma, and for each provider the committed migrations must build exactly the
 * database the model describes. A model change without a migration (or a hand-edited migration)
 * fails here, in CI.
 */
const root = path.resolve(__dirname, "../..");

/** The SQL that creates, from nothing, the database a schema file describes (scripts/model-sql.mjs: offline, no database needed). */
const createScriptOf = (schema: string) => createScript(readModel(readFileSync(path.join(root, schema), "utf8")));

/** Tables, columns (by name, not position), indexes and foreign keys of a SQLite database. */
function describeSqlite(file: string) {
  const db = new Database(file, { readonly: true });
  const tables = (
    db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> '_prisma_migrations'`).all() as Array<{
      name: string;
    }>
  )
    .map((t) => t.name)
    .sort();
  const out = Object.fromEntries(
    tables.map((t) => [
      t,
      {
        columns: (db.prepare(`PRAGMA table_info("${t}")`).all() as Array<{ name: string; type: string; notnull: number; dflt_value: unknown; pk: number }>)
          .map((c) => `${c.name} ${c.type} ${c.notnull ? "NOT NULL" : ""} ${c.dflt_value ?? ""} ${c.pk ? "PK" : ""}`)
          .sort(),
        indexes: (db.prepare(`PRAGMA index_list("${t}")`).all() as Array<{ name: string; unique: number }>)
          .map(
            (i) =>
              `${i.name} ${i.unique ? "UNIQUE" : ""} (${(db.prepare(`PRAGMA index_info("${i.name}")`).all() as Array<{ name: string }>).map((c) => c.name).join(",")})`,
          )
          .sort(),
        foreignKeys: (db.prepare(`PRAGMA foreign_key_list("${t}")`).all() as Array<{ table: string; from: string; to: string; on_delete: string }>)
          .map((f) => `${f.from} -> ${f.table}.${f.to} ON DELETE ${f.on_delete}`)
          .sort(),
      },
    ]),
  );
  db.close();
  return out;
}

async function describePostgres(url: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const q = async (sql: string) => (await client.query(sql)).rows.map((r) => Object.values(r).join(" ")).sort();
    return {
      columns: await q(
        `SELECT table_name, column_name, data_type, is_nullable, coalesce(column_default, '') FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> '_prisma_migrations'`,
      ),
      indexes: await q(`SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename <> '_prisma_migrations'`),
      constraints: await q(
        `SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE connamespace = 'public'::regnamespace AND conrelid::regclass::text NOT IN ('_prisma_migrations', '"_prisma_migrations"')`,
      ),
    };
  } finally {
    await client.end();
  }
}

async function newPostgresDatabase(): Promise<string> {
  const url = new URL(process.env.TEST_POSTGRES_URL!);
  const admin = new pg.Client({ connectionString: url.toString() });
  await admin.connect();
  const name = `schema_${Math.random().toString(36).slice(2, 10)}`;
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  url.pathname = `/${name}`;
  return url.toString();
}

describe("one model for SQLite and PostgreSQL", () => {
  it("PostgreSQL's schema is generated from prisma/schema.prisma (run node scripts/pg-schema.mjs)", () => {
    const source = readFileSync(path.join(root, "prisma/schema.prisma"), "utf8");
    expect(readFileSync(path.join(root, "prisma/postgresql/schema.prisma"), "utf8")).toBe(postgresSchema(source));
  });

  it("SQLite: the migrations build exactly the database the model describes", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "schema-"));
    migrateSqlite(`file:${path.join(dir, "migrations.db")}`, { dir: path.join(root, "prisma/migrations"), log: () => undefined });
    const fromModel = new Database(path.join(dir, "model.db"));
    fromModel.exec(createScriptOf("prisma/schema.prisma"));
    fromModel.close();
    expect(describeSqlite(path.join(dir, "migrations.db"))).toEqual(describeSqlite(path.join(dir, "model.db")));
  }, 60_000);

  it.skipIf(!testingOnPostgres())(
    "PostgreSQL: the migrations build exactly the database the model describes",
    async () => {
      const fromMigrations = await newPostgresDatabase();
      await migratePostgres(fromMigrations, { dir: path.join(root, "prisma/postgresql/migrations"), log: () => undefined });
      const fromModel = await newPostgresDatabase();
      const client = new pg.Client({ connectionString: fromModel });
      await client.connect();
      await client.query(createScriptOf("prisma/postgresql/schema.prisma"));
      await client.end();
      expect(await describePostgres(fromMigrations)).toEqual(await describePostgres(fromModel));
    },
    60_000,
  );

  it("a migration written offline (npm run db:new-migration) brings the database to the changed model", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "schema-"));
    const before = readFileSync(path.join(root, "prisma/schema.prisma"), "utf8");
    // A new table with a relation and an index, a new nullable column, a new defaulted column, a new index.
    const after = before
      .replace(
        /model Order \{/,
        `model Hold {\n  key     String   @id\n  hits    Int      @default(0)\n  until   DateTime\n  orderId String?\n  order   Order?   @relation(fields: [orderId], references: [id])\n\n  @@index([until])\n}\n\nmodel Order {`,
      )
      .replace(/(\n  refunds\s+Refund\[\])/, "$1\n  note String?\n  flags Int @default(0)\n  holds Hold[]")
      .replace(/(model Refund \{[^}]*?)\n\n  @@index\(\[orderId\]\)/, "$1\n\n  @@index([orderId])\n  @@index([status])");
    expect(after).toContain("model Hold");
    expect(after).toContain("note String?");
    expect(after).toContain("@@index([status])");
    const [from, to] = [readModel(before), readModel(after)];
    const sql = changeScript(from, to);
    expect(sql).toContain('CREATE TABLE "Hold"');
    const migrated = path.join(dir, "migrated.db");
    migrateSqlite(`file:${migrated}`, { dir: path.join(root, "prisma/migrations"), log: () => undefined });
    const db = new Database(migrated);
    db.exec(sql);
    db.close();
    const fresh = new Database(path.join(dir, "fresh.db"));
    fresh.exec(createScript(to));
    fresh.close();
    expect(describeSqlite(migrated)).toEqual(describeSqlite(path.join(dir, "fresh.db")));
    // What only Prisma Migrate writes is refused with a reason, never half-written.
    expect(() => changeScript(from, readModel(before.replace(/priceInPaise Int/, "priceInPaise String")))).toThrow(/Product.priceInPaise changed/);
  }, 60_000);
});

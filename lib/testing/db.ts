import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import { migratePostgres } from "../../scripts/migrate-pg.mjs";

/**
 * A fresh database with every committed migration applied; returns its URL. SQLite by default;
 * PostgreSQL when TEST_POSTGRES_URL points at a running cluster (scripts/test.mjs starts one and
 * runs the route and domain suites a second time against it): one new database per call.
 */
export async function createTestDatabase(): Promise<string> {
  const cluster = process.env.TEST_POSTGRES_URL;
  return cluster ? createPostgresDatabase(cluster) : createSqliteDatabase();
}

export const testingOnPostgres = () => !!process.env.TEST_POSTGRES_URL;

function createSqliteDatabase(): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), "store-test-")), "test.db");
  const client = new Database(file);
  const dir = path.resolve(__dirname, "../../prisma/migrations");
  for (const m of readdirSync(dir)
    .filter((d) => /^\d+_/.test(d))
    .sort()) {
    client.exec(readFileSync(path.join(dir, m, "migration.sql"), "utf8"));
  }
  client.close();
  return `file:${file}`;
}

async function createPostgresDatabase(clusterUrl: string): Promise<string> {
  const name = `test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: clusterUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(clusterUrl);
  url.pathname = `/${name}`;
  await migratePostgres(url.toString(), { dir: path.resolve(__dirname, "../../prisma/postgresql/migrations"), log: () => undefined });
  return url.toString();
}

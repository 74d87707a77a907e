import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";

/** A fresh SQLite database with every committed migration applied; returns its URL. */
export async function createTestDatabase(): Promise<string> {
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

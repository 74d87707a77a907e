import { readdirSync, readFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createClient } from "@libsql/client";

/** A fresh SQLite database with every committed migration applied; returns its URL. */
export async function createTestDatabase(): Promise<string> {
  const file = path.join(mkdtempSync(path.join(tmpdir(), "store-test-")), "test.db");
  const url = `file:${file}`;
  const client = createClient({ url });
  const dir = path.resolve(__dirname, "../../prisma/migrations");
  for (const m of readdirSync(dir)
    .filter((d) => /^\d+_/.test(d))
    .sort()) {
    await client.executeMultiple(readFileSync(path.join(dir, m, "migration.sql"), "utf8"));
  }
  client.close();
  return url;
}

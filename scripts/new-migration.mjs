#!/usr/bin/env node
// Creates a migration for BOTH databases from the difference between the model at a git revision
// (default HEAD) and the working copy:
//   prisma/migrations/<timestamp>_<name>/migration.sql              (SQLite)
//   prisma/postgresql/migrations/<timestamp>_<name>/migration.sql   (PostgreSQL)
// and regenerates prisma/postgresql/schema.prisma. `prisma migrate dev` cannot run offline with
// the JS engine, so migrations are diffed from schema to schema (no database needed).
//   node scripts/new-migration.mjs add_refund_reason [--from <rev>]
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { postgresSchema } from "./pg-schema.mjs";

const name = process.argv[2];
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error("usage: node scripts/new-migration.mjs <snake_case_name> [--from <git rev>]");
  process.exit(2);
}
const fromIdx = process.argv.indexOf("--from");
const rev = fromIdx > 0 ? process.argv[fromIdx + 1] : "HEAD";
const tmp = mkdtempSync(path.join(tmpdir(), "schema-"));
const oldSqlite = execFileSync("git", ["show", `${rev}:prisma/schema.prisma`], { encoding: "utf8" });
const newSqlite = readFileSync("prisma/schema.prisma", "utf8");
writeFileSync("prisma/postgresql/schema.prisma", postgresSchema(newSqlite));

function diff(from, to) {
  const a = path.join(tmp, `from-${Math.random()}.prisma`);
  const b = path.join(tmp, `to-${Math.random()}.prisma`);
  writeFileSync(a, from);
  writeFileSync(b, to);
  // Schema to schema: the provider comes from the files; no database (and no adapter) is used.
  const r = spawnSync(process.execPath, ["scripts/prisma.mjs", "migrate", "diff", "--from-schema-datamodel", a, "--to-schema-datamodel", b, "--script"], {
    encoding: "utf8",
    env: { ...process.env, DATABASE_URL: "file:./prisma/dev.db" },
  });
  if (r.status !== 0) {
    console.error(r.stderr);
    process.exit(r.status ?? 1);
  }
  return r.stdout
    .split("\n")
    .filter((l) => !/^(Loaded|Prisma) /.test(l))
    .join("\n")
    .trim();
}

const sqlite = diff(oldSqlite, newSqlite);
const postgres = diff(postgresSchema(oldSqlite), postgresSchema(newSqlite));
if (!sqlite || sqlite === "-- This is an empty migration.") {
  console.log("The schema has not changed: no migration written.");
  process.exit(0);
}
const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
for (const [base, sql] of [
  ["prisma/migrations", sqlite],
  ["prisma/postgresql/migrations", postgres],
]) {
  const dir = path.join(base, `${stamp}_${name}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, "migration.sql"), sql + "\n");
  console.log(`Wrote ${dir}/migration.sql`);
}

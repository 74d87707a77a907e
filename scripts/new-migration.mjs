#!/usr/bin/env node
// Creates a migration for BOTH databases from the difference between the model at a git revision
// (default HEAD) and the working copy:
//   prisma/migrations/<timestamp>_<name>/migration.sql              (SQLite)
//   prisma/postgresql/migrations/<timestamp>_<name>/migration.sql   (PostgreSQL)
// and regenerates prisma/postgresql/schema.prisma.
//   npm run db:new-migration -- add_refund_reason [--from <rev>] [--prisma]
//
// By default it works offline (scripts/model-sql.mjs): new tables, new nullable or defaulted
// columns, new or dropped indexes, dropped tables. A change that redefines a table (a column's
// type, a new required column, a new relation on an existing table) needs Prisma Migrate's diff:
// `--prisma` runs `prisma migrate diff` for both databases, which downloads Prisma's schema engine
// on first use (any machine that reaches Prisma's servers; not this project's CI).
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { changeScript, readModel } from "./model-sql.mjs";
import { postgresSchema } from "./pg-schema.mjs";

const name = process.argv[2];
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error("usage: npm run db:new-migration -- <snake_case_name> [--from <git rev>] [--prisma]");
  process.exit(2);
}
const fromIdx = process.argv.indexOf("--from");
const rev = fromIdx > 0 ? process.argv[fromIdx + 1] : "HEAD";
const withPrisma = process.argv.includes("--prisma");
const oldSqlite = execFileSync("git", ["show", `${rev}:prisma/schema.prisma`], { encoding: "utf8" });
const newSqlite = readFileSync("prisma/schema.prisma", "utf8");
writeFileSync("prisma/postgresql/schema.prisma", postgresSchema(newSqlite));

/** Prisma Migrate's own diff, schema to schema (no database); its engine is downloaded if missing. */
function prismaDiff(from, to) {
  const tmp = mkdtempSync(path.join(tmpdir(), "schema-"));
  const [a, b] = ["from.prisma", "to.prisma"].map((f) => path.join(tmp, f));
  writeFileSync(a, from);
  writeFileSync(b, to);
  const cli = createRequire(import.meta.url).resolve("prisma/build/index.js");
  const r = spawnSync(process.execPath, [cli, "migrate", "diff", "--from-schema", a, "--to-schema", b, "--script"], { encoding: "utf8" });
  if (r.status !== 0) {
    console.error(r.stderr || r.stdout);
    process.exit(r.status ?? 1);
  }
  return r.stdout.replace(/^-- This is an empty migration\.\s*$/m, "").trim();
}

function ourDiff(from, to) {
  try {
    return changeScript(readModel(from), readModel(to)).trim();
  } catch (e) {
    console.error(`${e.message}\n\nOn a machine that can download Prisma's schema engine: npm run db:new-migration -- ${name} --prisma`);
    process.exit(1);
  }
}

const diff = withPrisma ? prismaDiff : ourDiff;
const sqlite = diff(oldSqlite, newSqlite);
const postgres = diff(postgresSchema(oldSqlite), postgresSchema(newSqlite));
if (!sqlite) {
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

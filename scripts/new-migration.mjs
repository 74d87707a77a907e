#!/usr/bin/env node
// Creates prisma/migrations/<timestamp>_<name>/migration.sql from the difference between the schema
// at a git revision (default HEAD) and the working copy. `prisma migrate dev` cannot run offline with
// the JS engine, so migrations are diffed from schema to schema.
//   node scripts/new-migration.mjs add_refund_reason [--from <rev>]
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const name = process.argv[2];
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error("usage: node scripts/new-migration.mjs <snake_case_name> [--from <git rev>]");
  process.exit(2);
}
const fromIdx = process.argv.indexOf("--from");
const rev = fromIdx > 0 ? process.argv[fromIdx + 1] : "HEAD";
const old = path.join(mkdtempSync(path.join(tmpdir(), "schema-")), "schema.prisma");
writeFileSync(old, execFileSync("git", ["show", `${rev}:prisma/schema.prisma`]));
const r = spawnSync(
  process.execPath,
  ["scripts/prisma.mjs", "migrate", "diff", "--from-schema-datamodel", old, "--to-schema-datamodel", "prisma/schema.prisma", "--script"],
  { encoding: "utf8" },
);
if (r.status !== 0) {
  console.error(r.stderr);
  process.exit(r.status ?? 1);
}
const sql = r.stdout
  .split("\n")
  .filter((l) => !/^(Loaded|Prisma) /.test(l))
  .join("\n")
  .trim();
if (!sql || sql === "-- This is an empty migration.") {
  console.log("The schema has not changed: no migration written.");
  process.exit(0);
}
const stamp = new Date().toISOString().replace(/\D/g, "").slice(0, 14);
const dir = path.join("prisma", "migrations", `${stamp}_${name}`);
mkdirSync(dir, { recursive: true });
writeFileSync(path.join(dir, "migration.sql"), sql + "\n");
console.log(`Wrote ${dir}/migration.sql`);

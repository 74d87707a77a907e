#!/usr/bin/env node
// Brings the database up to date before the server starts: apply migrations (SQLite or PostgreSQL,
// by DATABASE_URL), seed an empty catalog. `--no-seed`: migrations only (`npm run db:migrate`).
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

if (existsSync(".env")) process.loadEnvFile(".env");
// Behind a transaction-mode pooler (PgBouncer, a host's pooled URL) migrations take a session lock: the direct URL.
if (process.env.DATABASE_DIRECT_URL) process.env.DATABASE_URL = process.env.DATABASE_DIRECT_URL;
const postgres = /^postgres(ql)?:\/\//.test(process.env.DATABASE_URL ?? "");
const run = (cmd, args) => {
  const r = spawnSync(cmd, args, { stdio: "inherit", env: process.env });
  if (r.status !== 0) process.exit(r.status ?? 1);
};
// Our own runners, compatible with Prisma Migrate's `_prisma_migrations` (scripts/migrate-sqlite.mjs says why).
run(process.execPath, [postgres ? "scripts/migrate-pg.mjs" : "scripts/migrate-sqlite.mjs"]);
// The standalone server's copy (scripts/standalone.mjs) has the seed bundled: no tsx there.
const seed = existsSync("prisma/seed.mjs") ? ["prisma/seed.mjs"] : ["node_modules/tsx/dist/cli.mjs", "prisma/seed.ts"];
if (!process.argv.includes("--no-seed")) run(process.execPath, [...seed, "--if-empty"]);

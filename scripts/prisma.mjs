#!/usr/bin/env node
// Runs the Prisma CLI without ever letting it download an engine. Prisma 7's client needs no binary
// (a Wasm query compiler and driver adapters), and `prisma generate` none either, but the CLI still
// looks for the schema engine unless PRISMA_SCHEMA_ENGINE_BINARY names an existing file. So the
// commands that really need that engine (migrate, db push) fail here instead of downloading it:
// migrations run through scripts/migrate-sqlite.mjs and scripts/migrate-pg.mjs, and are written
// by scripts/new-migration.mjs. Where the engine can be downloaded, run `npx prisma ...` directly.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";

if (existsSync(".env")) process.loadEnvFile(".env");
process.env.DATABASE_URL ??= "file:./prisma/dev.db";
process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= process.execPath;
process.env.PRISMA_QUERY_ENGINE_LIBRARY ??= process.execPath;
process.env.PRISMA_HIDE_UPDATE_MESSAGE ??= "1";
process.env.CHECKPOINT_DISABLE ??= "1";

const cli = createRequire(import.meta.url).resolve("prisma/build/index.js");
const result = spawnSync(process.execPath, [cli, ...process.argv.slice(2)], { stdio: "inherit" });
process.exit(result.status ?? 1);

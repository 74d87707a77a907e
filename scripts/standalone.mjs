#!/usr/bin/env node
/**
 * The standalone server (next.config.ts `output: "standalone"`; docs/deploy.md). `next build` writes
 * .next/standalone: server.js and only the node_modules it traced (the native better-sqlite3 driver
 * and pg among them). This completes it into a folder that runs on its own, without the repository:
 *   - .next/static and public/ (Next leaves them out, expecting a CDN to serve them);
 *   - the migrations and their runners (scripts/migrate-*.mjs), scripts/db-prepare.mjs, and the
 *     catalog seed bundled into one file (prisma/seed.mjs: no tsx or TypeScript at run time).
 * `npm run build` runs it; so may anything that built with `next build` alone.
 *
 *   node scripts/standalone.mjs            complete .next/standalone
 *   node scripts/standalone.mjs --start    complete it, migrate (and seed an empty catalog), then run
 *                                          server.js in this process (signals reach Next directly)
 *                                          `npm run start:standalone`; PORT and HOSTNAME as for server.js
 */
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";

const ROOT = path.resolve(import.meta.dirname, "..");
export const STANDALONE = path.join(ROOT, ".next", "standalone");

/** Copies what server.js needs beside it; idempotent. Returns the folder. */
export async function completeStandalone({ dir = STANDALONE } = {}) {
  if (!existsSync(path.join(dir, "server.js")))
    throw new Error(`No ${path.relative(ROOT, dir)}/server.js: build first (npm run build; next.config.ts has output: "standalone").`);
  const copy = (from, to = from) => {
    rmSync(path.join(dir, to), { recursive: true, force: true });
    cpSync(path.join(ROOT, from), path.join(dir, to), { recursive: true });
  };
  copy(".next/static");
  copy("public");
  copy("prisma/migrations");
  copy("prisma/postgresql/migrations");
  mkdirSync(path.join(dir, "scripts"), { recursive: true });
  for (const f of ["db-prepare.mjs", "migrate-pg.mjs", "migrate-sqlite.mjs"]) copy(`scripts/${f}`);
  // The seed: TypeScript and the generated Prisma client, bundled; the drivers stay outside (traced by Next).
  const { build } = await import("esbuild");
  await build({
    entryPoints: [path.join(ROOT, "prisma/seed.ts")],
    outfile: path.join(dir, "prisma/seed.mjs"),
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    tsconfig: path.join(ROOT, "tsconfig.json"),
    external: ["better-sqlite3", "pg", "pg-native"],
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
    logLevel: "warning",
  });
  return dir;
}

async function main() {
  const dir = await completeStandalone();
  if (!process.argv.includes("--start")) {
    console.log(`${path.relative(process.cwd(), dir) || "."}: complete (node server.js there; node scripts/db-prepare.mjs migrates).`);
    return;
  }
  const prep = spawnSync(process.execPath, ["scripts/db-prepare.mjs"], { cwd: dir, stdio: "inherit" });
  if (prep.status !== 0) process.exit(prep.status ?? 1);
  process.chdir(dir);
  createRequire(path.join(dir, "server.js"))(path.join(dir, "server.js"));
}

if (import.meta.url === `file://${process.argv[1]}`)
  main().catch((e) => {
    console.error(e.message);
    process.exit(1);
  });

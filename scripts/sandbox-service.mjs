#!/usr/bin/env node
/**
 * `npm run sandbox`: the Plural sandbox as a service of its own, for several store instances (or a
 * benchmark that should measure the store, not the simulator). It is this app in sandbox mode on
 * its own port, database and state file; point each store at it:
 *   SANDBOX_PORT=3999 SANDBOX_WEBHOOK_URL=http://127.0.0.1:8080/api/plural/webhook npm run sandbox
 *   PLURAL_BASE_URL=http://127.0.0.1:3999/sandbox npm start          (each store instance)
 * Serves the production build (`npm run build` first); `--dev` runs `next dev` instead.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

if (existsSync(".env")) process.loadEnvFile(".env");
const port = process.env.SANDBOX_PORT ?? "3999";
const host = process.env.SANDBOX_HOST ?? "127.0.0.1";
const env = {
  ...process.env,
  PLURAL_ENV: "sandbox",
  APP_URL: `http://${host}:${port}`,
  PORT: port,
  // Where the sandbox delivers webhooks: the stores (or the proxy in front of them).
  SANDBOX_WEBHOOK_URL: process.env.SANDBOX_WEBHOOK_URL ?? "http://localhost:3000/api/plural/webhook",
  SANDBOX_STATE_FILE: process.env.SANDBOX_STATE_FILE ?? ".sandbox/service.json",
  // Its own (unused) store database: the sandbox keeps its state in its state file.
  DATABASE_URL: process.env.SANDBOX_DATABASE_URL ?? "file:./prisma/sandbox-service.db",
  RECONCILE_INTERVAL_MS: "0",
};
delete env.PLURAL_BASE_URL;
const prepared = spawnSync(process.execPath, ["scripts/db-prepare.mjs"], { stdio: "inherit", env });
if (prepared.status !== 0) process.exit(prepared.status ?? 1);
const dev = process.argv.includes("--dev");
if (!dev && !existsSync(".next/BUILD_ID")) {
  console.error("No production build: run `npm run build` first, or `npm run sandbox -- --dev`.");
  process.exit(1);
}
console.log(`Plural sandbox service on http://${host}:${port}/sandbox (webhooks to ${env.SANDBOX_WEBHOOK_URL})`);
const child = spawn(process.execPath, ["node_modules/next/dist/bin/next", dev ? "dev" : "start", "-H", host, "-p", port], { stdio: "inherit", env });
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => child.kill(sig));
child.on("exit", (code) => process.exit(code ?? 0));

#!/usr/bin/env node
// Starts the production build for the browser tests on a fresh test database.
import { spawn, spawnSync } from "node:child_process";
import { rmSync } from "node:fs";

const url = process.env.DATABASE_URL ?? "";
if (!/^file:.*(e2e|test)[^/]*\.db$/.test(url)) {
  console.error(`Refusing to reset ${url || "(no DATABASE_URL)"}: the e2e server only resets a file database named *e2e*.db or *test*.db.`);
  process.exit(1);
}
const file = url.slice("file:".length);
for (const suffix of ["", "-journal", "-wal", "-shm"]) rmSync(file + suffix, { force: true });
// The sandbox (the simulated Plural) starts empty too.
if (process.env.SANDBOX_STATE_FILE) rmSync(process.env.SANDBOX_STATE_FILE, { force: true });
for (const [cmd, args] of [
  [process.execPath, ["scripts/migrate-sqlite.mjs"]],
  [process.execPath, ["node_modules/tsx/dist/cli.mjs", "prisma/seed.ts"]],
]) {
  const r = spawnSync(cmd, args, { stdio: "inherit" });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
const child = spawn(process.execPath, ["node_modules/next/dist/bin/next", "start", "-H", "127.0.0.1", "-p", process.env.E2E_PORT ?? "3100"], {
  stdio: "inherit",
});
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => child.kill(sig));
child.on("exit", (code) => process.exit(code ?? 0));

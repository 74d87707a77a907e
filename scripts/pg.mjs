#!/usr/bin/env node
/**
 * A throw-away PostgreSQL cluster for tests and benchmarks, on loopback, on a free port.
 *   node scripts/pg.mjs start [--dir <dir>]   prints `DATABASE_URL=postgresql://...` (and keeps running)
 *   node scripts/pg.mjs stop  [--dir <dir>]
 *   node scripts/pg.mjs available            exit 0 when a cluster can be started here
 * Uses initdb/pg_ctl from PATH or /usr/lib/postgresql/<version>/bin (Debian's `postgresql` package).
 * As root it runs them as the `postgres` user (initdb refuses to run as root).
 */
import { spawnSync } from "node:child_process";
import { chownSync, existsSync, mkdirSync, readdirSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";

export function findPgBin() {
  const root = "/usr/lib/postgresql";
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => existsSync(path.join(root, v, "bin", "initdb")))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions.length) return path.join(root, versions[0], "bin");
  // Elsewhere: the directory that holds initdb (a pg_ctl on PATH may be a lone symlink).
  const initdb = spawnSync("sh", ["-c", "command -v initdb"], { encoding: "utf8" }).stdout.trim();
  return initdb ? path.dirname(realpathSync(initdb)) : undefined;
}

const isRoot = typeof process.getuid === "function" && process.getuid() === 0;

function runAs(bin, args, opts = {}) {
  const cmd = isRoot ? ["runuser", ["-u", "postgres", "--", bin, ...args]] : [bin, args];
  return spawnSync(cmd[0], cmd[1], { encoding: "utf8", ...opts });
}

/** A port nothing listens on now, on loopback. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** Why a cluster cannot be started here, or undefined when it can. */
export function unavailableReason() {
  const bin = findPgBin();
  if (!bin) return "PostgreSQL is not installed (no pg_ctl on PATH or under /usr/lib/postgresql): `apt-get install postgresql` brings it";
  if (isRoot && spawnSync("id", ["postgres"]).status !== 0) return "running as root and there is no `postgres` user to run initdb as";
  return undefined;
}

/** Starts a fresh cluster in `dir` (on `port`, or a free one); returns its URL (database `store`, user `store`, trust auth on loopback only). */
export async function startCluster(dir = path.join(tmpdir(), `pg-${process.pid}-${Date.now()}`), { port: wanted } = {}) {
  const reason = unavailableReason();
  if (reason) throw new Error(reason);
  const bin = findPgBin();
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  if (isRoot)
    chownSync(
      dir,
      Number(spawnSync("id", ["-u", "postgres"], { encoding: "utf8" }).stdout),
      Number(spawnSync("id", ["-g", "postgres"], { encoding: "utf8" }).stdout),
    );
  const data = path.join(dir, "data");
  let r = runAs(path.join(bin, "initdb"), ["-D", data, "-U", "store", "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync"]);
  if (r.status !== 0) throw new Error(`initdb failed: ${r.stderr || r.stdout}`);
  const port = wanted ?? (await freePort());
  // Loopback only; small and fast (this is a test cluster: durability off).
  const opts = `-c listen_addresses=127.0.0.1 -c port=${port} -c unix_socket_directories=${dir} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`;
  r = runAs(path.join(bin, "pg_ctl"), ["-D", data, "-l", path.join(dir, "log"), "-o", opts, "-w", "-t", "60", "start"]);
  if (r.status !== 0) throw new Error(`pg_ctl start failed: ${r.stderr || r.stdout}`);
  r = runAs(path.join(bin, "createdb"), ["-h", "127.0.0.1", "-p", String(port), "-U", "store", "store"]);
  if (r.status !== 0) {
    stopCluster(dir);
    throw new Error(`createdb failed: ${r.stderr || r.stdout}`);
  }
  const url = `postgresql://store@127.0.0.1:${port}/store`;
  writeFileSync(path.join(dir, "url"), url);
  return { dir, port, url, stop: () => stopCluster(dir) };
}

export function stopCluster(dir) {
  const bin = findPgBin();
  if (bin && existsSync(path.join(dir, "data", "postmaster.pid")))
    runAs(path.join(bin, "pg_ctl"), ["-D", path.join(dir, "data"), "-m", "immediate", "-w", "stop"]);
  rmSync(dir, { recursive: true, force: true });
}

/** A new, empty database in a running cluster (one per test file, so files can run in parallel). */
export function createDatabase(url, name) {
  const u = new URL(url);
  const r = spawnSync(path.join(findPgBin(), "createdb"), ["-h", u.hostname, "-p", u.port, "-U", u.username, name], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`createdb ${name} failed: ${r.stderr}`);
  u.pathname = `/${name}`;
  return u.toString();
}

/** The command line (no top-level await: tests import this module through require). */
async function main() {
  const [cmd] = process.argv.slice(2);
  const dirIdx = process.argv.indexOf("--dir");
  const dir = dirIdx > 0 ? path.resolve(process.argv[dirIdx + 1]) : path.resolve(".pg");
  if (cmd === "available") {
    const reason = unavailableReason();
    if (reason) console.log(reason);
    process.exit(reason ? 1 : 0);
  } else if (cmd === "start") {
    const c = await startCluster(dir);
    console.log(`DATABASE_URL=${c.url}`);
  } else if (cmd === "stop") {
    stopCluster(dir);
  } else {
    console.error("usage: node scripts/pg.mjs start|stop|available [--dir <dir>]");
    process.exit(2);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((e) => {
    console.error(e.message);
    process.exit(1);
  });
}

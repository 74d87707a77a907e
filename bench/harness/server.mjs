/** A production server of the store (or the sandbox service) on its own database: start, wait, read its handles, memory and log. */
import { spawn, spawnSync } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, readlinkSync, rmSync } from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { ROOT, sleep, withAddress } from "./util.mjs";

/** Process ids below `pid` (inclusive), parents first, from /proc/<pid>/stat. */
function descendants(pid) {
  const children = new Map();
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid).push(Number(d));
    } catch {
      /* gone meanwhile */
    }
  }
  const out = [pid];
  for (let i = 0; i < out.length; i++) out.push(...(children.get(out[i]) ?? []));
  return out;
}

const cmdline = (pid) => {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ").trim();
  } catch {
    return "";
  }
};

/**
 * The process that serves requests. `next start` may fork (and bash -c may sit on top): take the
 * deepest process titled next-server, else the deepest node.
 */
export function serverPid(rootPid) {
  const all = descendants(rootPid);
  return [...all].reverse().find((p) => cmdline(p).startsWith("next-server")) ?? [...all].reverse().find((p) => /node/.test(cmdline(p))) ?? rootPid;
}

/** Open descriptors of `pid` on the SQLite file and its -wal, -shm and -journal (deleted ones too), and in all. */
export function dbHandles(pid, dbFile) {
  const out = { db: 0, wal: 0, shm: 0, journal: 0, sqlite: 0, fds: 0 };
  let fds;
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return null; // the process is gone
  }
  for (const fd of fds) {
    let target;
    try {
      target = readlinkSync(`/proc/${pid}/fd/${fd}`);
    } catch {
      continue;
    }
    out.fds++;
    if (!target.startsWith(dbFile)) continue;
    const kind = /^(|-wal|-shm|-journal)(?: \(deleted\))?$/.exec(target.slice(dbFile.length));
    if (!kind) continue;
    out[kind[1] ? kind[1].slice(1) : "db"]++;
    out.sqlite++;
  }
  return out;
}

/** Resident memory of `pid` in MB (VmRSS), or null when it is gone. */
export function rssMb(pid) {
  try {
    const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1]);
    return +(kb / 1024).toFixed(1);
  } catch {
    return null;
  }
}

/**
 * A time-bounded fetch, from a shopper's address (shopperAddress); never throws for HTTP statuses.
 * The sandbox's own paths are asked from this machine as they are (a production build's sandbox
 * answers loopback clients only).
 */
export function get(url, init = {}, timeoutMs = 30_000) {
  const headers = init.headers instanceof Headers ? Object.fromEntries(init.headers) : init.headers;
  const own = new URL(url).pathname.startsWith("/sandbox/");
  return fetch(url, { redirect: "manual", ...init, headers: own ? headers : withAddress(headers), signal: AbortSignal.timeout(timeoutMs) });
}

/**
 * A production server (`next start`, the existing build in .next) on its own database file and
 * sandbox state under `dir`, as scripts/e2e-server.mjs does it: migrated and seeded when `fresh`.
 * In its own process group, so stop() ends it and anything it started. `ulimit` caps its open files.
 */
export async function startStore({ port, dir, fresh = true, proxyPort, ulimit, env: extra = {} }) {
  if (!existsSync(path.join(ROOT, ".next", "BUILD_ID"))) throw new Error("No production build: run `npx next build` first.");
  const dbFile = path.join(dir, "bench.db");
  const base = `http://127.0.0.1:${port}`;
  const env = {
    ...process.env,
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
    DATABASE_URL: `file:${dbFile}`,
    BENCH_ROUTES: "1",
    PLURAL_ENV: "sandbox",
    LOG_LEVEL: "warn",
    // Requests come through "a load balancer" (each carries its shopper's address: shopperAddress()),
    // and the budget of Plural calls per minute is the benchmark's to spend: it measures the work.
    TRUSTED_PROXIES: "127.0.0.1",
    PLURAL_CALLS_PER_MINUTE: "1000000",
    SANDBOX_STATE_FILE: path.join(dir, "sandbox-state.json"),
    APP_URL: base,
    ...extra,
  };
  if (!extra.PLURAL_BASE_URL) delete env.PLURAL_BASE_URL;
  if (proxyPort) env.PLURAL_BASE_URL = `http://127.0.0.1:${proxyPort}/sandbox`;
  if (fresh) {
    for (const suffix of ["", "-journal", "-wal", "-shm"]) rmSync(dbFile + suffix, { force: true });
    rmSync(env.SANDBOX_STATE_FILE, { force: true });
    for (const a of [["scripts/migrate-sqlite.mjs"], ["node_modules/tsx/dist/cli.mjs", "prisma/seed.ts"]]) {
      const r = spawnSync(process.execPath, a, { cwd: ROOT, env, encoding: "utf8" });
      if (r.status !== 0) throw new Error(`${a.join(" ")} failed:\n${r.stdout}\n${r.stderr}`);
    }
  }
  const logFile = path.join(dir, "server.log");
  const log = openSync(logFile, "a");
  const next = `exec "${process.execPath}" node_modules/next/dist/bin/next start -H 127.0.0.1 -p ${port}`;
  const child = spawn("bash", ["-c", ulimit ? `ulimit -n ${ulimit} && ${next}` : next], { cwd: ROOT, env, detached: true, stdio: ["ignore", log, log] });
  closeSync(log);
  let exited = false;
  const exitedP = new Promise((r) => child.once("exit", (code, signal) => ((exited = true), r({ code, signal }))));
  const killGroup = (sig) => {
    try {
      process.kill(-child.pid, sig);
    } catch {
      /* already gone */
    }
  };
  process.once("exit", () => killGroup("SIGKILL"));

  const deadline = Date.now() + 90_000;
  for (;;) {
    if (exited) throw new Error(`The server exited at start; see ${logFile}:\n${readFileSync(logFile, "utf8").slice(-2000)}`);
    const ok = await get(`${base}/api/health`, {}, 2000).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) {
      killGroup("SIGKILL");
      throw new Error(`The server did not answer /api/health within 90 s; see ${logFile}`);
    }
    await sleep(200);
  }
  const pid = serverPid(child.pid);
  return {
    base,
    port,
    pid,
    dbFile,
    dir,
    logFile,
    handles: () => dbHandles(pid, dbFile),
    rss: () => rssMb(pid),
    alive: () => !exited,
    async stop() {
      if (exited) return exitedP;
      killGroup("SIGTERM");
      const t = setTimeout(() => killGroup("SIGKILL"), 10_000);
      const r = await exitedP;
      clearTimeout(t);
      return r;
    },
  };
}

/**
 * What the server logged (LOG_LEVEL=warn: our JSON lines at warn and error; Next prints its own
 * errors as text): counts, and up to 5 different messages as examples.
 */
export function serverLog(file) {
  const out = { errors: 0, warnings: 0, examples: [] };
  for (const line of readFileSync(file, "utf8").split("\n")) {
    let level;
    let key = line.slice(0, 160);
    try {
      const j = JSON.parse(line);
      level = j.level;
      key = `${j.level} ${j.msg} ${j.code ?? j.error ?? ""}`.slice(0, 160);
    } catch {
      level = /error|⨯/i.test(line) ? "error" : undefined;
    }
    if (level === "error") out.errors++;
    else if (level === "warn") out.warnings++;
    else continue;
    if (out.examples.length < 5 && !out.examples.includes(key)) out.examples.push(key);
  }
  return out;
}

export const serverLogLine = (s) => `server log: ${s.errors} errors, ${s.warnings} warnings${s.examples.length ? `, e.g.\n  ${s.examples.join("\n  ")}` : ""}`;

/** Waits until the server answers /api/health within a second (it may still be busy with abandoned requests). */
export async function settle(base, maxMs = 60_000) {
  const end = Date.now() + maxMs;
  while (Date.now() < end) {
    const t0 = performance.now();
    const ok = await get(`${base}/api/health`, {}, 5000).then(
      (r) => r.ok,
      () => false,
    );
    if (ok && performance.now() - t0 < 1000) return true;
    await sleep(500);
  }
  return false;
}

/**
 * The Plural sandbox as a service of its own (what `npm run sandbox` runs): this app on its own
 * port, database and state file, delivering webhooks to `webhookUrl`. With the sandbox out of the
 * store's process, a benchmark measures the store, not the simulator.
 */
export async function startSandboxService({ port, dir, webhookUrl }) {
  const own = path.join(dir, "sandbox-service");
  mkdirSync(own, { recursive: true });
  return startStore({ port, dir: own, env: { SANDBOX_WEBHOOK_URL: webhookUrl, RECONCILE_INTERVAL_MS: "0", BENCH_ROUTES: "0" } });
}

/**
 * The chaos run's production shape, as scripts/cluster.mjs builds it (PostgreSQL, the sandbox as its
 * own service, two `next start` stores, nginx in front, its launch() and nginx configuration), with
 * what chaos needs on top: fixed ports (--port-base) and every process restartable on its own port,
 * so an instance can be killed (-9), paused (SIGSTOP) and woken, PostgreSQL restarted (pg_ctl
 * restart) and the sandbox restarted, while the others run on.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { findNginx, launch, nginxConf, waitFor } from "../cluster.mjs";
import { findPgBin, freePort, startCluster as startPostgres, stopCluster as stopPostgres } from "../pg.mjs";

const ROOT = path.resolve(import.meta.dirname, "..", "..");
const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * pg_ctl, asynchronously (the actors run on while PostgreSQL restarts) and with no pipes: the server
 * it starts would inherit them and hold them open, so a synchronous spawn would wait for it forever.
 */
function pgCtl(args) {
  const bin = path.join(findPgBin(), "pg_ctl");
  const [cmd, argv] = isRoot ? ["runuser", ["-u", "postgres", "--", bin, ...args]] : [bin, args];
  return new Promise((resolve) => {
    const child = spawn(cmd, argv, { stdio: "ignore" });
    child.once("error", () => resolve(1));
    child.once("exit", (code) => resolve(code ?? 1));
  });
}

/**
 * Starts everything; answers the cluster with its URLs and fault handles. `portBase`: nginx on it,
 * the sandbox +1, the stores +2 and +3, PostgreSQL +4 (free ports when absent).
 */
export async function startChaosCluster({ dir, portBase, storeEnv: extraStore = {}, sandboxEnv: extraSandbox = {}, log = () => {} }) {
  if (!existsSync(path.join(ROOT, ".next", "BUILD_ID"))) throw new Error("No production build: run `npm run build` first.");
  const nginxBin = findNginx();
  if (!nginxBin) throw new Error("nginx is not installed: `apt-get install nginx` (Debian) brings it.");
  mkdirSync(dir, { recursive: true });
  const port = async (i) => (portBase ? portBase + i : freePort());
  const ports = { front: await port(0), sandbox: await port(1), stores: [await port(2), await port(3)], pg: await port(4) };
  const procs = new Map();
  const cluster = { dir, ports, procs, stopped: false };

  const pg = await startPostgres(path.join(dir, "pg"), { port: ports.pg });
  cluster.pg = pg;
  const front = `http://127.0.0.1:${ports.front}`;
  const base = { ...process.env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1", PLURAL_ENV: "sandbox", LOG_LEVEL: process.env.LOG_LEVEL ?? "warn" };
  for (const k of Object.keys(base)) if (k.startsWith("PLURAL_") && k !== "PLURAL_ENV") delete base[k];
  delete base.APP_URL;
  delete base.SANDBOX_PROFILE;
  const sandboxEnv = {
    ...base,
    PORT: String(ports.sandbox),
    APP_URL: `http://127.0.0.1:${ports.sandbox}`,
    SANDBOX_WEBHOOK_URL: `${front}/api/plural/webhook`,
    SANDBOX_STATE_FILE: path.join(dir, "sandbox-state.json"),
    DATABASE_URL: `file:${path.join(dir, "sandbox.db")}`,
    RECONCILE_INTERVAL_MS: "0",
    ...extraSandbox,
  };
  const storeEnv = {
    ...base,
    DATABASE_URL: pg.url,
    APP_URL: front,
    PLURAL_BASE_URL: `http://127.0.0.1:${ports.sandbox}/sandbox`,
    TRUSTED_PROXIES: "127.0.0.1",
    ...extraStore,
  };
  for (const [what, env] of [
    ["sandbox", sandboxEnv],
    ["store", storeEnv],
  ]) {
    const r = spawnSync(process.execPath, ["scripts/db-prepare.mjs"], { cwd: ROOT, env, encoding: "utf8" });
    if (r.status !== 0) throw new Error(`${what} database: ${r.stderr || r.stdout}`);
  }
  const next = (p) => ["node_modules/next/dist/bin/next", "start", "-H", "127.0.0.1", "-p", String(p)];
  const specs = {
    sandbox: { cmd: process.execPath, args: next(ports.sandbox), env: sandboxEnv, health: `http://127.0.0.1:${ports.sandbox}/sandbox/control/identity` },
    "store-1": {
      cmd: process.execPath,
      args: next(ports.stores[0]),
      env: { ...storeEnv, PORT: String(ports.stores[0]) },
      health: `http://127.0.0.1:${ports.stores[0]}/api/health`,
    },
    "store-2": {
      cmd: process.execPath,
      args: next(ports.stores[1]),
      env: { ...storeEnv, PORT: String(ports.stores[1]) },
      health: `http://127.0.0.1:${ports.stores[1]}/api/health`,
    },
  };
  cluster.starts = { sandbox: 0, "store-1": 0, "store-2": 0 };
  const start = (name) => {
    const s = specs[name];
    const p = launch(name, s.cmd, s.args, s.env, dir);
    procs.set(name, p);
    cluster.starts[name]++;
    return p;
  };
  /** Starts `name` and waits for it to answer (a restarted store waits on PostgreSQL, a store on the sandbox: never forever). */
  const up = async (name, ms = 120_000) => {
    const p = start(name);
    await waitFor(specs[name].health, ms, p.alive);
    return p;
  };

  try {
    await up("sandbox");
    await Promise.all([up("store-1"), up("store-2")]);
    const conf = path.join(dir, "nginx.conf");
    writeFileSync(conf, nginxConf({ dir, port: ports.front, instances: ports.stores, balance: "round-robin" }));
    const proxy = launch("nginx", nginxBin, ["-c", conf, "-p", dir], process.env, dir);
    procs.set("nginx", proxy);
    await waitFor(`${front}/api/health`, 30_000, proxy.alive);
  } catch (e) {
    await stopAll();
    throw e;
  }

  async function stopAll() {
    cluster.stopped = true;
    for (const name of ["nginx", "store-1", "store-2", "sandbox"]) {
      const p = procs.get(name);
      if (!p) continue;
      try {
        process.kill(-p.pid, "SIGCONT"); // a paused process cannot take its SIGTERM
      } catch {
        /* gone */
      }
      await p.stop();
    }
    stopPostgres(pg.dir);
  }

  Object.assign(cluster, {
    url: front,
    sandboxUrl: `http://127.0.0.1:${ports.sandbox}/sandbox`,
    databaseUrl: pg.url,
    storeUrls: ports.stores.map((p) => `http://127.0.0.1:${p}`),
    log: (name) => {
      try {
        return readFileSync(path.join(dir, `${name}.log`), "utf8");
      } catch {
        return "";
      }
    },
    /** kill -9 of a store's process group; `restart` after `downMs`. */
    async kill9(name) {
      const p = procs.get(name);
      p.kill();
      await p.exited;
      log(`${name} killed (-9)`);
    },
    async restart(name) {
      const p = await up(name);
      log(`${name} restarted (pid ${p.pid})`);
    },
    /** SIGSTOP to a store's group: it holds its connections, claims and requests without a word. */
    pause(name) {
      process.kill(-procs.get(name).pid, "SIGSTOP");
      log(`${name} paused (SIGSTOP)`);
    },
    resume(name) {
      process.kill(-procs.get(name).pid, "SIGCONT");
      log(`${name} resumed (SIGCONT)`);
    },
    /** The sandbox stopped (SIGTERM: Plural's state is durable) and started again on the same state file. */
    async restartSandbox() {
      await procs.get("sandbox").stop();
      await up("sandbox");
      log("sandbox restarted");
    },
    /** pg_ctl restart (fast: open connections are cut, as a failover or a crash restart would). */
    async restartPostgres() {
      const code = await pgCtl(["-D", path.join(pg.dir, "data"), "-l", path.join(pg.dir, "log"), "-m", "fast", "-w", "-t", "60", "restart"]);
      if (code !== 0) throw new Error(`pg_ctl restart failed (exit ${code}): see ${path.join(pg.dir, "log")}`);
      log("postgres restarted");
    },
    /** Everything up (a store paused or killed by a fault that was cut short: woken, restarted). */
    async heal() {
      for (const name of ["store-1", "store-2"]) {
        const p = procs.get(name);
        try {
          process.kill(-p.pid, "SIGCONT");
        } catch {
          /* gone */
        }
        if (!p.alive()) await up(name);
      }
      if (!procs.get("sandbox").alive()) await up("sandbox");
      for (let i = 0; i < 60 && (await pgCtl(["-D", path.join(pg.dir, "data"), "status"])) !== 0; i++) await sleep(500);
    },
    stop: stopAll,
  });
  return cluster;
}

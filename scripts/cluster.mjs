#!/usr/bin/env node
/**
 * The production shape on one machine: several store instances on one PostgreSQL, one Plural
 * sandbox service, and nginx in front (all from Debian's packages, on loopback).
 *   npm run build && npm run cluster -- [--instances 2] [--port 8080] [--balance failover|round-robin]
 * Prints the URLs and keeps running until Ctrl-C; everything it started stops with it.
 *
 * failover (default): a shopper's pages go to instance 1 (instance 2 takes over if it dies) and
 * Plural's webhooks to instance 2: every payment crosses instances. round-robin: requests alternate.
 * Used by e2e/instances.spec.ts and bench/instances.mjs through startCluster().
 */
import { spawn, spawnSync } from "node:child_process";
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { freePort, startCluster as startPostgres } from "./pg.mjs";

const ROOT = path.resolve(import.meta.dirname, "..");

export function findNginx() {
  for (const p of ["/usr/sbin/nginx", "/usr/bin/nginx", "/usr/local/sbin/nginx"]) if (existsSync(p)) return p;
  const r = spawnSync("sh", ["-c", "command -v nginx"], { encoding: "utf8" });
  return r.stdout.trim() || undefined;
}

export async function waitFor(url, ms, isAlive) {
  const end = Date.now() + ms;
  for (;;) {
    try {
      const r = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (r.ok) return;
    } catch {
      /* not yet */
    }
    if (isAlive && !isAlive()) throw new Error(`exited before ${url} answered`);
    if (Date.now() > end) throw new Error(`${url} did not answer within ${ms / 1000} s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** A process in its own group, logging to a file; stop() ends the group. */
export function launch(name, cmd, args, env, dir) {
  const logFile = path.join(dir, `${name}.log`);
  const out = openSync(logFile, "a");
  const child = spawn(cmd, args, { cwd: ROOT, env, detached: true, stdio: ["ignore", out, out] });
  closeSync(out);
  let exited = false;
  const done = new Promise((r) => child.once("exit", () => ((exited = true), r())));
  const signal = (sig) => {
    try {
      process.kill(-child.pid, sig);
    } catch {
      /* gone */
    }
  };
  return {
    name,
    pid: child.pid,
    logFile,
    alive: () => !exited,
    kill: () => signal("SIGKILL"),
    async stop() {
      if (exited) return;
      signal("SIGTERM");
      const t = setTimeout(() => signal("SIGKILL"), 8000);
      await done;
      clearTimeout(t);
    },
    exited: done,
  };
}

/**
 * How long nginx keeps an idle connection to a store open: less than the store's own 5 s (Node's
 * http.Server keepAliveTimeout, which `next start` keeps). With nginx's default (60 s), nginx could
 * send a request on a connection the store was closing at that instant: the store reset it, and a
 * POST, which nginx does not retry, answered 502 (found by `npm run chaos -- --seed 8 --minutes 3`).
 */
export const UPSTREAM_IDLE_S = 4;

export function nginxConf({ dir, port, instances, balance }) {
  const servers = (ports, backupAfterFirst) =>
    ports.map((p, i) => `    server 127.0.0.1:${p} max_fails=1 fail_timeout=3s${backupAfterFirst && i > 0 ? " backup" : ""};`).join("\n");
  const shop = instances;
  const hooks = balance === "failover" ? [...instances.slice(1), instances[0]] : instances;
  // As root, nginx's workers would run as nobody and could not use the temp folders under `dir`.
  const user = typeof process.getuid === "function" && process.getuid() === 0 ? "user root;\n" : "";
  return `${user}worker_processes 1;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/nginx-error.log warn;
events { worker_connections 4096; }
http {
  # Which instance served each request (e2e/instances.spec.ts reads it).
  log_format upstream '$request_method $uri $upstream_addr';
  access_log ${dir}/nginx-access.log upstream;
  client_body_temp_path ${dir}/nginx-body;
  proxy_temp_path ${dir}/nginx-proxy;
  fastcgi_temp_path ${dir}/nginx-fastcgi;
  uwsgi_temp_path ${dir}/nginx-uwsgi;
  scgi_temp_path ${dir}/nginx-scgi;
  client_max_body_size 1m;
  upstream shop {
${servers(shop, balance === "failover")}
    keepalive 64;
    keepalive_timeout ${UPSTREAM_IDLE_S}s;
  }
  upstream hooks {
${servers(hooks, balance === "failover")}
    keepalive 16;
    keepalive_timeout ${UPSTREAM_IDLE_S}s;
  }
  map $http_upgrade $connection_upgrade { default upgrade; "" ""; }
  server {
    listen 127.0.0.1:${port};
    proxy_http_version 1.1;
    proxy_set_header Connection $connection_upgrade;
    proxy_set_header Host $http_host;
    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
    proxy_set_header X-Forwarded-Proto $scheme;
    proxy_set_header X-Request-Id $request_id;
    # Server-Sent Events: no buffering, long reads.
    proxy_buffering off;
    proxy_read_timeout 1h;
    proxy_next_upstream error timeout http_502 http_503;
    location /api/plural/webhook { proxy_pass http://hooks; }
    location / { proxy_pass http://shop; }
  }
}
`;
}

/**
 * Starts PostgreSQL (throw-away, unless `databaseUrl` is given), the sandbox service, `instances`
 * stores and nginx. Needs a production build. Returns URLs, the processes, and stop().
 */
export async function startCluster({ instances = 2, port, balance = "failover", databaseUrl, env: extra = {}, dir } = {}) {
  if (!existsSync(path.join(ROOT, ".next", "BUILD_ID"))) throw new Error("No production build: run `npm run build` first.");
  const nginx = findNginx();
  if (!nginx) throw new Error("nginx is not installed: `apt-get install nginx` (Debian) brings it.");
  dir ??= mkdtempSync(path.join(tmpdir(), "cluster-"));
  mkdirSync(dir, { recursive: true });
  const started = [];
  const stopAll = async () => {
    for (const p of [...started].reverse()) await p.stop();
  };
  try {
    const pg = databaseUrl ? undefined : await startPostgres();
    if (pg) started.push({ name: "postgres", stop: async () => pg.stop() });
    const dbUrl = databaseUrl ?? pg.url;
    port ??= await freePort();
    const front = `http://127.0.0.1:${port}`;
    const sandboxPort = await freePort();
    const base = {
      ...process.env,
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      PLURAL_ENV: "sandbox",
      LOG_LEVEL: process.env.LOG_LEVEL ?? "warn",
    };
    delete base.PLURAL_BASE_URL;
    delete base.APP_URL;

    // The one sandbox: its own port, state and (unused) database; webhooks go to the front.
    const sandboxEnv = {
      ...base,
      APP_URL: `http://127.0.0.1:${sandboxPort}`,
      SANDBOX_WEBHOOK_URL: `${front}/api/plural/webhook`,
      SANDBOX_STATE_FILE: path.join(dir, "sandbox-state.json"),
      DATABASE_URL: `file:${path.join(dir, "sandbox.db")}`,
      RECONCILE_INTERVAL_MS: "0",
    };
    const prep = spawnSync(process.execPath, ["scripts/db-prepare.mjs"], { cwd: ROOT, env: sandboxEnv, encoding: "utf8" });
    if (prep.status !== 0) throw new Error(`sandbox database: ${prep.stderr}`);
    const sandbox = launch(
      "sandbox",
      process.execPath,
      ["node_modules/next/dist/bin/next", "start", "-H", "127.0.0.1", "-p", String(sandboxPort)],
      sandboxEnv,
      dir,
    );
    started.push(sandbox);

    // The stores: one database, migrated once (the runner takes an advisory lock anyway).
    const storeEnv = {
      ...base,
      DATABASE_URL: dbUrl,
      APP_URL: front,
      PLURAL_BASE_URL: `http://127.0.0.1:${sandboxPort}/sandbox`,
      TRUSTED_PROXIES: "127.0.0.1",
      RECONCILE_INTERVAL_MS: process.env.RECONCILE_INTERVAL_MS ?? "5000",
      ...extra,
    };
    const migrate = spawnSync(process.execPath, ["scripts/db-prepare.mjs"], { cwd: ROOT, env: storeEnv, encoding: "utf8" });
    if (migrate.status !== 0) throw new Error(`store database: ${migrate.stderr}`);
    const stores = [];
    for (let i = 0; i < instances; i++) {
      const p = await freePort();
      const s = launch(
        `store-${i + 1}`,
        process.execPath,
        ["node_modules/next/dist/bin/next", "start", "-H", "127.0.0.1", "-p", String(p)],
        { ...storeEnv, PORT: String(p) },
        dir,
      );
      s.port = p;
      s.url = `http://127.0.0.1:${p}`;
      started.push(s);
      stores.push(s);
    }
    await waitFor(`http://127.0.0.1:${sandboxPort}/sandbox/control/identity`, 90_000, sandbox.alive);
    for (const s of stores) await waitFor(`${s.url}/api/health`, 90_000, s.alive);

    const conf = path.join(dir, "nginx.conf");
    writeFileSync(conf, nginxConf({ dir, port, instances: stores.map((s) => s.port), balance }));
    const proxy = launch("nginx", nginx, ["-c", conf, "-p", dir], process.env, dir);
    started.push(proxy);
    await waitFor(`${front}/api/health`, 30_000, proxy.alive);

    return {
      dir,
      url: front,
      databaseUrl: dbUrl,
      sandboxUrl: `http://127.0.0.1:${sandboxPort}/sandbox`,
      stores,
      sandbox,
      nginx: proxy,
      log: (name) => readFileSync(path.join(dir, `${name}.log`), "utf8"),
      async stop() {
        await stopAll();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    await stopAll();
    throw e;
  }
}

/** The command line (no top-level await: the e2e suite imports this module through require). */
async function main() {
  const arg = (name, fallback) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? process.argv[i + 1] : fallback;
  };
  const c = await startCluster({ instances: Number(arg("instances", 2)), port: Number(arg("port", 8080)), balance: arg("balance", "failover") });
  console.log(`The store, through nginx:   ${c.url}`);
  c.stores.forEach((s, i) => console.log(`  instance ${i + 1}:              ${s.url}`));
  console.log(`The Plural sandbox:          ${c.sandboxUrl}`);
  console.log(`PostgreSQL:                  ${c.databaseUrl}`);
  console.log(`Logs:                        ${c.dir}/*.log`);
  console.log("Ctrl-C stops everything.");
  const stop = async () => {
    await c.stop();
    process.exit(0);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((e) => {
    console.error(e.message);
    process.exit(1);
  });
}

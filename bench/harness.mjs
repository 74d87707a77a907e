/**
 * Shared by bench/load.mjs and bench/soak.mjs: start and stop a production server on its own
 * database, read its file handles and memory from /proc, count its calls to Plural on the wire,
 * sign webhooks, act as a shopper over plain HTTP, drive autocannon, print tables.
 *
 * Everything here talks to the store over HTTP only (and reads /proc), so the benchmarks measure
 * whatever lib/db.ts and lib/orders do today, and keep working when they change.
 */
// First: from here on, what the benchmark prints is kept for docs/benchmarks.md (saveResults writes it there).
import { writeFigures } from "./figures.mjs";
import { spawn, spawnSync } from "node:child_process";
import { createHmac, randomBytes } from "node:crypto";
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import autocannon from "autocannon";

export const ROOT = path.resolve(import.meta.dirname, "..");

/* --------------------------------------------------------------------------------- small things */

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
export const rand = (n = 16) =>
  randomBytes(n * 2)
    .toString("base64")
    .replace(/[^A-Za-z0-9]/g, "")
    .slice(0, n);
/**
 * A shopper's address, as a load balancer in front would pass it on (`X-Forwarded-For`; the store
 * believes it from 127.0.0.1, TRUSTED_PROXIES below): every benchmark request comes from a shopper of
 * its own, as real traffic does, so the store's per-address limits (lib/security/limits.ts) count
 * and answer as they would, and never refuse the benchmark itself.
 */
export const shopperAddress = () => `100.${64 + (randomBytes(1)[0] & 63)}.${randomBytes(1)[0]}.${1 + (randomBytes(1)[0] % 254)}`;
const withAddress = (headers = {}) =>
  Object.keys(headers).some((k) => k.toLowerCase() === "x-forwarded-for") ? headers : { ...headers, "x-forwarded-for": shopperAddress() };

/** A checkout key as lib/orders makes them (`ord_` + 16 letters/digits): the checkout form's idempotency key. */
export const checkoutKey = () => `ord_${rand(16)}`;

/** `--name value` and `--flag` from argv, with defaults; numbers stay numbers. */
export function args(defaults) {
  const out = { ...defaults };
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(argv[i]);
    if (!m) throw new Error(`Unknown argument ${argv[i]}`);
    const key = m[1].replace(/-([a-z])/g, (_, c) => c.toUpperCase());
    if (!(key in defaults)) throw new Error(`Unknown option --${m[1]} (known: ${Object.keys(defaults).join(", ")})`);
    let value = m[2];
    if (value === undefined) value = typeof defaults[key] === "boolean" ? "true" : argv[++i];
    out[key] = typeof defaults[key] === "number" ? Number(value) : typeof defaults[key] === "boolean" ? value !== "false" : value;
  }
  return out;
}

/** Runs `fn` over `items` with at most `n` at once; returns the results in order (rejections as Error values). */
export async function pool(items, n, fn) {
  const out = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i], i).catch((e) => (e instanceof Error ? e : new Error(String(e))));
      }
    }),
  );
  return out;
}

export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export function table(headers, rows) {
  const cells = [headers, ...rows].map((r) => r.map((c) => (c === undefined || c === null ? "" : String(c))));
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  const line = (r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  return [line(cells[0]), widths.map((w) => "-".repeat(w)).join("  "), ...cells.slice(1).map(line)].join("\n");
}

export const fmt = {
  ms: (v) => (Number.isFinite(v) ? (v >= 100 ? v.toFixed(0) : v.toFixed(1)) : "-"),
  rps: (v) => (Number.isFinite(v) ? v.toFixed(1) : "-"),
  ratio: (v) => (Number.isFinite(v) ? v.toFixed(2) : "-"),
};

export function machine() {
  const cpus = os.cpus();
  let commit = "";
  try {
    commit = spawnSync("git", ["rev-parse", "--short", "HEAD"], { cwd: ROOT, encoding: "utf8" }).stdout.trim();
    if (spawnSync("git", ["status", "--porcelain"], { cwd: ROOT, encoding: "utf8" }).stdout.trim()) commit += "+dirty";
  } catch {
    /* not a git checkout */
  }
  return {
    cpus: cpus.length,
    model: cpus[0]?.model ?? "unknown",
    memGiB: +(os.totalmem() / 2 ** 30).toFixed(1),
    loadavg: os.loadavg().map((l) => +l.toFixed(2)),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    commit,
  };
}

export const machineLine = (m) =>
  `machine: ${m.cpus} × ${m.model}, ${m.memGiB} GiB, load average ${m.loadavg.join(" ")}, node ${m.node}, ${m.platform}, commit ${m.commit}`;

export function saveResults(name, data) {
  const dir = path.join(ROOT, "bench", "results");
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}-${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
  writeFileSync(file, JSON.stringify(data, null, 2));
  const page = writeFigures(name, data?.machine);
  if (page) console.log(`figures written to ${page}`);
  return path.relative(ROOT, file);
}

/* ------------------------------------------------------------------------------------- server */

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

/* -------------------------------------------------------------------------------- Chromium */

/** Debian's Chromium, as the e2e suite runs it (CHROMIUM_PATH to use another). */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** The flags every browser benchmark starts it with: no sandbox (root in CI), no GPU, nothing fetched in the background. */
export const CHROMIUM_FLAGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-dev-shm-usage",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
];

/** Chromium through Playwright (the benchmarks that drive pages). */
export async function launchChromium(executablePath = CHROMIUM_PATH) {
  const { chromium } = await import("@playwright/test");
  return chromium.launch({ executablePath, args: CHROMIUM_FLAGS });
}

/* ------------------------------------------------------------------------- counting proxy */

/** Which Plural call a request to the sandbox is (lib/plural/constants.ts PATHS). */
export function upstreamKind(method, url) {
  const p = url.split("?")[0].replace(/^\/sandbox/, "");
  if (method === "POST" && p === "/api/auth/v1/token") return "token";
  if (method === "POST" && p === "/api/pay/v1/orders") return "createOrder";
  if (method === "POST" && /^\/api\/pay\/v1\/orders\/[^/]+\/payments$/.test(p)) return "createPayment";
  if (method === "GET" && /^\/api\/pay\/v1\/orders\/reference\/[^/]+$/.test(p)) return "getOrderByReference";
  if (method === "GET" && /^\/api\/pay\/v1\/orders\/[^/]+$/.test(p)) return "getOrder";
  return `${method} ${p.replace(/\/[A-Za-z0-9_-]{12,}/g, "/:id")}`;
}

/**
 * An HTTP proxy between the store and its Plural (the sandbox on `targetPort`): PLURAL_BASE_URL
 * points here, so every call the store makes upstream is counted on the wire, as it arrives.
 */
export async function startCountingProxy(port, targetPort) {
  let counts = {};
  let times = {};
  const agent = new http.Agent({ keepAlive: true, maxSockets: 512 });
  const server = http.createServer((req, res) => {
    const kind = upstreamKind(req.method, req.url);
    counts[kind] = (counts[kind] ?? 0) + 1;
    const t0 = performance.now();
    const up = http.request({ host: "127.0.0.1", port: targetPort, method: req.method, path: req.url, headers: req.headers, agent }, (ur) => {
      res.writeHead(ur.statusCode, ur.headers);
      ur.pipe(res);
      ur.on("end", () => (times[kind] ??= []).push(performance.now() - t0));
    });
    up.on("error", () => {
      if (!res.headersSent) res.writeHead(502, { "content-type": "application/json" });
      res.end('{"code":"BENCH_PROXY","message":"upstream unreachable"}');
    });
    res.on("close", () => {
      if (!res.writableFinished) up.destroy(); // the store gave up (its timeout): so do we
    });
    req.pipe(up);
  });
  server.keepAliveTimeout = 30_000;
  await new Promise((r) => server.listen(port, "127.0.0.1", r));
  return {
    port,
    counts: () => ({ ...counts }),
    /** Median time the sandbox (through this proxy) took per kind of call, in ms. */
    medians: () =>
      Object.fromEntries(
        Object.entries(times).map(([k, v]) => [
          k,
          +percentile(
            [...v].sort((a, b) => a - b),
            50,
          ).toFixed(1),
        ]),
      ),
    reset() {
      counts = {};
      times = {};
    },
    close: () => new Promise((r) => (server.closeAllConnections(), server.close(r))),
  };
}

/* ---------------------------------------------------------------------------------- webhooks */

/**
 * The sandbox's default webhook secret: the built-in client secret (lib/env.ts SANDBOX_DEFAULTS),
 * used as raw UTF-8 bytes (PLURAL_WEBHOOK_SECRET_FORMAT=raw, the default).
 */
export const SANDBOX_CLIENT = { clientId: "sandbox-merchant-0001", clientSecret: "5a4e3b2c1d0f9e8d7c6b5a4938271605" };
export const WEBHOOK_SECRET = SANDBOX_CLIENT.clientSecret;

/**
 * Standard Webhooks, as lib/plural/signature.ts `webhookHeaders` builds them with the raw key:
 * `v1,` + base64 HMAC-SHA256 over `id.timestamp.body`.
 */
export function webhookHeaders(id, body, timestampSeconds = Math.floor(Date.now() / 1000), secret = WEBHOOK_SECRET) {
  const signature = createHmac("sha256", Buffer.from(secret, "utf8")).update(`${id}.${timestampSeconds}.${body}`).digest("base64");
  return { "content-type": "application/json", "webhook-id": id, "webhook-timestamp": String(timestampSeconds), "webhook-signature": `v1,${signature}` };
}

export const webhookId = () => `msg_bench_${rand(20)}`;

/* ------------------------------------------------------------------------------- the sandbox */

export async function sandboxSettings(base, patch) {
  const r = await get(`${base}/sandbox/control/settings`, { method: "PATCH", headers: { "content-type": "application/json" }, body: JSON.stringify(patch) });
  if (!r.ok) throw new Error(`sandbox settings: ${r.status} ${await r.text()}`);
}

/** A token of our own, straight from the sandbox (not through the proxy: the harness's calls are not the store's). */
export async function sandboxToken(base) {
  const r = await get(`${base}/sandbox/api/auth/v1/token`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ client_id: SANDBOX_CLIENT.clientId, client_secret: SANDBOX_CLIENT.clientSecret, grant_type: "client_credentials" }),
  });
  if (!r.ok) throw new Error(`sandbox token: ${r.status}`);
  return (await r.json()).access_token;
}

/** The order's latest PENDING payment at the sandbox (by our reference), or null. */
export async function pendingPayment(base, token, merchantOrderReference) {
  const r = await get(`${base}/sandbox/api/pay/v1/orders/reference/${encodeURIComponent(merchantOrderReference)}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  if (!r.ok) return null;
  return [...((await r.json()).data.payments ?? [])].reverse().find((p) => p.status === "PENDING") ?? null;
}

/**
 * The payer approves the order's pending payment in the sandbox (webhooks off, so the store hears
 * nothing); returns the ORDER_PROCESSED webhook body Plural would send, or null if nothing was pending.
 */
export async function approveByReference(base, token, merchantOrderReference) {
  const pending = await pendingPayment(base, token, merchantOrderReference);
  if (!pending) return null;
  const a = await get(`${base}/sandbox/control/payments/${pending.id}/approve`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: "{}",
  });
  if (!a.ok) return null;
  return JSON.stringify({ event_type: "ORDER_PROCESSED", data: (await a.json()).data });
}

/* ---------------------------------------------------------------------------------- a shopper */

const unescapeHtml = (s) =>
  s
    .replace(/&quot;/g, '"')
    .replace(/&#x27;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");

/**
 * The hidden fields of the page's first server-action form, as a browser without JavaScript posts
 * them. Next 16 (React 19) renders a form whose action is a server action as
 * `$ACTION_REF_1`, `$ACTION_1:0` = {"id": <action id>, "bound": "$@1"}, `$ACTION_1:1` (the bound
 * previous state of useActionState), `$ACTION_KEY`, plus the form's own hidden inputs.
 */
export function actionForm(html) {
  const form = /<form[^>]*method="POST"[^>]*>([\s\S]*?)<\/form>/.exec(html);
  if (!form) throw new Error("no server-action form on the page");
  const fields = [];
  for (const m of form[1].matchAll(/<input type="hidden" name="([^"]+)"(?: value="([^"]*)")?\/?>/g))
    fields.push([unescapeHtml(m[1]), unescapeHtml(m[2] ?? "")]);
  if (!fields.some(([k]) => k.startsWith("$ACTION"))) throw new Error("the form has no server action fields");
  return fields;
}

/** A multipart/form-data body (what a browser posts for a server-action form). */
export function multipart(fields) {
  const boundary = `----benchBoundary${rand(16)}`;
  const body = fields.map(([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`).join("") + `--${boundary}--\r\n`;
  return { body, contentType: `multipart/form-data; boundary=${boundary}` };
}

/**
 * The checkout form's customer fields, a different shopper each time (their own e-mail): one
 * shopper placing the same cart hundreds of times is what the store flags as paid twice, not load.
 */
export const customerFields = () => Object.entries({ ...CUSTOMER, email: `shopper-${rand(12)}@example.com` });

const CUSTOMER = {
  name: "Bench Mark",
  mobile: "9876543210",
  "billing.address1": "1 Bench Road",
  "billing.city": "Pune",
  "billing.state": "Maharashtra",
  "billing.pincode": "411001",
  sameAsBilling: "on",
};

/**
 * What a shopper does over HTTP, with no JavaScript (forms) or as the pay page's script does
 * (server action calls). Action ids are read from the rendered pages once: they are fixed per build.
 */
export class Shopper {
  /** `sandboxBase`: where the sandbox is (the store itself, or a separate sandbox service). */
  constructor(base, sandboxBase = base) {
    this.base = base;
    this.sandboxBase = sandboxBase;
  }

  /** The product page's add-to-cart form, once. */
  async productForm() {
    if (!this.product) {
      const home = await (await get(this.base + "/")).text();
      const href = /href="(\/products\/[^"]+)"/.exec(home)?.[1];
      if (!href) throw new Error("no product on the home page");
      this.product = { path: href, fields: actionForm(await (await get(this.base + href)).text()) };
    }
    return this.product;
  }

  /** The product page's add-to-cart form posted without a cookie (so it makes a new cart, named in its Set-Cookie). */
  async addToCartRequest() {
    const { path: p, fields } = await this.productForm();
    const { body, contentType } = multipart(fields);
    return { method: "POST", path: p, headers: { "content-type": contentType }, body };
  }

  /** A new cart with one product; answers its cookie, `cart=<id>`. */
  async newCart() {
    const q = await this.addToCartRequest();
    const r = await get(this.base + q.path, q);
    const cookie = cartCookie(r.headers.get("set-cookie"));
    await r.arrayBuffer();
    if (!cookie) throw new Error(`add to cart: ${r.status}, no cart cookie`);
    return cookie;
  }

  /**
   * Paid orders, made as shoppers and Plural would: checkout, the payer approves at the sandbox,
   * and its ORDER_PROCESSED webhook (signed like the sandbox's) is delivered to our route.
   * Answers [{ orderId, webhook: { id, body } }] for those that succeeded.
   */
  async paidOrders(n, token) {
    const made = await pool(Array.from({ length: n }), 4, async () => {
      const { orderId, ref, cookie } = await this.checkout(await this.newCart());
      const body = await approveByReference(this.sandboxBase, token, ref);
      if (!body) throw new Error("no pending payment at the sandbox");
      const id = webhookId();
      const r = await get(`${this.base}/api/plural/webhook`, { method: "POST", headers: webhookHeaders(id, body), body });
      const answer = await r.text();
      if (!r.ok || !answer.includes('"applied"')) throw new Error(`webhook answered ${r.status} ${answer.slice(0, 100)}`);
      return { orderId, cookie, webhook: { id, body } };
    });
    return made.filter((p) => !(p instanceof Error));
  }

  /** The checkout page's form fields (server action and a fresh checkout key), as rendered for this cart. */
  async checkoutForm(cookie, timeoutMs) {
    const r = await get(this.base + "/checkout", { headers: { cookie } }, timeoutMs);
    return actionForm(await r.text());
  }

  /**
   * The checkout form posted without JavaScript; the 303 to the pay page names the order, and sets
   * the cart's new cookie (a new order rotates it). Answers { orderId, cookie }.
   */
  async placeOrder(cookie, fields, timeoutMs) {
    const { body, contentType } = multipart([...fields, ...customerFields()]);
    const r = await get(this.base + "/checkout", { method: "POST", headers: { cookie, "content-type": contentType }, body }, timeoutMs);
    await r.arrayBuffer();
    const orderId = /^\/orders\/([^/]+)\/pay$/.exec(r.headers.get("location") ?? "")?.[1];
    if (r.status !== 303 || !orderId) throw new Error(`checkout answered ${r.status}`);
    return { orderId, cookie: cartCookie(r.headers.get("set-cookie")) ?? cookie };
  }

  /** The pay page, as the browser that placed the order loads it (its cart cookie); also reads its start-payment action id. */
  async payPage(orderId, timeoutMs, cookie) {
    const r = await get(`${this.base}/orders/${orderId}/pay`, { headers: { cookie } }, timeoutMs);
    const html = await r.text();
    if (r.status !== 200) throw new Error(`pay page answered ${r.status}`);
    if (!this.startActionId) {
      // The client component's prop `start` is a server reference: "start":"$h<row>", and row <row> is {"id":"<action id>","bound":null}.
      const ref = /\\"start\\":\\"\$h([0-9a-z]+)\\"/.exec(html)?.[1];
      const id = ref && new RegExp(`(?:^|\\\\n|")${ref}:\\{\\\\"id\\\\":\\\\"([0-9a-f]+)\\\\"`).exec(html)?.[1];
      if (!id) throw new Error("the pay page does not name its start-payment action");
      this.startActionId = id;
    }
    return html;
  }

  /** How the pay page's script calls startPaymentAction(orderId, "QR"): a server action request. */
  startPaymentRequest(orderId, cookie) {
    return {
      method: "POST",
      path: `/orders/${orderId}/pay`,
      headers: { cookie, "next-action": this.startActionId, accept: "text/x-component", "content-type": "text/plain;charset=UTF-8" },
      body: JSON.stringify([orderId, "QR", "$undefined"]),
    };
  }

  async startPayment(orderId, timeoutMs, cookie) {
    const q = this.startPaymentRequest(orderId, cookie);
    const r = await get(this.base + q.path, { method: q.method, headers: q.headers, body: q.body }, timeoutMs);
    const text = await r.text();
    if (r.status !== 200 || !startPaymentOk(text)) throw new Error(`start payment answered ${r.status} ${text.slice(0, 200)}`);
  }

  /** The whole checkout a browser makes: checkout page, form post, pay page, start payment; all within `timeoutMs`. */
  async checkout(cookie, timeoutMs = 60_000) {
    const end = Date.now() + timeoutMs;
    const left = () => Math.max(1, end - Date.now());
    const fields = await this.checkoutForm(cookie, left());
    const placed = await this.placeOrder(cookie, fields, left());
    await this.payPage(placed.orderId, left(), placed.cookie);
    await this.startPayment(placed.orderId, left(), placed.cookie);
    return { orderId: placed.orderId, cookie: placed.cookie, ref: fields.find(([k]) => k === "checkoutKey")?.[1] };
  }
}

/** `cart=<id>` from a Set-Cookie header (a string, or autocannon's array when there are several). */
export function cartCookie(setCookie) {
  for (const c of [setCookie ?? []].flat()) {
    const m = /(?:^|,\s*)(cart=[^;,]+)/.exec(c);
    if (m) return m[1];
  }
  return undefined;
}

/** A response header from autocannon's header object (names as the server sent them). */
export const header = (headers, name) => Object.entries(headers ?? {}).find(([k]) => k.toLowerCase() === name)?.[1];

/** The action's answer is React's flight format; row 1 is the ActionResult. */
export const startPaymentOk = (text) => /(?:^|\n)1:\{"ok":true/.test(text);

/* ------------------------------------------------------------------------------ autocannon */

/**
 * One autocannon run against `base`. `next(ctx)` returns the next request ({ op, method, path,
 * headers, body }), or null when there is nothing left to send (the connection then polls
 * /api/health, which is not counted); `check(status, body, headers, ctx)` says whether the answer
 * is a success. Per op (the request's `op`, default "run"): requests sent, answers good and bad,
 * every answer's latency, statuses; `unanswered` is what timed out or was still in flight at the end.
 * The run stops after `seconds`, or after `amount` requests (or `seconds`, whichever comes first),
 * or at stop(). `ops` and `live` (socket errors and timeouts so far) can be read while it runs.
 */
export function cannon({ base, connections, seconds, amount, timeoutS = 20, next, check }) {
  const u = new URL(base);
  const ops = {};
  const op = (name) => (ops[name] ??= { sent: 0, ok: 0, failed: 0, times: [], statuses: {} });
  const live = { errors: 0, timeouts: 0 };
  const started = performance.now();
  // autocannon ends a run on its next 1 s sampling tick, so its end (and its `duration`) is rounded up
  // to whole seconds: a run bounded by `amount` is timed to its last answer instead.
  let lastAnswer = started;
  let instance;
  const done = new Promise((resolve, reject) => {
    instance = autocannon(
      {
        url: base,
        connections,
        ...(amount ? { amount } : { duration: seconds }),
        timeout: timeoutS,
        requests: [
          {
            setupRequest(req, ctx) {
              const q = next(ctx);
              ctx.op = q ? (q.op ?? "run") : null;
              if (!q) return { ...req, method: "GET", path: "/api/health", headers: { host: u.host }, body: undefined };
              op(ctx.op).sent++;
              return { ...req, method: q.method ?? "GET", path: q.path, headers: withAddress({ host: u.host, ...q.headers }), body: q.body };
            },
            onResponse(status, body, ctx, headers) {
              if (!ctx.op) return;
              const s = op(ctx.op);
              s.statuses[status] = (s.statuses[status] ?? 0) + 1;
              if (check(status, body, headers, ctx)) s.ok++;
              else s.failed++;
            },
          },
        ],
      },
      (err, result) => {
        if (err) return reject(err);
        for (const s of Object.values(ops)) s.unanswered = s.sent - s.ok - s.failed;
        const ended = amount ? lastAnswer : performance.now();
        resolve({ ops, errors: result.errors - result.timeouts, timeouts: result.timeouts, seconds: (ended - started) / 1000 });
      },
    );
    // Emitted right after onResponse, before the connection moves on: its context is still the answered request's.
    instance.on("response", (client, _status, _bytes, responseTime) => {
      const name = client.requestIterator?.context?.op;
      if (!name) return; // a connection with nothing left to send, polling /api/health
      op(name).times.push(responseTime);
      lastAnswer = performance.now();
    });
    instance.on("reqError", (e) => {
      lastAnswer = performance.now();
      return e.message === "request timed out" ? live.timeouts++ : live.errors++;
    });
  });
  const timer = amount && seconds ? setTimeout(() => instance.stop(), seconds * 1000) : undefined;
  return { done: done.finally(() => clearTimeout(timer)), stop: () => instance.stop(), ops, live };
}

/** Sums runs of one side of a scenario: req/s over the time spent, latency percentiles over every answer. */
export function summarize(runs) {
  const times = runs.flatMap((r) => r.times).sort((a, b) => a - b);
  const sum = (k) => runs.reduce((n, r) => n + (r[k] ?? 0), 0);
  const seconds = sum("seconds");
  return {
    rounds: runs.length,
    sent: sum("sent"),
    ok: sum("ok"),
    failed: sum("failed"),
    unanswered: sum("unanswered"),
    errors: sum("errors"),
    timeouts: sum("timeouts"),
    seconds: +seconds.toFixed(2),
    rps: sum("ok") / seconds,
    rpsPerRound: runs.map((r) => +(r.ok / r.seconds).toFixed(1)),
    p50: percentile(times, 50),
    p99: percentile(times, 99),
    max: times.at(-1),
    statuses: runs.reduce((acc, r) => {
      for (const [k, v] of Object.entries(r.statuses)) acc[k] = (acc[k] ?? 0) + v;
      return acc;
    }, {}),
  };
}

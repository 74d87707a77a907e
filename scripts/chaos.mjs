#!/usr/bin/env node
/**
 * `npm run chaos -- --seed N --minutes M`: a sale day with faults everywhere, then the invariants.
 *
 * Two production store instances on one PostgreSQL behind nginx, the Plural sandbox as its own
 * service (scripts/chaos/cluster.mjs). For M minutes, at once: shoppers over HTTP (QR and collect,
 * switching, reloading, abandoning, cancelling, paying late and paying twice), a merchant with two
 * consoles (refunds of one order from both at once, partial refunds, one refund sent twice, capture or
 * cancel under pre-auth, syncs, settlement runs), Plural's faults through the sandbox's control API
 * (latency, 5xx, answers lost after the work, hangs, token expiry, webhooks dropped, doubled, delayed
 * and out of order, the strict profile) and process faults (kill -9 and restart of either instance,
 * SIGSTOP and SIGCONT, PostgreSQL restarted, the sandbox restarted). Every random choice comes from
 * the seed (scripts/chaos/prng.mjs); the processes' timing does not, so a replay makes the same plan,
 * not necessarily the same interleaving (as in Jepsen and VOPR runs on real processes).
 *
 * Then a quiet period: faults cleared, everything up, webhooks normal; the invariants
 * (scripts/chaos/invariants.mjs) are checked until they hold or the bound passes. The report prints
 * the seed, the counts of every action and fault, the invariants table with the convergence time,
 * and for each violation the order's history (ours beside Plural's). Exit 1 on any violation.
 *
 *   --seed N          the run's seed (default: the time)
 *   --minutes M       how long the faults go on (default 3; fractions allowed)
 *   --shoppers K      shoppers at once (default 6)
 *   --quiet-bound S   seconds the quiet period may take to converge (default 120)
 *   --port-base P     nginx on P, the sandbox P+1, the stores P+2 and P+3, PostgreSQL P+4 (default: free ports)
 *   --pre-auth on|off|seed   PLURAL_PRE_AUTH for the stores (default: seed decides)
 *   --auto-refund on|off|seed   AUTO_REFUND_LATE_PAYMENTS (default: seed decides)
 *   --keep            keep the run's directory (logs, databases) under .chaos/
 *   --json FILE       also write the report as JSON
 * Needs a production build (`npm run build`), PostgreSQL and nginx (Debian's packages).
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { merchantLoop, pluralFaultLoop, processFaultLoop, shopperLoop } from "./chaos/actors.mjs";
import { startChaosCluster } from "./chaos/cluster.mjs";
import { Control } from "./chaos/http.mjs";
import { check, CONVERGING, gather, history, INVARIANTS } from "./chaos/invariants.mjs";
import { Rng } from "./chaos/prng.mjs";

const ROOT = path.resolve(import.meta.dirname, "..");
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The sandbox's settings for the whole run (a profile switch re-applies them on top). */
const BASE_SETTINGS = { payment_expiry_seconds: 45, refund_delay_ms: 1500 };
const NORMAL_WEBHOOKS = { enabled: true, duplicate: false, out_of_order: false, delay_ms: 0, drop: 0 };

/**
 * One run. Answers the report (also printed through `print`): { seed, ok, violations, counts,
 * invariants, convergedMs }.
 */
export async function runChaos({
  seed = Date.now() % 1_000_000,
  minutes = 3,
  shoppers = 6,
  quietBoundS = 120,
  portBase,
  preAuth = "seed",
  autoRefund = "seed",
  keep = false,
  print = console.log,
} = {}) {
  const plan = new Rng(seed, "plan");
  const choose = (v, p) => (v === "seed" ? plan.chance(p) : v === "on" || v === true);
  const opts = { preAuth: choose(preAuth, 0.25), autoRefund: choose(autoRefund, 0.5) };
  const dir = path.join(ROOT, ".chaos", `run-${seed}-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const t0 = Date.now();
  const stamp = () => `${((Date.now() - t0) / 1000).toFixed(1).padStart(6)} s`;
  const log = (m) => print(`[${stamp()}] ${m}`);
  log(
    `chaos: seed ${seed}, ${minutes} min, ${shoppers} shoppers, pre-auth ${opts.preAuth ? "on" : "off"}, automatic late refunds ${opts.autoRefund ? "on" : "off"}`,
  );

  const adminPassword = `chaos-${seed}-console`;
  const cluster = await startChaosCluster({
    dir,
    portBase,
    log,
    storeEnv: {
      ADMIN_PASSWORD: adminPassword,
      // The sweep every 2 s (its threshold is then 5 s): the quiet period converges in seconds, not minutes.
      RECONCILE_INTERVAL_MS: "2000",
      PLURAL_TIMEOUT_MS: "5000",
      PLURAL_PRE_AUTH: opts.preAuth ? "true" : "false",
      AUTO_REFUND_LATE_PAYMENTS: opts.autoRefund ? "true" : "false",
    },
  });
  log(`up: store ${cluster.url} (instances ${cluster.storeUrls.join(", ")}), sandbox ${cluster.sandboxUrl}, ${cluster.databaseUrl}`);
  const pool = new pg.Pool({ connectionString: cluster.databaseUrl, max: 4 });
  pool.on("error", () => {}); // PostgreSQL restarts are one of the faults
  const control = new Control(cluster.sandboxUrl);

  const counts = new Map();
  const notesOf = new Map();
  const shownOf = new Map();
  const windows = [];
  const stats = { before: [], restarts: 0 };
  let ending = false;
  const w = {
    seed,
    url: cluster.url,
    cluster,
    control,
    adminPassword,
    autoRefund: opts.autoRefund,
    baseSettings: BASE_SETTINGS,
    profiles: new Set(["friendly"]),
    answers: [],
    notesOf,
    shownOf,
    ending: () => ending,
    log,
    count: (k) => counts.set(k, (counts.get(k) ?? 0) + 1),
    answer: (a) => w.answers.push(a),
    note: (orderId, who, what) => (notesOf.get(orderId) ?? notesOf.set(orderId, []).get(orderId)).push({ at: Date.now(), who, what }),
    track: (orderId, info) => w.note(orderId, `shopper-${info.shopper}`, `placed ${info.ref} (${info.product}, ${info.email})`),
    shown: (orderId, status) => {
      (shownOf.get(orderId) ?? shownOf.set(orderId, []).get(orderId)).push({ at: Date.now(), status });
      w.note(orderId, "shopper", `shown ${status}`);
    },
    sameKey: () => {},
    /** A window in which `what` is down (a store killed or paused, PostgreSQL restarting); the answer ends it. */
    down: (what) => {
      const win = { what, from: Date.now(), to: Infinity };
      windows.push(win);
      return () => (win.to = Date.now());
    },
    // A request that overlapped a window (or ended within 10 s of one: nginx's fail_timeout, pools reconnecting) is excused.
    inDownWindow: (from, to) => windows.some((x) => from <= x.to + 10_000 && to >= x.from),
    async query(sql, params) {
      for (let i = 0; ; i++) {
        try {
          return await pool.query(sql, params);
        } catch (e) {
          if (i >= 40) throw e;
          await sleep(500);
        }
      }
    },
    async storeOrders(where) {
      return (
        await w.query(`SELECT "id","status","amountInPaise","refundedInPaise","latePayment" FROM "Order" WHERE ${where} ORDER BY "createdAt" DESC LIMIT 40`)
      ).rows;
    },
    /** The Plural payment the shopper's screen shows (the store's newest payment with a Plural id). */
    async pluralPayment(orderId) {
      const r = await w.query(
        `SELECT "pluralPaymentId" FROM "Payment" WHERE "orderId" = $1 AND "pluralPaymentId" IS NOT NULL ORDER BY "createdAt" DESC LIMIT 1`,
        [orderId],
      );
      return r.rows[0]?.pluralPaymentId ?? null;
    },
    sandboxStats: (s) => stats.before.push(s.json?.calls ?? {}),
    sandboxRestarted: () => stats.restarts++,
    budget: () => {
      const tokens = [...stats.before, stats.now ?? {}].reduce((n, c) => n + (c.token ?? 0), 0);
      const expiries = [...counts].filter(([k]) => k === "plural: token expiry").reduce((n, [, c]) => n + c, 0);
      const starts = cluster.starts["store-1"] + cluster.starts["store-2"];
      // Each store process asks once at its start and once after each expiry or sandbox restart (a 401 then a retry); twice that, for races.
      const tokenBound = 2 * (starts + 2 * (expiries + stats.restarts + w.profiles.size)) + 4;
      const calls = {};
      for (const c of [...stats.before, stats.now ?? {}]) for (const [k, n] of Object.entries(c)) calls[k] = (calls[k] ?? 0) + n;
      return { tokens, tokenBound, calls };
    },
  };

  await control.post("reset", {});
  await control.patch("settings", { ...BASE_SETTINGS, webhook: NORMAL_WEBHOOKS });
  await control.post("stats/reset");

  const runMs = minutes * 60_000;
  log(`faults on for ${minutes} min`);
  const actors = [...Array.from({ length: shoppers }, (_, i) => shopperLoop(w, i + 1)), merchantLoop(w), pluralFaultLoop(w), processFaultLoop(w)].map((p) =>
    p.catch((e) => w.count(`actor died: ${String(e?.message ?? e).slice(0, 80)}`)),
  );
  const progress = setInterval(
    () => log(`${w.answers.length} requests, ${[...counts].filter(([k]) => k.startsWith("shopper: order")).reduce((n, [, c]) => n + c, 0)} orders`),
    30_000,
  );
  await sleep(runMs);
  ending = true;
  log("faults off: waiting for the actors to finish what they were doing");
  await Promise.all(actors);
  clearInterval(progress);

  // The quiet period: nothing broken any more; the store has to find its own way to the truth.
  await cluster.heal();
  await control.del("faults");
  await control.patch("settings", { profile: "friendly", ...BASE_SETTINGS, webhook: NORMAL_WEBHOOKS });
  const quietFrom = Date.now();
  log(`quiet: checking the invariants until they hold (bound ${quietBoundS} s)`);
  let data;
  let found;
  let convergedMs = null;
  for (;;) {
    data = await gather(w);
    found = check(w, data);
    const pending = [...CONVERGING].filter((k) => found[k].length);
    if (!pending.length) {
      convergedMs = Date.now() - quietFrom;
      break;
    }
    if (Date.now() - quietFrom > quietBoundS * 1000) break;
    await sleep(2000);
  }
  stats.now = (await control.get("stats")).json?.calls ?? {};
  found = check(w, data);

  // The report.
  const out = [];
  const p = (s = "") => out.push(s);
  const violations = Object.values(found).reduce((n, l) => n + l.length, 0);
  const orders = data.orders.length;
  const budget = w.budget();
  p(`\nChaos run: seed ${seed}, ${minutes} min of faults, ${shoppers} shoppers, 2 store instances + nginx + PostgreSQL + the sandbox service`);
  p(`pre-auth ${opts.preAuth ? "on" : "off"}, automatic late refunds ${opts.autoRefund ? "on" : "off"}, profiles used: ${[...w.profiles].join(", ")}`);
  p(
    `${orders} orders, ${data.charges.length} Plural orders, ${data.pluralRefunds.length} Plural refunds, ${data.webhooks.length} webhooks, ${w.answers.length} HTTP requests`,
  );
  p("");
  const kinds = [...counts].sort(([a], [b]) => a.localeCompare(b));
  const width = Math.max(...kinds.map(([k]) => k.length), 10);
  p(`${"action / fault".padEnd(width)}  count`);
  for (const [k, n] of kinds) p(`${k.padEnd(width)}  ${String(n).padStart(5)}`);
  p("");
  const byStatus = {};
  for (const o of data.orders) byStatus[o.status] = (byStatus[o.status] ?? 0) + 1;
  p(
    `orders by status: ${Object.entries(byStatus)
      .map(([k, n]) => `${k} ${n}`)
      .join(", ")}; flagged late/twice: ${data.orders.filter((o) => o.latePayment).length}`,
  );
  p(
    `Plural calls: ${Object.entries(budget.calls)
      .filter(([, n]) => n)
      .map(([k, n]) => `${k} ${n}`)
      .join(", ")}; tokens ${budget.tokens} (budget ${budget.tokenBound})`,
  );
  p(`down windows: ${windows.length} (${windows.map((x) => `${x.what} ${((x.to - x.from) / 1000).toFixed(1)} s`).join(", ")})`);
  p("");
  p(`${"invariant".padEnd(80)}  violations`);
  for (const [k, text] of INVARIANTS) p(`${text.padEnd(80)}  ${String(found[k].length).padStart(10)}`);
  p(`converged ${convergedMs === null ? `NOT within ${quietBoundS} s` : `after ${(convergedMs / 1000).toFixed(1)} s of quiet`}`);
  if (violations) {
    p("\nViolations:");
    const shown = new Set();
    for (const [k] of INVARIANTS)
      for (const x of found[k].slice(0, 15)) {
        p(`- [${k}] ${x.orderId ? `${x.orderId}: ` : ""}${x.what}`);
        if (x.orderId && !shown.has(x.orderId) && shown.size < 8) {
          shown.add(x.orderId);
          p(history(w, data, x.orderId));
        }
      }
  }
  p(`\n${violations ? `FAILED: ${violations} violation(s)` : "OK: 0 violations"} (seed ${seed})`);
  print(out.join("\n"));

  await pool.end().catch(() => {});
  await cluster.stop();
  if (keep) print(`kept: ${dir}`);
  else if (!violations) rmSync(dir, { recursive: true, force: true });
  else print(`logs kept for the violations: ${dir}`);
  return {
    seed,
    ok: violations === 0,
    violations,
    found,
    counts: Object.fromEntries(counts),
    convergedMs,
    orders,
    windows: windows.length,
    budget,
    report: out.join("\n"),
  };
}

function parseArgs(argv) {
  const o = {};
  for (let i = 0; i < argv.length; i++) {
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(argv[i]);
    if (!m) throw new Error(`Unknown argument ${argv[i]}`);
    const flag = m[1] === "keep";
    const value = flag ? true : (m[2] ?? argv[++i]);
    const key = m[1].replace(/-([a-z])/g, (_, c) => c.toUpperCase());
    if (!["seed", "minutes", "shoppers", "quietBound", "portBase", "preAuth", "autoRefund", "keep", "json"].includes(key))
      throw new Error(`Unknown option --${m[1]}`);
    o[key === "quietBound" ? "quietBoundS" : key] = ["seed", "minutes", "shoppers", "quietBound", "portBase"].includes(key) ? Number(value) : value;
  }
  return o;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { json, ...o } = parseArgs(process.argv.slice(2));
  runChaos(o).then(
    (r) => {
      if (json) writeFileSync(json, JSON.stringify(r, null, 2));
      process.exit(r.ok ? 0 : 1);
    },
    (e) => {
      console.error(e);
      process.exit(2);
    },
  );
}

#!/usr/bin/env node
/**
 * `npm run bench:instances`: checkout throughput through nginx with one store instance, then two,
 * on one PostgreSQL with one sandbox service (scripts/cluster.mjs, round-robin). Each run places
 * orders as browsers without JavaScript do (the checkout form's server action, a fresh cart and key
 * each) at `--connections 20` for `--seconds 30`, and reads how the CPU split between the
 * instances, PostgreSQL, nginx, the sandbox and this load generator (/proc). Needs a production
 * build, PostgreSQL and nginx; asserts nothing. Goal: two/one ≥ 1.3 on 2 cores.
 */
import { readdirSync, readFileSync } from "node:fs";
import os from "node:os";
import { startCluster } from "../scripts/cluster.mjs";
import {
  args,
  cannon,
  cartCookie,
  checkoutKey,
  customerFields,
  fmt,
  header,
  machine,
  machineLine,
  multipart,
  pool,
  saveResults,
  Shopper,
  summarize,
  table,
} from "./harness.mjs";

// Each order rotates its cart's cookie, and a cart may place 10 orders in 10 minutes (lib/security/limits.ts): enough carts for both runs.
const opt = args({ seconds: 30, connections: 20, carts: 800, warmup: 5 });
const results = { kind: "instances", startedAt: new Date().toISOString(), machine: machine(), options: opt, runs: {} };
console.log(machineLine(results.machine));
const TICKS = 100; // USER_HZ on Linux

/** CPU seconds used so far by every process, by process group. */
function cpuByGroup() {
  const out = new Map();
  for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const pgid = Number(f[2]);
      const ticks = Number(f[11]) + Number(f[12]); // utime + stime
      out.set(pgid, (out.get(pgid) ?? 0) + ticks / TICKS);
    } catch {
      /* gone */
    }
  }
  return out;
}

/** Which process group is which part of the cluster. */
function groups(cluster) {
  const named = new Map();
  cluster.stores.forEach((s, i) => named.set(s.pid, `instance ${i + 1}`));
  named.set(cluster.sandbox.pid, "sandbox");
  named.set(cluster.nginx.pid, "nginx");
  named.set(process.pid, "load generator");
  // PostgreSQL: the postmaster started by pg_ctl leads its own group; find it by its port.
  const port = new URL(cluster.databaseUrl).port;
  for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, "utf8");
      if (cmd.includes("postgres") && cmd.includes(`port=${port}`)) {
        const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
        named.set(Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[2]), "PostgreSQL");
      }
    } catch {
      /* gone */
    }
  }
  return named;
}

async function run(instances) {
  const label = `${instances} instance${instances === 1 ? "" : "s"}`;
  console.log(`\n# ${label}`);
  const cluster = await startCluster({
    instances,
    balance: "round-robin",
    env: { RECONCILE_INTERVAL_MS: "0", LOG_LEVEL: "warn", PLURAL_CALLS_PER_MINUTE: "1000000" },
  });
  try {
    const shop = new Shopper(cluster.url, cluster.sandboxUrl.replace(/\/sandbox$/, ""));
    console.log(`  preparing ${opt.carts} carts…`);
    const carts = (await pool(Array.from({ length: opt.carts }), 8, () => shop.newCart())).filter(Boolean);
    const form = (await shop.checkoutForm(carts[0])).filter(([k]) => k !== "checkoutKey");
    let i = 0;
    const load = (seconds) =>
      cannon({
        base: cluster.url,
        connections: opt.connections,
        seconds,
        next(ctx) {
          const { body, contentType } = multipart([...form, ["checkoutKey", checkoutKey()], ...customerFields()]);
          ctx.slot = i++ % carts.length;
          return { op: "checkout", method: "POST", path: "/checkout", headers: { cookie: carts[ctx.slot], "content-type": contentType }, body };
        },
        check(s, _b, headers, ctx) {
          carts[ctx.slot] = cartCookie(header(headers, "set-cookie")) ?? carts[ctx.slot]; // a new order, the cart's new cookie
          return s === 303 && /^\/orders\/[^/]+\/pay$/.test(header(headers, "location") ?? "");
        },
      }).done;
    await load(opt.warmup);
    const named = groups(cluster);
    const before = cpuByGroup();
    const t0 = performance.now();
    const r = await load(opt.seconds);
    const wall = (performance.now() - t0) / 1000;
    const after = cpuByGroup();
    const cpu = {};
    for (const [pgid, secs] of after) {
      const used = secs - (before.get(pgid) ?? 0);
      if (used <= 0.01) continue;
      const name = named.get(pgid) ?? "other";
      cpu[name] = (cpu[name] ?? 0) + used;
    }
    const s = summarize([{ ...r.ops.checkout, seconds: r.seconds }]);
    const shares = Object.fromEntries(Object.entries(cpu).map(([k, v]) => [k, +(v / wall).toFixed(2)]));
    results.runs[label] = { ...s, cpuCores: shares };
    console.log(`  ${fmt.rps(s.rps)} checkouts/s, p50 ${fmt.ms(s.p50)} ms, p99 ${fmt.ms(s.p99)} ms, failed ${s.failed}, errors ${r.errors + r.timeouts}`);
    console.log(
      `  CPU (cores busy on average): ${Object.entries(shares)
        .sort((a, b) => b[1] - a[1])
        .map(([k, v]) => `${k} ${v}`)
        .join(", ")}`,
    );
    return s.rps;
  } finally {
    await cluster.stop();
  }
}

const one = await run(1);
const two = await run(2);
const ratio = two / one;
results.ratio = ratio;
// What more cores would give: on 2 cores the two instances share them with PostgreSQL, nginx, the
// sandbox and the load generator. If each instance could have a core of its own, checkouts/s would
// scale with the share of time an instance is busy.
const inst = (label) =>
  Object.entries(results.runs[label].cpuCores)
    .filter(([k]) => k.startsWith("instance"))
    .reduce((n, [, v]) => n + v, 0);
const perInstanceCore = one / inst("1 instance");
results.projection = { checkoutsPerInstanceCore: +perInstanceCore.toFixed(1), ratioWithACoreEach: +((2 * perInstanceCore) / one).toFixed(2) };
console.log(
  "\n" +
    table(
      ["", "checkouts/s", "instances' CPU (cores)"],
      [
        ["1 instance", fmt.rps(one), inst("1 instance").toFixed(2)],
        ["2 instances", fmt.rps(two), inst("2 instances").toFixed(2)],
      ],
    ),
);
console.log(`\ntwo/one = ${ratio.toFixed(2)} (goal ≥ 1.3 on ${os.cpus().length} cores)`);
console.log(
  `one instance does ${perInstanceCore.toFixed(1)} checkouts per second of its own CPU; with a core each (and PostgreSQL, nginx and the sandbox elsewhere) two would do about ${(2 * perInstanceCore).toFixed(0)}/s, ${results.projection.ratioWithACoreEach}× the one-instance figure here`,
);
console.log(`saved ${saveResults("instances", results)}`);

#!/usr/bin/env node
/**
 * npm run bench:soak [-- --minutes 10 --connections 50 --sample 10 --warmup 60 --ulimit 1024 --paid 30 --port 3350 --keep]
 *
 * A soak against a production build (run `npx next build` first): one `next start`
 * under `ulimit -n 1024` (the open-file limit most Linux systems ship), on a fresh database, with
 * the in-server reconciliation sweep on as in production. 50 connections send the mix of
 * bench:load's scenarios for N minutes, our routes only:
 *   status route (paid orders) 3 : duplicate webhook 2 : fresh webhook 2 : add to cart 1 : place order 1 : start payment 1
 * Each checkout gets a cart of its own (add to cart), each payment an order placed in this run, and
 * each fresh webhook a payment the payer (this script, at the sandbox) has approved; while one of
 * those is not ready, its request falls back to the one before it in that chain (or the status route).
 *
 * Every `--sample` seconds: the server's open descriptors on the SQLite file (-wal, -shm, -journal
 * too, from /proc/PID/fd), its RSS (/proc/PID/status), answers so far. At the end: start/end/max,
 * answers per operation, and a verdict against the goals: handles flat (±10), RSS ≤ +20 % of the
 * figure after warm-up, no errors. Saves JSON to bench/results/. Survives a collapsing server.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  approveByReference,
  args,
  cannon,
  cartCookie,
  checkoutKey,
  customerFields,
  fmt,
  get,
  header,
  machine,
  machineLine,
  multipart,
  percentile,
  sandboxSettings,
  sandboxToken,
  saveResults,
  serverLog,
  serverLogLine,
  Shopper,
  sleep,
  startPaymentOk,
  startSandboxService,
  startStore,
  table,
  webhookHeaders,
  webhookId,
} from "./harness.mjs";

const opt = args({ port: 3350, minutes: 10, connections: 50, sample: 10, warmup: 60, ulimit: 1024, paid: 30, keep: false });
const seconds = Math.round(opt.minutes * 60);
const warmup = Math.min(opt.warmup, Math.round(seconds / 4));

const dir = mkdtempSync(path.join(os.tmpdir(), "bench-soak-"));
const results = { kind: "soak", startedAt: new Date().toISOString(), machine: machine(), options: { ...opt, warmupSeconds: warmup }, samples: [] };
console.log(machineLine(results.machine));

// The sandbox runs as a service of its own (npm run sandbox): the soak measures the store's handles and memory, not the simulator's.
const sandboxService = await startSandboxService({ port: opt.port + 2, dir, webhookUrl: `http://127.0.0.1:${opt.port}/api/plural/webhook` });
const sbBase = sandboxService.base;
const store = await startStore({ port: opt.port, dir, ulimit: opt.ulimit, env: { PLURAL_BASE_URL: `${sbBase}/sandbox` } });
const base = store.base;
const limit = /Max open files\s+(\d+)/.exec(readFileSync(`/proc/${store.pid}/limits`, "utf8"))?.[1];
console.log(`server ${store.pid} on ${base}, open-file limit ${limit}, database ${store.dbFile}`);
results.openFileLimit = Number(limit);

try {
  const shop = new Shopper(base, sbBase);
  await sandboxSettings(sbBase, { webhook: { enabled: false } }); // this script plays the payer and sends the webhooks
  const token = await sandboxToken(sbBase);
  console.log(`preparing ${opt.paid} paid orders…`);
  const paid = await shop.paidOrders(opt.paid, token);
  if (paid.length === 0) throw new Error("no paid order could be prepared");
  const form = (await shop.checkoutForm(await shop.newCart())).filter(([k]) => k !== "checkoutKey");
  const addToCart = await shop.addToCartRequest();

  /* ------------------------------------------------------------------------------ the mix */
  const carts = [];
  const placed = [];
  const started = [];
  const bodies = [];
  let signed = { at: 0, list: [] };
  let n = 0;
  const SCHEDULE = [
    "status",
    "webhook-dup",
    "add-to-cart",
    "status",
    "webhook-fresh",
    "place-order",
    "status",
    "webhook-dup",
    "start-payment",
    "webhook-fresh",
  ];
  const build = {
    // The shopper's own browser asks (its cart cookie: the route answers only the order's owner).
    status: () => {
      const p = paid[n % paid.length];
      return { path: `/api/orders/${p.orderId}/status`, headers: { cookie: p.cookie } };
    },
    "webhook-dup": () => {
      if (Date.now() - signed.at > 60_000)
        signed = { at: Date.now(), list: paid.map((p) => ({ headers: webhookHeaders(p.webhook.id, p.webhook.body), body: p.webhook.body })) };
      return { method: "POST", path: "/api/plural/webhook", ...signed.list[n % signed.list.length] };
    },
    "webhook-fresh": () => {
      const body = bodies.shift();
      return body && { method: "POST", path: "/api/plural/webhook", headers: webhookHeaders(webhookId(), body), body };
    },
    "add-to-cart": () => addToCart,
    "place-order": (ctx) => {
      const cookie = carts.shift();
      if (!cookie) return undefined;
      ctx.ref = checkoutKey();
      ctx.cookie = cookie;
      const { body, contentType } = multipart([...form, ["checkoutKey", ctx.ref], ...customerFields()]);
      return { method: "POST", path: "/checkout", headers: { cookie, "content-type": contentType }, body };
    },
    "start-payment": (ctx) => {
      ctx.item = placed.shift();
      return ctx.item && shop.startPaymentRequest(ctx.item.orderId, ctx.item.cookie);
    },
  };
  const FALLBACK = { "webhook-fresh": "webhook-dup", "start-payment": "place-order", "place-order": "add-to-cart" };

  function next(ctx) {
    let op = SCHEDULE[n++ % SCHEDULE.length];
    let q = build[op](ctx);
    while (!q && FALLBACK[op]) q = build[(op = FALLBACK[op])](ctx);
    if (!q) q = build[(op = "status")](ctx);
    return { op, ...q };
  }

  function check(status, body, headers, ctx) {
    switch (ctx.op) {
      case "status":
        return status === 200;
      case "webhook-dup":
        return status === 200 && body.includes('"duplicate":true');
      case "webhook-fresh":
        return status === 200;
      case "add-to-cart": {
        const cookie = cartCookie(header(headers, "set-cookie"));
        if (status !== 200 || !cookie) return false;
        if (carts.length < 200) carts.push(cookie);
        return true;
      }
      case "place-order": {
        const orderId = /^\/orders\/([^/]+)\/pay$/.exec(header(headers, "location") ?? "")?.[1];
        if (status !== 303 || !orderId) return false;
        placed.push({ orderId, ref: ctx.ref, cookie: cartCookie(header(headers, "set-cookie")) ?? ctx.cookie }); // the cart's new cookie
        return true;
      }
      case "start-payment":
        if (status !== 200 || !startPaymentOk(body)) return false;
        started.push(ctx.item);
        return true;
    }
    return false;
  }

  /** The payer: approves started payments at the sandbox, which makes the fresh webhooks' bodies. Not counted. */
  let paying = true;
  const payer = Promise.all(
    [1, 2, 3, 4].map(async () => {
      while (paying) {
        const item = started.shift();
        if (!item || bodies.length > 500) {
          await sleep(200);
          continue;
        }
        const body = await approveByReference(sbBase, token, item.ref).catch(() => null);
        if (body) bodies.push(body);
      }
    }),
  );

  /* ---------------------------------------------------------------------------- run and sample */
  const t0 = Date.now();
  const sampleNow = (label, run) => {
    const h = store.handles();
    const ops = run?.ops ?? {};
    const sum = (k) => Object.values(ops).reduce((a, o) => a + o[k], 0);
    const s = {
      t: Math.round((Date.now() - t0) / 1000),
      label,
      alive: h !== null,
      rssMb: store.rss(),
      ...(h ?? {}),
      ok: sum("ok"),
      bad: sum("failed"),
      timeouts: run?.live.timeouts ?? 0,
      errors: run?.live.errors ?? 0,
    };
    const prev = results.samples.at(-1);
    const rps = prev && s.t > prev.t ? (s.ok - prev.ok) / (s.t - prev.t) : 0;
    results.samples.push(s);
    console.log(
      `t=${String(s.t).padStart(4)} s  ${label.padEnd(12)} SQLite handles ${String(h?.sqlite ?? "gone").padStart(4)} (db ${h?.db}, -journal ${h?.journal}, -wal ${h?.wal}, -shm ${h?.shm})  fds ${String(h?.fds).padStart(4)}  RSS ${String(s.rssMb).padStart(6)} MB  ` +
        `${rps.toFixed(1).padStart(6)} ok/s  ok ${s.ok}  bad ${s.bad}  timeouts ${s.timeouts}  errors ${s.errors}`,
    );
    return s;
  };

  console.log(`\n# ${opt.minutes} min at ${opt.connections} connections (sample every ${opt.sample} s; RSS baseline after ${warmup} s of warm-up)`);
  sampleNow("start");
  const run = cannon({ base, connections: opt.connections, seconds, timeoutS: 20, next, check });
  // Handles come and go between samples (the garbage collector closes some): track the peak every second.
  const peak = { sqlite: results.samples[0].sqlite ?? 0, fds: results.samples[0].fds ?? 0 };
  const peaker = setInterval(() => {
    const h = store.handles();
    if (!h) return;
    peak.sqlite = Math.max(peak.sqlite, h.sqlite);
    peak.fds = Math.max(peak.fds, h.fds);
  }, 1000);
  let warm;
  const sampler = setInterval(() => {
    const label = !warm && Date.now() - t0 >= warmup * 1000 - 500 ? "warmed up" : "load";
    const s = sampleNow(label, run);
    if (label === "warmed up") warm = s;
  }, opt.sample * 1000);
  const res = await run.done;
  clearInterval(sampler);
  clearInterval(peaker);
  sampleNow("end of load", { ...run, live: { errors: res.errors, timeouts: res.timeouts } });
  paying = false;
  await payer;
  await sleep(10_000);
  const idle = sampleNow("10 s idle", { ...run, live: { errors: res.errors, timeouts: res.timeouts } });
  const health = await get(`${base}/api/health`, {}, 10_000).then(
    (r) => r.status,
    (e) => e.name,
  );

  /* ---------------------------------------------------------------------------------- report */
  const rows = Object.entries(res.ops).map(([op, o]) => {
    const t = [...o.times].sort((a, b) => a - b);
    return {
      op,
      sent: o.sent,
      ok: o.ok,
      bad: o.failed,
      unanswered: o.unanswered,
      rps: o.ok / res.seconds,
      p50: percentile(t, 50),
      p99: percentile(t, 99),
      over5s: t.filter((x) => x > 5000).length,
      statuses: o.statuses,
    };
  });
  results.ops = rows;
  results.totals = { seconds: +res.seconds.toFixed(1), timeouts: res.timeouts, errors: res.errors, healthAfter: health };
  console.log(
    `\n# Answers per operation (${res.seconds.toFixed(0)} s; bad = non-2xx or not the expected answer; unanswered = timed out (20 s) or in flight at the end)`,
  );
  console.log(
    table(
      ["operation", "sent", "ok", "bad", "unanswered", "ok/s", "p50 ms", "p99 ms", "> 5 s", "statuses"],
      rows.map((r) => [r.op, r.sent, r.ok, r.bad, r.unanswered, fmt.rps(r.rps), fmt.ms(r.p50), fmt.ms(r.p99), r.over5s, JSON.stringify(r.statuses)]),
    ),
  );
  console.log(`socket errors ${res.errors}, timeouts ${res.timeouts}; /api/health afterwards: ${health}`);

  const start = results.samples[0];
  const live = results.samples.filter((s) => s.alive);
  const maxH = Math.max(peak.sqlite, ...live.map((s) => s.sqlite));
  results.peak = peak;
  const maxWarmRss = Math.max(...live.filter((s) => s.t >= (warm?.t ?? 0)).map((s) => s.rssMb));
  const baseRss = warm?.rssMb ?? start.rssMb;
  const bad = rows.reduce((a, r) => a + r.bad, 0) + res.errors + res.timeouts;
  const verdict = [
    [
      "SQLite handles flat (±10 of the start, under load and after)",
      `${start.sqlite} → ${idle.sqlite ?? "gone"} (max ${maxH}; all descriptors max ${peak.fds} of ${limit})`,
      idle.alive && maxH - start.sqlite <= 10 && Math.abs(idle.sqlite - start.sqlite) <= 10,
    ],
    [
      "RSS ≤ +20 % of the figure after warm-up, from then on",
      `${start.rssMb} → ${baseRss} (warm) → ${idle.rssMb} MB (max after warm-up ${maxWarmRss})`,
      idle.alive && maxWarmRss <= baseRss * 1.2,
    ],
    ["0 errors (bad answers, timeouts, socket errors)", String(bad), bad === 0],
    ["still answering afterwards", String(health), health === 200],
  ];
  results.verdict = verdict.map(([goal, value, met]) => ({ goal, value, met }));
  console.log(`\n# Verdict, ${opt.minutes} min under ulimit -n ${limit}`);
  console.log(machineLine({ ...results.machine, loadavg: os.loadavg().map((l) => +l.toFixed(2)) }));
  console.log(
    table(
      ["goal", "measured", "met"],
      verdict.map(([a, b, c]) => [a, b, c ? "yes" : "NO"]),
    ),
  );
  results.serverLog = serverLog(store.logFile);
  console.log(serverLogLine(results.serverLog));
  console.log(`saved ${saveResults("soak", results)}`);
} finally {
  await store.stop();
  await sandboxService.stop();
  if (!opt.keep) rmSync(dir, { recursive: true, force: true });
  else console.log(`kept ${dir}`);
}

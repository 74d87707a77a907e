#!/usr/bin/env node
/**
 * npm run bench:load [-- options], defaults shown:
 *   --rounds 3 --seconds 8 --warmup 2    rounds of ours and bare per scenario, seconds per run, warm-up seconds
 *   --payments 120                       start-payment and fresh-webhook requests per run (at most)
 *   --paid 40 --warm 20                  paid orders for the status/duplicate scenarios; checkouts counted with a warm token
 *   --cold 100 --cold-timeout 120        cold burst size (0: skip) and the time each checkout is given, in seconds
 *   --shopper                            also the 60 s shopper (off by default: it takes a minute and a half)
 *   --only status,webhook-dup,place-order,start-payment,webhook-fresh   --port 3300 (and +1 for the proxy)   --keep
 *
 * The load figures (docs/benchmarks.md) against a production build (run `npx next build` first). Starts its own
 * `next start` on a fresh database (BENCH_ROUTES=1, the sandbox, LOG_LEVEL=warn, the in-server
 * reconciliation sweep off so upstream counts are the requests' own), with PLURAL_BASE_URL pointing
 * at a counting proxy in this process, then:
 *   1. a cold burst: N shoppers' checkouts at once right after a restart (calls upstream, time each);
 *   2. calls upstream per checkout with a warm token, one shopper at a time;
 *   3. each scenario, our route beside its bare twin (app/api/bench/[op]) and that twin's raw-SQL
 *      twin (the same statements without Prisma), interleaved for several rounds: req/s, p50, p99
 *      and their ratios (ours/bare: our code's cost; bare/raw: the ORM's); errors, timeouts and non-2xx;
 *   4. with --shopper: one shopper waiting 60 s on the pay page, polling as the page does, while
 *      webhooks work: Get Order calls.
 * Prints tables and saves JSON to bench/results/. Asserts nothing; the goals are printed beside the figures.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import {
  approveByReference,
  args,
  cannon,
  cartCookie,
  checkoutKey,
  header,
  machine,
  machineLine,
  multipart,
  pool,
  sandboxSettings,
  sandboxToken,
  saveResults,
  serverLog,
  serverLogLine,
  Shopper,
  startCountingProxy,
  startPaymentOk,
  startSandboxService,
  startStore,
  webhookHeaders,
  webhookId,
  customerFields,
} from "./harness.mjs";
import { callsLine, range } from "./load/calls.mjs";
import { coldBurst } from "./load/cold-burst.mjs";
import { duelRunner } from "./load/duel.mjs";
import { printReport } from "./load/report.mjs";
import { shopperWaiting } from "./load/shopper-wait.mjs";

const WARM_AMOUNT = 20; // warm-up requests per side where a scenario uses up its data
/** Each scenario runs three ways: our route, its Prisma twin ("bare") and its raw-SQL twin ("raw": no ORM). */
const SIDES = 3;
const opt = args({
  port: 3300,
  rounds: 3,
  seconds: 8,
  warmup: 2,
  payments: 120,
  paid: 40,
  carts: 3000,
  warm: 20,
  cold: 100,
  coldTimeout: 120,
  shopper: false,
  only: "",
  keep: false,
});
const SCENARIOS = ["status", "webhook-dup", "place-order", "start-payment", "webhook-fresh"];
const only = opt.only ? opt.only.split(",") : SCENARIOS;

const dir = mkdtempSync(path.join(os.tmpdir(), "bench-load-"));
const results = { kind: "load", startedAt: new Date().toISOString(), machine: machine(), options: opt, upstream: {}, scenarios: {}, samples: [] };
console.log(machineLine(results.machine));

// The sandbox runs as a service of its own (npm run sandbox), so its CPU and memory are not the store's.
const sandboxService = await startSandboxService({ port: opt.port + 2, dir, webhookUrl: `http://127.0.0.1:${opt.port}/api/plural/webhook` });
const sbBase = sandboxService.base;
const proxy = await startCountingProxy(opt.port + 1, sandboxService.port);
const serverOptions = { port: opt.port, dir, proxyPort: proxy.port, env: { RECONCILE_INTERVAL_MS: "0" } };
let store = await startStore(serverOptions);
const base = store.base;
const shop = new Shopper(base, sbBase);
// The harness plays Plural's payer and sends the webhooks itself (signed like the sandbox's).
await sandboxSettings(sbBase, { webhook: { enabled: false } });

/** SQLite handles and RSS of the server now, printed and kept. */
function sample(label) {
  const h = store.handles();
  const s = { label, at: new Date().toISOString(), pid: store.pid, rssMb: store.rss(), ...h };
  results.samples.push(s);
  console.log(
    `  [${label}] server ${store.pid}: SQLite handles ${h?.sqlite} (db ${h?.db}, -journal ${h?.journal}, -wal ${h?.wal}, -shm ${h?.shm}), fds ${h?.fds}, RSS ${s.rssMb} MB`,
  );
}

async function restart(label) {
  await store.stop();
  store = await startStore({ ...serverOptions, fresh: false });
  sample(label);
}

try {
  sample("fresh server");

  await coldBurst({ opt, shop, proxy, results, restart, sample, warmOrder });
  /* ------------------------------------------------------------------------- data for the scenarios */
  console.log(`\n# Preparing: ${opt.paid} paid orders (checkout, payment approved at the sandbox, signed ORDER_PROCESSED webhook)`);
  const token = await sandboxToken(sbBase);
  const paid = await shop.paidOrders(opt.paid, token);
  console.log(`  ${paid.length} of ${opt.paid} paid`);
  if (paid.length === 0) throw new Error("no paid order could be prepared");

  /* -------------------------------------------------------------- 2. calls per checkout, warm token */
  if (opt.warm > 0) {
    console.log(`\n# Upstream calls per checkout with a warm token (${opt.warm} shoppers, one after another)`);
    const carts = await pool(range(opt.warm), 4, () => shop.newCart());
    proxy.reset();
    let finished = 0;
    for (const cookie of carts) {
      if (cookie instanceof Error) continue;
      await shop.checkout(cookie).then(
        () => finished++,
        (e) => console.log(`  checkout failed: ${e.message}`),
      );
    }
    const calls = proxy.counts();
    const total = Object.values(calls).reduce((a, b) => a + b, 0);
    results.upstream.warm = { checkouts: finished, calls, perCheckout: +(total / finished).toFixed(2) };
    console.log(`  ${finished} checkouts: ${callsLine(calls)}; ${(total / finished).toFixed(2)} calls per checkout (goal 2.00: create order + create payment)`);
  }

  /* ---------------------------------------------------------------------------- 3. scenarios */
  console.log(`\n# Scenarios: ours vs bare, ${opt.rounds} rounds each, interleaved`);
  // A cart per order placed (as many shoppers), so that no two paid orders are one shopper's twins;
  // only the scenarios that place orders need them.
  const placing = ["place-order", "start-payment", "webhook-fresh"].some((s) => only.includes(s));
  if (placing) console.log(`  filling ${opt.carts} carts…`);
  const carts = placing ? (await pool(range(opt.carts), 8, () => shop.newCart())).filter((c) => !(c instanceof Error)) : [];
  let cartsUsed = 0;
  const nextCart = () => {
    if (cartsUsed === carts.length) console.log(`  all ${carts.length} carts used: carts place a second order from now on (--carts for more)`);
    return carts[cartsUsed++ % carts.length];
  };
  /** Open orders that start-payment and webhook-fresh use up: made by place-order's runs, or after them. */
  const supply = SIDES * opt.rounds * opt.payments + (opt.warmup > 0 ? SIDES * WARM_AMOUNT : 0);
  const placed = [];
  const started = [];

  const duel = duelRunner({ opt, base, results, sample });

  /** Shares `supply` requests between the warm-up (≤ 20 per side) and the SIDES × rounds measured runs. */
  const split = (supply) => {
    const warm = opt.warmup > 0 ? Math.min(WARM_AMOUNT, Math.floor(supply / (SIDES * opt.rounds + SIDES))) : 0;
    return [warm, Math.floor((supply - SIDES * warm) / (SIDES * opt.rounds))];
  };

  if (only.includes("status")) {
    let i = 0;
    await duel("status", {
      connections: 50,
      // The shopper's own browser asks (its cart cookie: the route answers only the order's owner).
      ours: () => ({
        next: () => {
          const p = paid[i++ % paid.length];
          return { path: `/api/orders/${p.orderId}/status`, headers: { cookie: p.cookie } };
        },
        check: (s) => s === 200,
      }),
      bare: () => ({ next: () => ({ path: `/api/bench/status?id=${paid[i++ % paid.length].orderId}` }), check: (s) => s === 200 }),
      raw: () => ({ next: () => ({ path: `/api/bench/raw-status?id=${paid[i++ % paid.length].orderId}` }), check: (s) => s === 200 }),
    });
  }

  if (only.includes("webhook-dup")) {
    // Deliveries already applied, sent again with the same webhook-id (signed afresh each run: ±300 s window).
    const dup = (path) => () => {
      const signed = paid.map((p) => ({ headers: webhookHeaders(p.webhook.id, p.webhook.body), body: p.webhook.body }));
      let i = 0;
      return {
        next: () => ({ method: "POST", path, ...signed[i++ % signed.length] }),
        check: (s, body) => s === 200 && body.includes('"duplicate":true'),
      };
    };
    await duel("webhook-dup", {
      connections: 50,
      ours: dup("/api/plural/webhook"),
      bare: dup("/api/bench/webhook-dup"),
      raw: dup("/api/bench/raw-webhook-dup"),
    });
  }

  if (only.includes("place-order")) {
    // The checkout form as rendered (its server action's fields), posted without JavaScript with a fresh checkout key.
    const form = (await shop.checkoutForm(carts[0])).filter(([k]) => k !== "checkoutKey");
    // Each order takes a cart of its own (a shopper each; a cart paid twice is flagged, which is not
    // load): the runs share the carts that the start-payment supply does not need.
    const [warmN, per] = split(Math.max(0, carts.length - supply));
    await duel("place-order", {
      connections: 20,
      warmAmount: () => warmN,
      amount: () => per,
      ours: () => ({
        next(ctx) {
          ctx.ref = checkoutKey();
          ctx.cookie = nextCart();
          const { body, contentType } = multipart([...form, ["checkoutKey", ctx.ref], ...customerFields()]);
          return { method: "POST", path: "/checkout", headers: { cookie: ctx.cookie, "content-type": contentType }, body };
        },
        check(s, _body, headers, ctx) {
          const orderId = /^\/orders\/([^/]+)\/pay$/.exec(header(headers, "location") ?? "")?.[1];
          if (s !== 303 || !orderId) return false;
          placed.push({ orderId, ref: ctx.ref, cookie: cartCookie(header(headers, "set-cookie")) ?? ctx.cookie }); // the cart's new cookie
          return true;
        },
      }),
      bare: () => ({
        next: (ctx) => ({ method: "POST", path: "/api/bench/place-order", headers: { cookie: (ctx.cookie = nextCart()) } }),
        check(s, body, headers, ctx) {
          if (s !== 200) return false;
          placed.push({ ...JSON.parse(body), cookie: cartCookie(header(headers, "set-cookie")) ?? ctx.cookie });
          return true;
        },
      }),
      raw: () => ({
        next: (ctx) => ({ method: "POST", path: "/api/bench/raw-place-order", headers: { cookie: (ctx.cookie = nextCart()) } }),
        check(s, body, headers, ctx) {
          if (s !== 200) return false;
          placed.push({ ...JSON.parse(body), cookie: cartCookie(header(headers, "set-cookie")) ?? ctx.cookie });
          return true;
        },
      }),
    });
  }

  if (only.includes("start-payment") || only.includes("webhook-fresh")) {
    if (placed.length < supply) {
      // Not measured: more open orders for start-payment, made by the bare route (they are the same rows).
      console.log(`  making ${supply - placed.length} more orders for start-payment (bare place-order, not measured)`);
      await cannon({
        base,
        connections: 20,
        amount: supply - placed.length,
        timeoutS: 60,
        next: (ctx) => ({ method: "POST", path: "/api/bench/place-order", headers: { cookie: (ctx.cookie = nextCart()) } }),
        check: (s, body, headers, ctx) =>
          s === 200 && placed.push({ ...JSON.parse(body), cookie: cartCookie(header(headers, "set-cookie")) ?? ctx.cookie }) > 0,
      }).done;
    }
    placed.sort(() => Math.random() - 0.5);
    const [warmN, per] = split(placed.length);
    const take = (ctx) => (ctx.item = placed.pop());
    await duel("start-payment", {
      connections: 20,
      warmAmount: () => Math.min(warmN, placed.length),
      amount: () => Math.min(per, placed.length),
      ours: () => ({
        next: (ctx) => (take(ctx) ? shop.startPaymentRequest(ctx.item.orderId, ctx.item.cookie) : null),
        check: (s, body, _h, ctx) => s === 200 && startPaymentOk(body) && started.push(ctx.item) > 0,
      }),
      bare: () => ({
        next: (ctx) =>
          take(ctx)
            ? {
                method: "POST",
                path: "/api/bench/start-payment",
                headers: { "content-type": "application/json" },
                body: JSON.stringify({ orderId: ctx.item.orderId }),
              }
            : null,
        check: (s, _b, _h, ctx) => s === 200 && started.push(ctx.item) > 0,
      }),
      raw: () => ({
        next: (ctx) =>
          take(ctx)
            ? {
                method: "POST",
                path: "/api/bench/raw-start-payment",
                headers: { "content-type": "application/json" },
                body: JSON.stringify({ orderId: ctx.item.orderId }),
              }
            : null,
        check: (s, _b, _h, ctx) => s === 200 && started.push(ctx.item) > 0,
      }),
    });
  }

  if (only.includes("webhook-fresh")) {
    console.log(`  the payer approves ${started.length} payments at the sandbox (not measured)`);
    const t = performance.now();
    const bodies = (await pool(started, 4, (o) => approveByReference(sbBase, token, o.ref))).filter((b) => typeof b === "string");
    console.log(`  ${bodies.length} ORDER_PROCESSED webhooks to send, prepared in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    const [warmN, per] = split(bodies.length);
    // Each request: a new webhook-id, and an order that moves PENDING -> PROCESSED. Ours should say it applied it.
    const answered = { ok: 0, applied: 0 };
    const fresh = (path) => () => ({
      next() {
        const body = bodies.pop();
        return body ? { method: "POST", path, headers: webhookHeaders(webhookId(), body), body } : null;
      },
      check(s, body) {
        if (path === "/api/plural/webhook" && s === 200) {
          answered.ok++;
          if (body.includes('"applied"')) answered.applied++;
        }
        return s === 200;
      },
    });
    await duel("webhook-fresh", {
      connections: 50,
      warmAmount: () => Math.min(warmN, bodies.length),
      amount: () => Math.min(per, bodies.length),
      ours: fresh("/api/plural/webhook"),
      bare: fresh("/api/bench/webhook-fresh"),
      raw: fresh("/api/bench/raw-webhook-fresh"),
    });
    results.scenarios["webhook-fresh"].oursAnswers = answered;
    console.log(`  our route answered "applied" to ${answered.applied} of the ${answered.ok} fresh webhooks it took (warm-up included)`);
  }

  await shopperWaiting({ opt, base, sbBase, shop, proxy, results, token });
  printReport(results, opt);
  const first = results.samples.find((x) => x.pid === store.pid); // this process's first sample (after the cold burst's restarts)
  const last = store.handles();
  console.log(`\nserver ${store.pid}, over the scenarios: SQLite handles ${first?.sqlite} → ${last?.sqlite}; RSS ${first?.rssMb} → ${store.rss()} MB`);
  results.serverLog = serverLog(store.logFile);
  console.log(serverLogLine(results.serverLog));
  console.log(`saved ${saveResults("load", results)}`);
} finally {
  await store.stop();
  await proxy.close();
  await sandboxService.stop();
  if (!opt.keep) rmSync(dir, { recursive: true, force: true });
}

/** An order whose pay page can be loaded (to read the start-payment action id). */
async function warmOrder() {
  const cookie = await shop.newCart();
  return shop.placeOrder(cookie, await shop.checkoutForm(cookie));
}

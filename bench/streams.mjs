#!/usr/bin/env node
/**
 * `npm run bench:streams [-- --streams 1000 --changes 40 --port 3300]`: what open pay pages cost the
 * server. Against a production build (`npx next build` first), on a fresh database:
 *
 *   1. the server at rest, with no stream open: its RSS, and its CPU over `--idle` seconds;
 *   2. `--changes` orders paid one after another (a signed webhook each) with no stream open: the
 *      server's CPU per change (the baseline: what a webhook costs anyway);
 *   3. `--streams` Server-Sent Events streams opened (/api/orders/<id>/events), one per order, each from
 *      a shopper of its own (`--changes` of them on the orders about to change): the heap and RSS they
 *      add, and the server's CPU at rest with them open;
 *   4. the same number of changes again, now with every stream open: CPU per change beside the
 *      baseline, how soon the changed order's stream hears of it, and how many of the other streams
 *      heard anything (a change must wake its own order's watchers only).
 *
 * CPU is the server process's user + system time from /proc (clock ticks). The orders that only
 * wait are rows written straight into the database (PENDING, confirmed an hour ahead, so their
 * streams never ask Plural); the changing ones are real checkouts. Prints a table, saves JSON to
 * bench/results/, asserts nothing.
 */
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import Database from "better-sqlite3";
import {
  approveByReference,
  args,
  fmt,
  get,
  machine,
  machineLine,
  percentile,
  pool,
  sandboxSettings,
  sandboxToken,
  saveResults,
  serverLog,
  serverLogLine,
  shopperAddress,
  Shopper,
  sleep,
  startStore,
  table,
  webhookHeaders,
  webhookId,
} from "./harness.mjs";

const opt = args({ port: 3300, streams: 1000, changes: 40, idle: 10, keep: false });
const results = { kind: "streams", startedAt: new Date().toISOString(), machine: machine(), options: opt };
console.log(machineLine(results.machine));

/** The server's CPU time so far (user + system), in ms. */
function cpuMs(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15 of the whole line)
  return (ticks * 1000) / 100; // USER_HZ is 100 on Linux
}
const rssMb = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))[1]) / 1024;
/** The server's heap (used) and RSS after a full collection, in MB (/api/bench/memory). */
async function memoryMb(base) {
  const m = await (await get(`${base}/api/bench/memory`)).json();
  if (!m.collected) throw new Error("the server does not expose gc");
  return { heap: m.heapUsed / 2 ** 20, rss: m.rss / 2 ** 20 };
}

const dir = mkdtempSync(path.join(os.tmpdir(), "bench-streams-"));
const store = await startStore({
  port: opt.port,
  dir,
  // --expose-gc: /api/bench/memory collects before it reads the heap (a reading without GC's timing in it).
  env: { RECONCILE_INTERVAL_MS: "0", EVENT_STREAMS_MAX: String(opt.streams + 100), NODE_OPTIONS: "--expose-gc" },
});
const base = store.base;
const opened = [];
try {
  await sandboxSettings(base, { webhook: { enabled: false } }); // the benchmark delivers each webhook itself, and times it
  const token = await sandboxToken(base);
  const shop = new Shopper(base);

  console.log(`  ${opt.changes * 2} checkouts (the orders that will change)…`);
  const real = (await pool(Array.from({ length: opt.changes * 2 }), 4, async () => shop.checkout(await shop.newCart()))).filter((r) => !(r instanceof Error));
  if (real.length < opt.changes * 2) throw new Error(`only ${real.length} of ${opt.changes * 2} checkouts succeeded`);
  const [baselineOrders, watchedOrders] = [real.slice(0, opt.changes), real.slice(opt.changes)];

  const waiting = opt.streams - opt.changes;
  console.log(`  ${waiting} waiting orders written to the database…`);
  const cartsOf = [];
  {
    const db = new Database(store.dbFile, { timeout: 10_000 });
    const iso = (ms) => new Date(ms).toISOString().replace("Z", "+00:00");
    const insert = db.prepare(
      `INSERT INTO "Order" (id, merchantOrderReference, ownerHash, amountInPaise, status, customerName, customerEmail, customerMobile, billingAddress, shippingAddress, lastSyncedAt, updatedAt)
       VALUES (?, ?, ?, 34900, 'PENDING', 'Bench Mark', 'waiting@example.com', '9876543210', '{}', '{}', ?, ?)`,
    );
    db.transaction(() => {
      for (let i = 0; i < waiting; i++) {
        const cart = randomBytes(32).toString("base64url");
        const id = `bench${randomBytes(10).toString("hex")}`;
        // As lib/orders/cart/cart.ts hashes a cart token; confirmed an hour ahead, so the stream never asks Plural.
        insert.run(
          id,
          `ord_${randomBytes(8).toString("hex")}`,
          createHash("sha256").update(`cart:${cart}`).digest("base64url"),
          iso(Date.now() + 3600_000),
          iso(Date.now()),
        );
        cartsOf.push({ orderId: id, cookie: `cart=${cart}` });
      }
    })();
    db.close();
  }

  /** One signed ORDER_PROCESSED webhook per order, one after another; answers the server's CPU ms per change and the wall time of each. */
  async function changeAll(orders, onDelivered) {
    const bodies = [];
    for (const o of orders) bodies.push(await approveByReference(base, token, o.ref));
    await sleep(1000);
    const cpu0 = cpuMs(store.pid);
    const t0 = performance.now();
    for (const [i, body] of bodies.entries()) {
      const sentAt = performance.now();
      const r = await get(`${base}/api/plural/webhook`, { method: "POST", headers: webhookHeaders(webhookId(), body), body });
      if (!r.ok) throw new Error(`webhook answered ${r.status}`);
      await r.arrayBuffer();
      await onDelivered?.(orders[i], sentAt);
    }
    const wall = performance.now() - t0;
    await sleep(1000); // what the change sets off after the answer (follow-ups, pushes) is counted too
    return { cpuPerChangeMs: (cpuMs(store.pid) - cpu0) / orders.length, wallMs: wall };
  }

  // 1. At rest.
  await sleep(2000);
  const rest = { rssMb: rssMb(store.pid), heapMb: (await memoryMb(base)).heap };
  let c0 = cpuMs(store.pid);
  await sleep(opt.idle * 1000);
  rest.cpuMsPerSecond = (cpuMs(store.pid) - c0) / opt.idle;

  // 2. Changes with no stream open.
  const baseline = await changeAll(baselineOrders);

  // 3. Open every stream.
  console.log(`  opening ${opt.streams} streams…`);
  const heard = new Map(); // orderId -> messages after the first
  const firstSeen = new Map();
  const waiters = new Map();
  const openStream = async ({ orderId, cookie }) => {
    const abort = new AbortController();
    const r = await fetch(`${base}/api/orders/${orderId}/events`, { headers: { cookie, "x-forwarded-for": shopperAddress() }, signal: abort.signal });
    if (r.status !== 200) throw new Error(`stream answered ${r.status}`);
    opened.push(abort);
    const reader = r.body.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    let first = true;
    void (async () => {
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) return;
          buffer += decoder.decode(value, { stream: true });
          let sep;
          while ((sep = buffer.indexOf("\n\n")) >= 0) {
            const message = buffer.slice(0, sep);
            buffer = buffer.slice(sep + 2);
            if (!message.startsWith("data: ")) continue; // retry and pings
            if (first) {
              first = false;
              firstSeen.set(orderId, true);
              continue;
            }
            heard.set(orderId, (heard.get(orderId) ?? 0) + 1);
            waiters.get(orderId)?.();
          }
        }
      } catch {
        /* aborted at the end */
      }
    })();
  };
  const watched = [...watchedOrders.map((o) => ({ orderId: o.orderId, cookie: o.cookie })), ...cartsOf];
  const before = await memoryMb(base);
  const cpuOpen0 = cpuMs(store.pid);
  const tOpen = performance.now();
  const failures = (await pool(watched, 50, openStream)).filter((r) => r instanceof Error);
  if (failures.length) throw new Error(`${failures.length} streams did not open: ${failures[0].message}`);
  while (firstSeen.size < watched.length) await sleep(100);
  const openMs = performance.now() - tOpen;
  const openCpuMs = cpuMs(store.pid) - cpuOpen0;
  await sleep(3000);
  const after = await memoryMb(base);
  const streams = {
    count: opened.length,
    openSeconds: openMs / 1000,
    openCpuMs,
    rssMb: after.rss,
    heapMb: after.heap,
    addedHeapMb: after.heap - before.heap,
    addedRssMb: after.rss - before.rss,
  };
  c0 = cpuMs(store.pid);
  await sleep(opt.idle * 1000);
  streams.cpuMsPerSecond = (cpuMs(store.pid) - c0) / opt.idle;

  // 4. The same changes with every stream open.
  const latencies = [];
  const withStreams = await changeAll(watchedOrders, (o, sentAt) => {
    if (heard.get(o.orderId)) return latencies.push(performance.now() - sentAt);
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, 10_000);
      waiters.set(o.orderId, () => {
        clearTimeout(timer);
        latencies.push(performance.now() - sentAt);
        resolve();
      });
    });
  });
  const watchedIds = new Set(watchedOrders.map((o) => o.orderId));
  const othersHeard = [...heard.keys()].filter((id) => !watchedIds.has(id)).length;
  latencies.sort((a, b) => a - b);
  Object.assign(results, {
    rest,
    baseline,
    streams,
    withStreams: { ...withStreams, othersHeard, heardP50Ms: percentile(latencies, 50), heardMaxMs: latencies.at(-1) },
  });

  console.log(
    "\n" +
      table(
        ["", "no stream open", `${streams.count} streams open`],
        [
          [
            "server heap after a full GC",
            `${fmt.ms(rest.heapMb)} MB`,
            `${fmt.ms(streams.heapMb)} MB (+${fmt.ms(streams.addedHeapMb)} MB: ${fmt.ms((streams.addedHeapMb * 1024) / streams.count)} KB a stream)`,
          ],
          ["server RSS", `${fmt.ms(rest.rssMb)} MB`, `${fmt.ms(streams.rssMb)} MB (${streams.addedRssMb >= 0 ? "+" : ""}${fmt.ms(streams.addedRssMb)} MB)`],
          ["server CPU at rest", `${fmt.ms(rest.cpuMsPerSecond)} ms/s`, `${fmt.ms(streams.cpuMsPerSecond)} ms/s`],
          ["server CPU per change (a webhook applied)", `${fmt.ms(baseline.cpuPerChangeMs)} ms`, `${fmt.ms(withStreams.cpuPerChangeMs)} ms`],
          ["the changed order's stream hears it", "–", `p50 ${fmt.ms(percentile(latencies, 50))} ms, max ${fmt.ms(latencies.at(-1))} ms`],
          ["other streams woken by a change", "–", `${othersHeard} of ${streams.count - watchedIds.size}`],
        ],
      ),
  );
  console.log(
    `opening ${streams.count} streams took ${fmt.ms(streams.openSeconds)} s and ${fmt.ms(openCpuMs)} ms of server CPU (${fmt.ms(openCpuMs / streams.count)} ms a stream)`,
  );
  console.log(serverLogLine(serverLog(store.logFile)));
  console.log(`saved ${saveResults("streams", results)}`);
} finally {
  for (const a of opened) a.abort();
  await store.stop();
  if (!opt.keep) rmSync(dir, { recursive: true, force: true });
}

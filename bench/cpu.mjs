#!/usr/bin/env node
/**
 * npm run bench:cpu [-- options], defaults shown:
 *   --checkouts 12 --warm 2     paid browser checkouts measured, after this many unmeasured
 *   --reps 40 --rounds 5        requests per page and round (sequential, keep-alive), rounds (median taken)
 *   --only checkout,pages,actions   --port 3520 (the store; +1 the sandbox service, +2 the bare Next app)
 *
 * Server CPU, read from /proc/<pid>/stat (utime + stime, the kernel's own count, 10 ms ticks) of
 * the `next start` process, on a production build (`npx next build` first):
 *
 * 1. **Per paid checkout in Chromium**, as a shopper does it: home → product → Add → cart →
 *    checkout (the form) → pay page → collect request on success@sandbox → receipt. The store's CPU
 *    over `--checkouts` checkouts (after `--warm` unmeasured ones), divided by their number; and
 *    every request Chromium made, by kind (page loads, client navigations and prefetches, server
 *    actions, the event stream, status reads, static files), with each kind's cost measured alone
 *    (part 2's method) where it can be replayed: the breakdown of where a checkout's CPU goes.
 * 2. **Per request**, after a warm-up: home and a product page (with a shopper's cart cookie), the
 *    health check, a static file, a 404, beside a bare Next app (bench/bare-next.mjs: a dynamic
 *    page listing 6 products, and its 404) started in the same run. Ratios to the bare page.
 * 3. **Per server action**, one at a time: placing an order (the checkout form posted as a browser
 *    without JavaScript does) and starting a QR payment (the pay page's action), beside their twins
 *    in app/api/bench (a route handler doing the same database work and Plural call; and the same
 *    statements in raw SQL). What the gap between ours and the twin costs: Next's action layer, the
 *    front door, validation, rate limits and logging, apart from the work itself.
 *
 * The Plural sandbox runs as a service of its own (as `npm run sandbox`), so the store's process
 * does only the store's work; its CPU is reported apart. The in-server reconciliation sweep is off
 * (its CPU is per 30 s, not per checkout). Prints tables and saves JSON to bench/results/.
 */
import { readFileSync, mkdtempSync, rmSync } from "node:fs";
import { execFileSync } from "node:child_process";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { startBareNext } from "./bare-next.mjs";
import { submitCheckout } from "./browser-shopper.mjs";
import { actionsCpu } from "./cpu/actions.mjs";
import { args, fmt, launchChromium, machine, machineLine, saveResults, Shopper, startSandboxService, startStore, table, sleep } from "./harness.mjs";

const opt = args({ checkouts: 12, warm: 2, reps: 40, rounds: 5, only: "checkout,pages,actions", port: 3520, keep: false, profile: "" });
const only = new Set(opt.only.split(","));
const TICK_MS = 1000 / Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim() || 100);

/** CPU time (user + system) of a process so far, in ms. */
export function cpuMs(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(f[11]) + Number(f[12])) * TICK_MS; // utime, stime: fields 14 and 15
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : NaN;
};

const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

/** One request over a kept-alive connection; resolves when the whole answer has arrived. */
function request(base, p, headers = {}) {
  return new Promise((resolve, reject) => {
    const u = new URL(p, base);
    const req = http.request({ host: u.hostname, port: u.port, path: u.pathname + u.search, headers, agent }, (res) => {
      res.on("data", () => {});
      res.on("end", () => resolve(res.statusCode));
    });
    req.on("error", reject);
    req.end();
  });
}

/** Server CPU per call of `n` sequential calls of `fn`, in ms. */
async function cpuPerCall(pid, fn, n) {
  await sleep(50);
  const before = cpuMs(pid);
  for (let i = 0; i < n; i++) await fn();
  await sleep(50); // what the server does after the answer (logging, cleanup) counts too
  return (cpuMs(pid) - before) / n;
}

/** Server CPU per request of `reps` sequential requests, in ms (and the statuses seen). */
async function cpuPerRequest(pid, base, p, headers, reps) {
  const statuses = new Set();
  const ms = await cpuPerCall(pid, async () => statuses.add(await request(base, p, headers)), reps);
  return { ms, statuses: [...statuses] };
}

/** What kind of request Chromium made, by how the store sees it. */
function kindOf(method, url, headers) {
  const u = new URL(url);
  const route = u.pathname
    .replace(/^\/orders\/[^/]+/, "/orders/:id")
    .replace(/^\/api\/orders\/[^/]+/, "/api/orders/:id")
    .replace(/^\/products\/[^/.]+$/, "/products/:slug")
    .replace(/^\/_next\/static\/.*/, "/_next/static/*")
    .replace(/^\/products\/[^/]+\.svg$/, "/products/*.svg");
  if (headers["next-action"]) return `action ${route}`;
  if (route.startsWith("/_next/static") || /\.(svg|ico|png|css|js)$/.test(route)) return `static ${route}`;
  if (headers["next-router-prefetch"]) return `prefetch ${route}`;
  if (headers.rsc) return `navigation ${route}`;
  if (route.startsWith("/api/")) return `${method} ${route}`;
  return `page ${route}`;
}

/** One paid checkout in Chromium; answers the requests it made [{ kind, method, url }] and the store's CPU per step. */
async function browserCheckout(browser, base, pid) {
  const steps = {};
  let mark = cpuMs(pid);
  /** The step's CPU: up to now, once what it started (prefetches, follow-ups) has had 300 ms to finish. */
  const step = async (name) => {
    await sleep(300);
    const now = cpuMs(pid);
    steps[name] = now - mark;
    mark = now;
  };
  const context = await browser.newContext();
  const page = await context.newPage();
  // Through the DevTools protocol, which tells the requests Chromium answered from its cache (never
  // sent to the server) from those it sent: Playwright reports both alike.
  const sent = new Map();
  const fromCache = new Set();
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  cdp.on("Network.requestWillBeSent", ({ requestId, request: r }) => {
    if (!r.url.startsWith(base)) return;
    const headers = Object.fromEntries(Object.entries(r.headers).map(([k, v]) => [k.toLowerCase(), v]));
    sent.set(`${requestId}:${sent.size}`, { requestId, kind: kindOf(r.method, r.url, headers), method: r.method, url: r.url, headers });
  });
  cdp.on("Network.requestServedFromCache", ({ requestId }) => fromCache.add(requestId));
  const requestsSent = () => [...sent.values()].filter((q) => !fromCache.has(q.requestId));
  try {
    await page.goto(`${base}/`);
    await step("1 home (page load, its scripts, prefetches)");
    await page.getByRole("link", { name: /Masala Chai Tin/ }).click();
    await page.waitForURL(/\/products\//);
    await step("2 product (client navigation, prefetches)");
    await page.getByRole("button", { name: "Add to cart" }).click();
    await page.getByText("Added to your cart.").waitFor();
    await step("3 add to cart (server action, refresh)");
    await page.getByTestId("cart-link").click();
    await page.waitForURL(/\/cart$/);
    await step("4 cart (client navigation, prefetches)");
    await page.getByRole("link", { name: /checkout/i }).click();
    await page.waitForURL(/\/checkout$/);
    await step("5 checkout form (client navigation)");
    await submitCheckout(page);
    await page.waitForURL(/\/orders\/[^/]+\/pay$/);
    await page.getByTestId("upi-qr").waitFor();
    await step("6 place order, pay page, QR payment (actions, Plural calls)");
    await page.getByRole("tab", { name: "Request on my UPI ID" }).click();
    await page.getByRole("textbox", { name: "Your UPI ID" }).fill("success@sandbox");
    await page.getByRole("button", { name: "Send payment request" }).click();
    await page.getByText("Approve the request in your UPI app").waitFor();
    await step("7 collect request (action, Plural call)");
    await page.getByRole("heading", { name: "Payment received. Thank you!" }).waitFor({ timeout: 30_000 });
    await page.waitForLoadState("networkidle");
    await step("8 waiting, paid, receipt (webhooks, event stream, status, result page)");
    return { steps, requests: requestsSent(), cookie: (await context.cookies(base)).map((c) => `${c.name}=${c.value}`).join("; "), receipt: page.url() };
  } finally {
    await context.close();
  }
}

const dir = mkdtempSync(path.join(os.tmpdir(), "bench-cpu-"));
const results = { kind: "cpu", startedAt: new Date().toISOString(), machine: machine(), options: opt };
console.log(machineLine(results.machine));

const sandbox = await startSandboxService({ port: opt.port + 1, dir, webhookUrl: `http://127.0.0.1:${opt.port}/api/plural/webhook` });
const store = await startStore({
  port: opt.port,
  dir,
  env: {
    PLURAL_BASE_URL: `${sandbox.base}/sandbox`,
    RECONCILE_INTERVAL_MS: "0",
    // The twins of part 3 (app/api/bench); nothing else reaches them.
    BENCH_ROUTES: only.has("actions") ? "1" : "0",
    // --profile DIR: a V8 CPU profile of the store (written when it stops), for chrome://inspect or scripts
    ...(opt.profile ? { NODE_OPTIONS: `--import ${path.join(import.meta.dirname, "cpu-profile.mjs")}`, BENCH_CPU_PROFILE_DIR: path.resolve(opt.profile) } : {}),
  },
});
let bare;
try {
  if (only.has("checkout")) {
    const browser = await launchChromium();
    try {
      for (let i = 0; i < opt.warm; i++) await browserCheckout(browser, store.base, store.pid);
      await sleep(1000);
      const [s0, p0] = [cpuMs(store.pid), cpuMs(sandbox.pid)];
      const t0 = Date.now();
      const runs = [];
      for (let i = 0; i < opt.checkouts; i++) runs.push(await browserCheckout(browser, store.base, store.pid));
      await sleep(1000); // the last page's event stream closes, its status reads stop
      const [s1, p1] = [cpuMs(store.pid), cpuMs(sandbox.pid)];
      const kinds = {};
      for (const r of runs) for (const q of r.requests) kinds[q.kind] = (kinds[q.kind] ?? 0) + 1;
      results.checkout = {
        checkouts: opt.checkouts,
        storeCpuMsPerCheckout: (s1 - s0) / opt.checkouts,
        sandboxCpuMsPerCheckout: (p1 - p0) / opt.checkouts,
        wallSPerCheckout: (Date.now() - t0) / 1000 / opt.checkouts,
        requestsPerCheckout: Object.fromEntries(Object.entries(kinds).map(([k, n]) => [k, n / opt.checkouts])),
        sample: runs[0].requests.map((q) => `${q.method} ${q.url.replace(store.base, "")} (${q.kind})`),
      };
      console.log(
        `\nA paid checkout in Chromium (${opt.checkouts} measured after ${opt.warm}): store CPU ${fmt.ms(results.checkout.storeCpuMsPerCheckout)} ms, sandbox CPU ${fmt.ms(results.checkout.sandboxCpuMsPerCheckout)} ms, ${results.checkout.wallSPerCheckout.toFixed(1)} s each (goal ≤ 600 ms of the store's CPU)`,
      );
      const total = Object.values(results.checkout.requestsPerCheckout).reduce((a, b) => a + b, 0);
      console.log(`${total.toFixed(1)} requests per checkout:`);
      console.log(
        table(
          ["request (kind route)", "per checkout"],
          Object.entries(results.checkout.requestsPerCheckout)
            .sort((a, b) => b[1] - a[1])
            .map(([k, n]) => [k, n.toFixed(1)]),
        ),
      );
      const stepNames = Object.keys(runs[0].steps);
      results.checkout.steps = Object.fromEntries(stepNames.map((n) => [n, runs.reduce((a, r) => a + r.steps[n], 0) / runs.length]));
      console.log("\nBy step (the store's CPU while each step ran, and 300 ms after it):");
      console.log(
        table(
          ["step", "CPU ms", "share"],
          stepNames.map((n) => [
            n,
            fmt.ms(results.checkout.steps[n]),
            `${((100 * results.checkout.steps[n]) / results.checkout.storeCpuMsPerCheckout).toFixed(0)} %`,
          ]),
        ),
      );
      // Each kind's cost alone: the last checkout's own requests replayed with its cookies (GETs only:
      // actions change things, the event stream stays open), then count × cost against the total.
      const last = runs.at(-1);
      const replayable = new Map();
      for (const q of last.requests) if (q.method === "GET" && !q.kind.endsWith("/events") && !replayable.has(q.kind)) replayable.set(q.kind, q);
      const costs = {};
      for (const [kind, q] of replayable) {
        const headers = Object.fromEntries(Object.entries(q.headers).filter(([k]) => !k.startsWith(":")));
        headers.cookie = last.cookie;
        await cpuPerRequest(store.pid, store.base, q.url, headers, 5);
        const rounds = [];
        for (let i = 0; i < opt.rounds; i++) rounds.push((await cpuPerRequest(store.pid, store.base, q.url, headers, Math.ceil(opt.reps / 2))).ms);
        costs[kind] = median(rounds);
      }
      const rows = Object.entries(results.checkout.requestsPerCheckout).map(([kind, n]) => [kind, n, costs[kind]]);
      const attributed = rows.reduce((a, [, n, c]) => a + (c === undefined ? 0 : n * c), 0);
      results.checkout.costMsByKind = costs;
      results.checkout.breakdown = rows;
      console.log(`
Where a checkout's ${fmt.ms(results.checkout.storeCpuMsPerCheckout)} ms of store CPU go (each GET kind replayed alone; the rest is actions, the event stream and what follows them):`);
      console.log(
        table(
          ["request (kind route)", "per checkout", "CPU ms each", "CPU ms per checkout", "share"],
          [
            ...rows
              .sort((a, b) => (b[2] ?? 0) * b[1] - (a[2] ?? 0) * a[1])
              .map(([kind, n, c]) => [
                kind,
                n.toFixed(1),
                c === undefined ? "-" : fmt.ms(c),
                c === undefined ? "-" : fmt.ms(n * c),
                c === undefined ? "-" : `${((100 * n * c) / results.checkout.storeCpuMsPerCheckout).toFixed(0)} %`,
              ]),
            [
              "the rest (actions, event stream, webhook, status)",
              "",
              "",
              fmt.ms(results.checkout.storeCpuMsPerCheckout - attributed),
              `${((100 * (results.checkout.storeCpuMsPerCheckout - attributed)) / results.checkout.storeCpuMsPerCheckout).toFixed(0)} %`,
            ],
          ],
        ),
      );
    } finally {
      await browser.close();
    }
  }

  if (only.has("pages")) {
    bare = await startBareNext({ port: opt.port + 2 });
    const shopper = new Shopper(store.base, sandbox.base);
    const cookie = await shopper.newCart();
    const product = (await shopper.productForm()).path;
    const targets = [
      ["home", store, "/", { cookie }],
      ["product", store, product, { cookie }],
      ["home, no cookie", store, "/", {}],
      ["/api/health", store, "/api/health", {}],
      ["/favicon.ico", store, "/favicon.ico", {}],
      ["a product image (public/)", store, "/products/masala-chai-tin.svg", {}],
      ["a 404", store, "/no-such-page", {}],
      ["bare: page (6 products)", bare, "/", {}],
      ["bare: a 404", bare, "/no-such-page", {}],
      ["bare: /api/health (JSON)", bare, "/api/health", {}],
      ["bare: /icon.svg (public/)", bare, "/icon.svg", {}],
    ];
    const samples = Object.fromEntries(targets.map(([name]) => [name, []]));
    const statuses = {};
    for (const [, server, p, headers] of targets) await cpuPerRequest(server.pid, server.base, p, headers, 10); // warm-up
    for (let round = 0; round < opt.rounds; round++)
      for (const [name, server, p, headers] of round % 2 ? [...targets].reverse() : targets) {
        const r = await cpuPerRequest(server.pid, server.base, p, headers, opt.reps);
        samples[name].push(r.ms);
        statuses[name] = r.statuses;
      }
    const bareMs = median(samples["bare: page (6 products)"]);
    const floors = {
      "/api/health": "bare: /api/health (JSON)",
      "/favicon.ico": "bare: /icon.svg (public/)",
      "a product image (public/)": "bare: /icon.svg (public/)",
      "a 404": "bare: a 404",
    };
    results.pages = Object.fromEntries(targets.map(([name]) => [name, { ms: median(samples[name]), rounds: samples[name], statuses: statuses[name] }]));
    console.log(`\nServer CPU per request (keep-alive, sequential; median of ${opt.rounds} rounds of ${opt.reps}), beside the bare Next app:`);
    console.log(
      table(
        ["request", "CPU ms", "× bare page", "× bare twin", "rounds", "status"],
        targets.map(([name]) => [
          name,
          fmt.ms(results.pages[name].ms),
          fmt.ratio(results.pages[name].ms / bareMs),
          floors[name] ? fmt.ratio(results.pages[name].ms / median(samples[floors[name]])) : "",
          samples[name].map((v) => v.toFixed(1)).join(" "),
          statuses[name].join(","),
        ]),
      ),
    );
    console.log(
      "goals: home and product ≤ 1.5 × the bare page; /api/health and /favicon.ico ≤ 1.5 × their bare twin (its JSON route handler, its file in public/)",
    );
  }

  if (only.has("actions")) await actionsCpu({ store, sandbox, opt, results, cpuPerCall, median });
} finally {
  results.machineAfter = machine();
  console.log(`load average at the end: ${results.machineAfter.loadavg.join(" ")}`);
  console.log(`saved ${saveResults("cpu", results)}`);
  await Promise.all([store.stop(), sandbox.stop(), bare?.stop()]);
  if (!opt.keep) rmSync(dir, { recursive: true, force: true });
}

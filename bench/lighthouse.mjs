#!/usr/bin/env node
/**
 * Lighthouse 12 on mobile (its default: a Moto G Power class phone, simulated slow 4G and a 4×
 * slower CPU) for every page a shopper sees: home, product, cart, checkout, pay and result, against
 * a production build (`next start` on the sandbox, its own fresh database in a temporary folder).
 *
 * A real order is made first, in Chromium, as a shopper does (add to cart, the checkout form), and
 * a second one is paid at the sandbox, so the pay and result pages are real; the browser's cookies
 * (the cart and the orders' access cookies, lib/orders/access/order-access.ts) go with every Lighthouse request.
 *
 * After a warm-up (each page fetched once, one Lighthouse run thrown away), prints, per page, the
 * median of `--runs` runs (by performance score): the four category scores
 * and LCP / TBT / CLS; exits 1 when a page is under the goals (docs/benchmarks.md: performance ≥ 98,
 * accessibility, best practices and SEO 100).
 *
 *   npx next build && npm run bench:lighthouse [-- --runs 5 --port 3370 --pages home,pay]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import * as chromeLauncher from "chrome-launcher";
import lighthouse from "lighthouse";
import { shopperPages } from "./browser-shopper.mjs";
import { args, CHROMIUM_FLAGS, CHROMIUM_PATH, machine, machineLine, saveResults, startStore, table } from "./harness.mjs";

const opts = args({ runs: 5, port: 3370, pages: "home,product,cart,checkout,pay,result", chrome: CHROMIUM_PATH });
const GOALS = { performance: 98, accessibility: 100, "best-practices": 100, seo: 100 };
const CHROME_FLAGS = ["--headless=new", ...CHROMIUM_FLAGS, "--disable-sync"];

const dir = mkdtempSync(path.join(tmpdir(), "bench-lighthouse-"));
const store = await startStore({ port: opts.port, dir });
let code = 0;
try {
  const { urls, cookie } = await shopperPages(store.base, opts.chrome);
  const wanted = opts.pages.split(",");
  const chrome = await chromeLauncher.launch({ chromePath: opts.chrome, chromeFlags: CHROME_FLAGS });
  // Warm-up, not measured: every page once on the server (its first render compiles and fills caches),
  // and one Lighthouse run (Chromium's own first start). Otherwise the first page measured pays for both.
  for (const url of Object.values(urls)) await (await fetch(url, { headers: { cookie } })).arrayBuffer();
  await lighthouse(urls.home, { port: chrome.port, output: "json", logLevel: "error", onlyCategories: ["performance"], extraHeaders: { Cookie: cookie } });
  const rows = [];
  const results = {};
  try {
    for (const [name, url] of Object.entries(urls).filter(([n]) => wanted.includes(n))) {
      const runs = [];
      for (let i = 0; i < opts.runs; i++) {
        const r = await lighthouse(url, {
          port: chrome.port,
          output: "json",
          logLevel: "error",
          onlyCategories: Object.keys(GOALS),
          extraHeaders: { Cookie: cookie },
        });
        // A page that redirected (a missing cookie sends the pay page elsewhere) would be measuring something else.
        if (r.lhr.finalDisplayedUrl !== url) throw new Error(`${name}: ${url} ended on ${r.lhr.finalDisplayedUrl}`);
        if (r.lhr.runtimeError) throw new Error(`${name}: ${r.lhr.runtimeError.message}`);
        runs.push(summarize(r.lhr));
      }
      runs.sort((a, b) => a.scores.performance - b.scores.performance);
      const m = runs[Math.floor(runs.length / 2)];
      results[name] = { url: url.replace(store.base, ""), median: m, runs };
      const under = Object.entries(GOALS).filter(([k, goal]) => m.scores[k] < goal);
      if (under.length) code = 1;
      rows.push([
        name,
        ...Object.keys(GOALS).map((k) => m.scores[k]),
        `${(m.lcpMs / 1000).toFixed(1)} s`,
        `${Math.round(m.tbtMs)} ms`,
        m.cls.toFixed(3),
        runs.map((r) => r.scores.performance).join("/"),
        under.length ? `under: ${under.map(([k]) => k).join(", ")}${m.failing.length ? ` (${m.failing.join(", ")})` : ""}` : "ok",
      ]);
      console.log(`${name}: done`);
    }
  } finally {
    await chrome.kill();
  }
  const m = machine();
  console.log(
    `\nLighthouse 12 (${(await import("lighthouse/package.json", { with: { type: "json" } })).default.version}), mobile, median of ${opts.runs} runs per page`,
  );
  console.log(machineLine(m));
  console.log(table(["page", "perf", "a11y", "best pr.", "SEO", "LCP", "TBT", "CLS", "perf runs", "goals"], rows));
  console.log(`results: ${saveResults("lighthouse", { machine: m, goals: GOALS, results })}`);
} finally {
  await store.stop();
  rmSync(dir, { recursive: true, force: true });
}
process.exit(code);

/** The scores (0–100), the three vitals, and the audits that kept a category under 100. */
function summarize(lhr) {
  const scores = Object.fromEntries(Object.keys(GOALS).map((k) => [k, Math.round((lhr.categories[k]?.score ?? 0) * 100)]));
  const failing = [];
  for (const k of ["accessibility", "best-practices", "seo"]) {
    for (const ref of lhr.categories[k]?.auditRefs ?? []) {
      const a = lhr.audits[ref.id];
      if (ref.weight > 0 && a && a.score !== null && a.score < 1) failing.push(ref.id);
    }
  }
  return {
    scores,
    lcpMs: lhr.audits["largest-contentful-paint"]?.numericValue ?? NaN,
    tbtMs: lhr.audits["total-blocking-time"]?.numericValue ?? NaN,
    cls: lhr.audits["cumulative-layout-shift"]?.numericValue ?? NaN,
    failing,
    benchmarkIndex: lhr.environment?.benchmarkIndex,
  };
}

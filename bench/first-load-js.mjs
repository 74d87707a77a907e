#!/usr/bin/env node
/**
 * First-load JavaScript per page, gzipped: the sum of every script the page's HTML references,
 * fetched from a running production server (Next 16 no longer prints it). Compares each page
 * with an empty page's baseline (the framework's own runtime).
 *   npm run build && PORT=3200 npm start & node bench/first-load-js.mjs http://127.0.0.1:3200 /orders/<id>/pay
 */
import { gzipSync } from "node:zlib";

const base = process.argv[2] ?? "http://127.0.0.1:3000";
const pages = process.argv.slice(3).length ? process.argv.slice(3) : ["/", "/checkout"];
const cookie = process.env.BENCH_COOKIE ?? "";

async function scripts(path) {
  const html = await (await fetch(base + path, { headers: { cookie } })).text();
  return [...html.matchAll(/<script[^>]+src="([^"]+)"/g)].map((m) => m[1]);
}

const cache = new Map();
async function gz(src) {
  if (!cache.has(src)) {
    const body = Buffer.from(await (await fetch(new URL(src, base))).arrayBuffer());
    cache.set(src, gzipSync(body, { level: 9 }).length);
  }
  return cache.get(src);
}

const baseline = new Set(await scripts("/_not-found"));
const baselineKb = (await Promise.all([...baseline].map(gz))).reduce((a, b) => a + b, 0) / 1024;
console.log(`baseline (empty page /_not-found): ${baselineKb.toFixed(1)} KB gzipped, ${baseline.size} scripts`);
for (const p of pages) {
  const list = await scripts(p);
  const total = (await Promise.all(list.map(gz))).reduce((a, b) => a + b, 0) / 1024;
  const own = (await Promise.all(list.filter((s) => !baseline.has(s)).map(gz))).reduce((a, b) => a + b, 0) / 1024;
  console.log(`${p}: ${total.toFixed(1)} KB gzipped total, ${own.toFixed(1)} KB above baseline (${list.length} scripts)`);
}

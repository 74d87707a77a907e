#!/usr/bin/env node
/**
 * First-load JavaScript per page, as Chromium actually loads it (Next 16 no longer prints it):
 *
 * - **external**: every script response the page fetched until the network is idle (hydration and
 *   the chunks it pulls in), counted in bytes on the wire (the encoded, compressed body Chromium
 *   received, `request.sizes().responseBodySize`) and decoded. Scripts Chromium never fetches, such
 *   as Next's `noModule` polyfill chunk, are not counted, because they are not loaded;
 * - **inline**: the `<script>` elements without `src` in the HTML (React's flight data that
 *   hydrates the page, Next's bootstrap), in raw UTF-8 bytes and gzipped (they travel inside the
 *   compressed HTML document, so gzip is the fair estimate of their share of the wire).
 *
 * Against a production build on the sandbox with real orders behind the pay and result pages
 * (bench/browser-shopper.mjs), and an empty page (`/_not-found`) as the framework's baseline.
 *   npx next build && npm run bench:first-load [-- --port 3380 --pages home,pay]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { shopperPages } from "./browser-shopper.mjs";
import { args, CHROMIUM_PATH, launchChromium, machine, machineLine, saveResults, startStore, table } from "./harness.mjs";

const opts = args({ port: 3380, pages: "home,product,cart,checkout,pay,result", chrome: CHROMIUM_PATH });
const kb = (bytes) => (bytes / 1024).toFixed(1);

const dir = mkdtempSync(path.join(tmpdir(), "bench-first-load-"));
const store = await startStore({ port: opts.port, dir });
try {
  const { urls, cookie } = await shopperPages(store.base, opts.chrome);
  const wanted = opts.pages.split(",");
  const browser = await launchChromium(opts.chrome);
  const rows = [];
  const results = {};
  try {
    const pages = [["(empty page)", `${store.base}/_not-found`], ...Object.entries(urls).filter(([n]) => wanted.includes(n))];
    for (const [name, url] of pages) {
      const m = await measure(browser, url, cookie);
      results[name] = { url: url.replace(store.base, ""), ...m };
      rows.push([
        name,
        m.external.count,
        kb(m.external.wire),
        kb(m.external.decoded),
        kb(m.inline.raw),
        kb(m.inline.gzip),
        kb(m.external.wire + m.inline.gzip),
        m.noModuleSkipped,
      ]);
    }
  } finally {
    await browser.close();
  }
  const m = machine();
  console.log(`First-load JavaScript as Chromium loads it (KB = 1024 bytes); ${machineLine(m)}`);
  console.log(table(["page", "scripts", "wire KB", "decoded KB", "inline KB", "inline gz KB", "total wire KB", "noModule not fetched"], rows));
  console.log(`results: ${saveResults("first-load-js", { machine: m, results })}`);
} finally {
  await store.stop();
  rmSync(dir, { recursive: true, force: true });
}

/** One cold load of the page (a fresh context: nothing cached) with the shopper's cookies. */
async function measure(browser, url, cookieHeader) {
  const context = await browser.newContext();
  const origin = new URL(url).origin;
  await context.addCookies(
    cookieHeader
      .split("; ")
      .filter(Boolean)
      .map((c) => {
        const i = c.indexOf("=");
        return { name: c.slice(0, i), value: c.slice(i + 1), url: origin };
      }),
  );
  const page = await context.newPage();
  const scripts = [];
  page.on("requestfinished", (request) => {
    if (request.resourceType() === "script") scripts.push(request);
  });
  try {
    const res = await page.goto(url, { waitUntil: "networkidle" });
    if (!res || (res.status() !== 200 && !url.endsWith("/_not-found"))) throw new Error(`${url} answered ${res?.status()}`);
    if (page.url() !== url) throw new Error(`${url} ended on ${page.url()}`);
    let wire = 0;
    let decoded = 0;
    for (const request of scripts) {
      const sizes = await request.sizes();
      wire += sizes.responseBodySize;
      const response = await request.response();
      decoded += response ? (await response.body()).length : 0;
    }
    const inline = await page.evaluate(() => ({
      texts: [...document.querySelectorAll("script:not([src])")].filter((s) => !s.type || /javascript|module/.test(s.type)).map((s) => s.textContent ?? ""),
      noModule: document.querySelectorAll("script[nomodule]").length,
    }));
    const raw = Buffer.from(inline.texts.join("\n"));
    return {
      external: { count: scripts.length, wire, decoded },
      inline: { count: inline.texts.length, raw: raw.length, gzip: raw.length ? gzipSync(raw, { level: 6 }).length : 0 },
      noModuleSkipped: inline.noModule,
    };
  } finally {
    await context.close();
  }
}

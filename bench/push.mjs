#!/usr/bin/env node
/**
 * `npm run bench:push`: how soon a shopper sees the receipt after the payer approves, in a real
 * browser (Debian's Chromium through Playwright), over `--payments 20` payments each way:
 *   - with webhooks: Plural's webhook is applied and pushed to the pay page (Server-Sent Events);
 *   - without webhooks (a store Plural cannot reach): the page's stream confirms with Get Order.
 * Then a shopper who waits `--wait 60` s on the pay page while webhooks work: how many Get Order
 * calls that costs (counted at the sandbox). Needs a production build; asserts nothing.
 * Goals: p95 ≤ 300 ms with webhooks, ≤ 3 s without; ≤ 2 Get Order calls in 60 s.
 */
import os from "node:os";
import path from "node:path";
import { mkdtempSync } from "node:fs";
import { submitCheckout } from "./browser-shopper.mjs";
import { args, fmt, launchChromium, machine, machineLine, percentile, saveResults, shopperAddress, startStore, table } from "./harness.mjs";

const opt = args({ port: 3370, payments: 20, wait: 60 });
const results = { kind: "push", startedAt: new Date().toISOString(), machine: machine(), options: opt, runs: {} };
console.log(machineLine(results.machine));

const browser = await launchChromium();

async function control(base, p, init) {
  const r = await fetch(`${base}/sandbox/control/${p}`, { headers: { "content-type": "application/json" }, ...init });
  if (!r.ok) throw new Error(`${p}: ${r.status} ${await r.text()}`);
  return r.json();
}

/** A shopper's checkout up to the pay page's QR; answers the page and the UPI link it shows. */
async function toPayPage(context, base) {
  const page = await context.newPage();
  await page.goto(`${base}/`);
  await page.getByRole("button", { name: "Add" }).first().click();
  await page.getByText("Added to your cart.").first().waitFor();
  await page.goto(`${base}/checkout`);
  await submitCheckout(page);
  const qr = page.getByTestId("upi-qr");
  await qr.waitFor({ timeout: 30_000 });
  return { page, link: await qr.getAttribute("data-upi-link") };
}

/** Approve at the sandbox (as the payer's UPI app does) and time until the receipt is on screen. */
async function timeToReceipt(base, page, link) {
  const { payments } = await control(base, "payments");
  const payment = payments.find((p) => p.link === link && p.status === "PENDING");
  if (!payment) throw new Error("the pay page's payment is not pending at the sandbox");
  const receipt = page.getByRole("heading", { name: /Payment received/ }).waitFor({ timeout: 60_000 });
  const t0 = performance.now();
  await control(base, `payments/${encodeURIComponent(payment.id)}/approve`, { method: "POST", body: "{}" });
  await receipt;
  return performance.now() - t0;
}

async function run(label, { webhooks }) {
  // A fresh store each way: "are webhooks arriving" is what the store has seen, so the two must not mix.
  const dir = mkdtempSync(path.join(os.tmpdir(), "bench-push-"));
  const store = await startStore({ port: opt.port, dir, env: { RECONCILE_INTERVAL_MS: "0", ADMIN_PASSWORD: "bench" } });
  const base = store.base;
  try {
    await control(base, "settings", { method: "PATCH", body: JSON.stringify({ webhook: { drop: webhooks ? 0 : 1 } }) });
    // Each payment a shopper of their own (a browser context with its cart, from an address of its own):
    // one cart may place 10 orders in 10 minutes (lib/security/limits.ts).
    const shopper = () => browser.newContext({ extraHTTPHeaders: { "x-forwarded-for": shopperAddress() } });
    // Warm-up: the first page loads compile nothing in production, but fill caches and the token.
    const warmContext = await shopper();
    const warm = await toPayPage(warmContext, base);
    await timeToReceipt(base, warm.page, warm.link);
    await warmContext.close();
    const times = [];
    for (let i = 0; i < opt.payments; i++) {
      const own = await shopper();
      const { page, link } = await toPayPage(own, base);
      times.push(await timeToReceipt(base, page, link));
      await own.close();
      process.stdout.write(`  ${label}: ${i + 1}/${opt.payments}\r`);
    }
    const context = await shopper();
    times.sort((a, b) => a - b);
    const r = { n: times.length, p50: percentile(times, 50), p95: percentile(times, 95), max: times.at(-1), times };
    results.runs[label] = r;
    console.log(`  ${label}: p50 ${fmt.ms(r.p50)} ms, p95 ${fmt.ms(r.p95)} ms, max ${fmt.ms(r.max)} ms over ${r.n} payments`);

    if (webhooks) {
      // One shopper waiting on the pay page while webhooks work: Get Order calls in `wait` seconds.
      const { page } = await toPayPage(context, base);
      await control(base, "stats/reset", { method: "POST", body: "{}" });
      await page.waitForTimeout(opt.wait * 1000);
      const { calls } = await control(base, "stats");
      results.waiting = { seconds: opt.wait, getOrder: calls.getOrder ?? 0 };
      console.log(`  a shopper waiting ${opt.wait} s on the pay page: ${calls.getOrder ?? 0} Get Order calls`);
      await page.close();
    }
    await context.close();
  } finally {
    await store.stop();
  }
}

console.log("\n# Payer approves → receipt visible (Chromium)");
await run("without webhooks", { webhooks: false });
await run("with webhooks", { webhooks: true });
await browser.close();

const w = results.runs["with webhooks"];
const wo = results.runs["without webhooks"];
console.log(
  "\n" +
    table(
      ["goal", "measured", "met"],
      [
        ["receipt p95 ≤ 300 ms with webhooks", `${fmt.ms(w.p95)} ms`, w.p95 <= 300 ? "yes" : "NO"],
        ["receipt p95 ≤ 3 s without webhooks", `${fmt.ms(wo.p95)} ms`, wo.p95 <= 3000 ? "yes" : "NO"],
        [`≤ 2 Get Order calls while waiting ${opt.wait} s (webhooks work)`, String(results.waiting.getOrder), results.waiting.getOrder <= 2 ? "yes" : "NO"],
      ],
    ),
);
console.log(`saved ${saveResults("push", results)}`);

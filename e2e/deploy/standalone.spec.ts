import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createHmac, randomUUID } from "node:crypto";
import { mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { expect, test } from "../fixtures";
import { PayPage, Receipt, Store, UpiApp } from "../pages/shop";

/**
 * The store as it is deployed (docs/deploy.md): `node .next/standalone/server.js` on
 * PostgreSQL, started here on its own port; or, with DEPLOY_URL (and DEPLOY_DATABASE_URL), a server
 * started elsewhere: the container image (scripts/container.mjs). A shopper pays; then (own server
 * only) a rolling restart: SIGTERM in the middle of 200 webhooks, with pay pages' streams open.
 */
const external = process.env.DEPLOY_URL;
const PORT = Number(process.env.E2E_PORT ?? 3100) + 3;
const URL = external ?? `http://127.0.0.1:${PORT}`;
const WEBHOOK_SECRET = "deploy-spec-webhook-secret";
const missing = external ? "" : spawnSync(process.execPath, ["scripts/pg.mjs", "available"], { encoding: "utf8" }).stdout.trim();
test.skip(!!missing, `needs PostgreSQL: ${missing}`);
test.describe.configure({ mode: "serial" });
test.use({ baseURL: URL });

let server: ChildProcess | undefined;
let exited: Promise<{ code: number | null; at: number }> | undefined;
let stopPg: (() => void) | undefined;
let db: pg.Client;
let dir = "";

async function up(url: string, ms: number) {
  const end = Date.now() + ms;
  for (;;) {
    try {
      if ((await fetch(`${url}/api/ready`, { signal: AbortSignal.timeout(3_000) })).ok) return;
    } catch {
      /* not yet */
    }
    if (server && server.exitCode !== null)
      throw new Error(`server.js exited (${server.exitCode}): ${readFileSync(path.join(dir, "server.log"), "utf8").slice(-2000)}`);
    if (Date.now() > end) throw new Error(`${url}/api/ready did not answer 200 within ${ms / 1000} s`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

test.beforeAll(async () => {
  test.setTimeout(240_000);
  let databaseUrl = process.env.DEPLOY_DATABASE_URL;
  if (!external) {
    dir = mkdtempSync(path.join(tmpdir(), "standalone-"));
    const { startCluster } = await import("../../scripts/pg.mjs");
    const cluster = await startCluster(); // its own folder, which the postgres user can reach
    stopPg = cluster.stop;
    databaseUrl = cluster.url;
    const { completeStandalone } = await import("../../scripts/standalone.mjs");
    const standalone = await completeStandalone();
    // Only what a deployment sets: the suite's own PLURAL_* or DATABASE_URL must not leak in.
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH ?? "", NODE_ENV: "production" };
    Object.assign(env, {
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      PORT: String(PORT),
      HOSTNAME: "127.0.0.1",
      APP_URL: URL,
      DATABASE_URL: databaseUrl!,
      PLURAL_ENV: "sandbox",
      PLURAL_WEBHOOK_SECRET: WEBHOOK_SECRET,
      SANDBOX_STATE_FILE: path.join(dir, "sandbox-state.json"),
      ADMIN_PASSWORD: "e2e-admin",
      LOG_LEVEL: "info",
      RECONCILE_INTERVAL_MS: "5000",
      SHUTDOWN_TIMEOUT_MS: "8000",
    });
    const prep = spawnSync(process.execPath, ["scripts/db-prepare.mjs"], { cwd: standalone, env, encoding: "utf8" });
    if (prep.status !== 0) throw new Error(`db-prepare in .next/standalone: ${prep.stderr || prep.stdout}`);
    const log = openSync(path.join(dir, "server.log"), "a");
    server = spawn(process.execPath, ["server.js"], { cwd: standalone, env, stdio: ["ignore", log, log], detached: true });
    exited = new Promise((resolve) => server!.once("exit", (code) => resolve({ code, at: Date.now() })));
  }
  db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  await up(URL, 120_000);
});

test.afterAll(async () => {
  await db?.end().catch(() => undefined);
  if (server && server.exitCode === null && server.signalCode === null) {
    try {
      process.kill(-server.pid!, "SIGKILL");
    } catch {
      /* gone */
    }
  }
  stopPg?.();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const orderStatus = async (id: string) => (await db.query(`SELECT status FROM "Order" WHERE id = $1`, [id])).rows[0]?.status as string | undefined;

test("a shopper pays by QR on the deployed server, and the order is PROCESSED in PostgreSQL", async ({ page, context, sandbox }) => {
  await sandbox.reset();
  const store = new Store(page);
  const pay = new PayPage(page);
  const receipt = new Receipt(page);
  await store.addToCart("Masala Chai Tin", 2);
  await store.checkout();
  const link = await pay.waitForQr();
  const orderId = pay.orderId;
  await expect(page.getByTestId("pay-amount")).toHaveText("₹698.00");
  // Static files and public/ come from the standalone folder: the stylesheet and a product image load.
  const css = await page.evaluate(() => [...document.styleSheets].filter((s) => s.href?.includes("/_next/static/")).length);
  expect(css).toBeGreaterThan(0);
  expect((await page.request.get("/products/masala-chai-tin.svg")).status()).toBe(200);
  const phone = new UpiApp(await context.newPage());
  await phone.approveLink(link);
  await receipt.expectPaid("₹698.00");
  await page.screenshot({ path: `test-results/deploy-receipt${external ? "-container" : ""}.png`, fullPage: true });
  expect(await orderStatus(orderId)).toBe("PROCESSED");
});

/** A Standard Webhooks signature, as Plural signs (raw secret): `v1,<base64 HMAC-SHA256 of id.timestamp.body>`. */
function signed(id: string, body: string) {
  const ts = String(Math.floor(Date.now() / 1000));
  const sig = createHmac("sha256", Buffer.from(WEBHOOK_SECRET, "utf8")).update(`${id}.${ts}.${body}`).digest("base64");
  return { "content-type": "application/json", "webhook-id": id, "webhook-timestamp": ts, "webhook-signature": `v1,${sig}` };
}

test("SIGTERM during a burst of 200 webhooks, streams open: none lost, streams told to retry, exit within the bound", async ({ browser }) => {
  test.skip(!!external, "needs a server this spec started (the container's stop is timed by scripts/container.mjs)");
  test.setTimeout(180_000);
  // Two shoppers waiting on their pay pages (each holds a live-status stream), and one stream read here.
  const shoppers = [];
  for (let i = 0; i < 2; i++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    const store = new Store(page);
    await store.addToCart("Masala Chai Tin");
    await store.checkout();
    const pay = new PayPage(page);
    await pay.waitForQr();
    shoppers.push({ context, page, orderId: pay.orderId });
  }
  const cookie = (await shoppers[0]!.context.cookies(URL)).map((c) => `${c.name}=${c.value}`).join("; ");
  const stream = await fetch(`${URL}/api/orders/${shoppers[0]!.orderId}/events`, { headers: { cookie } });
  expect(stream.status).toBe(200);
  const streamText = (async () => {
    let text = "";
    const reader = stream.body!.getReader();
    for (;;) {
      const { done, value } = await reader.read().catch(() => ({ done: true, value: undefined }));
      if (done) return { text, endedAt: Date.now() };
      text += new TextDecoder().decode(value);
    }
  })();

  // 200 distinct signed webhooks, 16 at a time; SIGTERM once 50 are answered.
  type Outcome = { id: string; status?: number; error?: string };
  const outcomes: Outcome[] = [];
  const ids = Array.from({ length: 200 }, (_, i) => `msg_deploy_${i}_${randomUUID()}`);
  let answered = 0;
  let termAt = 0;
  const readiness: Array<number | string> = [];
  const send = async (id: string, i: number): Promise<Outcome> => {
    const body = JSON.stringify({
      event_type: "ORDER_PROCESSED",
      data: { order_id: `v1-deploy-${i}`, status: "PROCESSED", merchant_order_reference: `deploy-${i}` },
    });
    try {
      const res = await fetch(`${URL}/api/plural/webhook`, { method: "POST", headers: signed(id, body), body, signal: AbortSignal.timeout(15_000) });
      await res.text();
      return { id, status: res.status };
    } catch (e) {
      return { id, error: (e as Error).message };
    }
  };
  let next = 0;
  const worker = async () => {
    while (next < ids.length) {
      const i = next++;
      const o = await send(ids[i]!, i);
      outcomes.push(o);
      if (o.status) answered++;
      if (answered >= 50 && !termAt) {
        termAt = Date.now();
        process.kill(server!.pid!, "SIGTERM");
        // Readiness right after: never 200 again.
        for (let k = 0; k < 3; k++)
          readiness.push(
            await fetch(`${URL}/api/ready`).then(
              (r) => r.status,
              (e: Error) => e.message,
            ),
          );
      }
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  const exit = await Promise.race([exited!, new Promise<{ code: null; at: number }>((r) => setTimeout(() => r({ code: null, at: Infinity }), 15_000))]);
  const { text, endedAt } = await streamText;
  for (const s of shoppers) await s.context.close();

  const exitMs = exit.at - termAt;
  const ok = outcomes.filter((o) => o.status && o.status >= 200 && o.status < 300);
  const other = outcomes.filter((o) => !(o.status && o.status >= 200 && o.status < 300));
  const recorded = new Set(
    (await db.query(`SELECT "externalId" FROM "OrderEvent" WHERE "externalId" = ANY($1)`, [ids])).rows.map((r: { externalId: string }) => r.externalId),
  );
  console.log(
    `shutdown: ${ok.length} webhooks answered 2xx (${ok.filter((o) => recorded.has(o.id)).length} recorded), ${other.length} refused or unanswered ` +
      `(${JSON.stringify(other.reduce<Record<string, number>>((m, o) => ((m[String(o.status ?? "no answer")] = (m[String(o.status ?? "no answer")] ?? 0) + 1), m), {}))}); ` +
      `exit ${exit.code} after ${exitMs} ms; stream ended ${endedAt - termAt} ms after SIGTERM; readiness after SIGTERM ${JSON.stringify(readiness)}`,
  );
  expect(outcomes).toHaveLength(200);
  expect(exit.at, "the server exited").toBeLessThan(Infinity);
  expect(exitMs).toBeLessThan(10_000);
  expect(exit.code, "it drained within its bound (1 would be the forced exit)").not.toBe(1);
  // Every webhook answered 2xx is in the database; the rest were refused (non-2xx) or never answered, so Plural retries them.
  expect(ok.filter((o) => !recorded.has(o.id))).toEqual([]);
  expect(ok.length).toBeGreaterThanOrEqual(50);
  expect(other.every((o) => !o.status || o.status >= 300)).toBe(true);
  // The stream was told to come back soon (elsewhere), and ended before the process did.
  expect(text).toMatch(/retry: \d+\n\n$/);
  expect(endedAt).toBeLessThanOrEqual(exit.at + 100);
  expect(readiness.every((r) => r !== 200)).toBe(true);
  const log = readFileSync(path.join(dir, "server.log"), "utf8");
  expect(log).toContain("server.shutdown_drained");
});

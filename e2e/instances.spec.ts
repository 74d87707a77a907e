import { readFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { spawnSync } from "node:child_process";
import { expect, test } from "./fixtures";
import { PayPage, Receipt, Store, UpiApp } from "./pages/shop";

/**
 * Several instances: two `next start` on one PostgreSQL, one sandbox service, nginx in
 * front (scripts/cluster.mjs). A shopper's pages are served by instance 1 while Plural's webhooks
 * land on instance 2; the receipt still appears by push. Instance 1 is then killed mid-payment and
 * the shopper finishes on instance 2; both sweep without checking an order twice; the console's
 * lockout counts failures from both.
 */
// scripts/pg.mjs and scripts/cluster.mjs are ES modules: asked as commands here, imported in beforeAll.
const missing =
  spawnSync(process.execPath, ["scripts/pg.mjs", "available"], { encoding: "utf8" }).stdout.trim() ||
  (spawnSync("sh", ["-c", "command -v nginx || ls /usr/sbin/nginx"], { encoding: "utf8" }).status === 0
    ? ""
    : "nginx is not installed (apt-get install nginx)");
test.skip(!!missing, `needs PostgreSQL and nginx: ${missing}`);
test.describe.configure({ mode: "serial" });

type Cluster = Awaited<ReturnType<(typeof import("../scripts/cluster.mjs"))["startCluster"]>>;
let cluster: Cluster;
let db: pg.Client;

test.beforeAll(async () => {
  test.setTimeout(240_000);
  const { startCluster } = await import("../scripts/cluster.mjs");
  cluster = await startCluster({ instances: 2, balance: "failover", env: { RECONCILE_INTERVAL_MS: "2000", LOG_LEVEL: "warn", ADMIN_PASSWORD: "e2e-admin" } });
  db = new pg.Client({ connectionString: cluster.databaseUrl });
  await db.connect();
});
test.afterAll(async () => {
  await db?.end();
  await cluster?.stop();
});

test.use({ baseURL: undefined });

const row = async (orderId: string) =>
  (await db.query(`SELECT status, "pluralOrderId" FROM "Order" WHERE id = $1`, [orderId])).rows[0] as { status: string } | undefined;
const events = async (orderId: string, type: string) =>
  Number((await db.query(`SELECT count(*) FROM "OrderEvent" WHERE "orderId" = $1 AND type = $2`, [orderId, type])).rows[0].count);
const sandbox = (p: string, init?: RequestInit) => fetch(`${cluster.sandboxUrl}/control/${p}`, { headers: { "content-type": "application/json" }, ...init });
/** Which instance nginx sent each request to (its access log names the upstream). */
const upstreams = () => readFileSync(path.join(cluster.dir, "nginx-access.log"), "utf8").trim().split("\n");

async function shopper(context: import("@playwright/test").BrowserContext) {
  const page = await context.newPage();
  const phone = await context.newPage();
  const go = (p: string) => page.goto(`${cluster.url}${p}`);
  return {
    page,
    phone,
    go,
    store: new Store(page, cluster.url),
    pay: new PayPage(page),
    receipt: new Receipt(page),
    upi: new UpiApp(phone, cluster.sandboxUrl),
  };
}

test("pages on one instance, Plural's webhook on the other: the receipt arrives by push", async ({ context }) => {
  const s = await shopper(context);
  await s.store.addToCart("Masala Chai Tin");
  await s.store.checkout();
  const link = await s.pay.waitForQr();
  const orderId = s.pay.orderId;
  await s.upi.approveLink(link);
  await s.receipt.expectPaid("₹349.00");
  expect((await row(orderId))?.status).toBe("PROCESSED");
  const [first, second] = cluster.stores.map((x) => `127.0.0.1:${x.port}`);
  const log = upstreams();
  expect(log.filter((l) => l.includes("/api/plural/webhook")).every((l) => l.endsWith(second!))).toBe(true);
  expect(log.some((l) => l.includes("/api/plural/webhook"))).toBe(true);
  expect(log.filter((l) => l.includes(`/orders/${orderId}`)).every((l) => l.endsWith(first!))).toBe(true);
});

test.describe("a dying instance", () => {
  // The pay page's stream is cut when its instance dies: the browser says so, then reconnects.
  test.use({ allowedConsoleErrors: [/ERR_INCOMPLETE_CHUNKED_ENCODING|ERR_EMPTY_RESPONSE|ERR_CONNECTION_RESET|status of 502/] });

  test("instance 1 is killed mid-payment: the shopper finishes on instance 2 and no order is lost", async ({ context }) => {
    const s = await shopper(context);
    await s.store.addToCart("Brass Diya Pair");
    await s.store.checkout();
    const link = await s.pay.waitForQr();
    const orderId = s.pay.orderId;
    cluster.stores[0]!.kill();
    await s.upi.approveLink(link);
    // The pay page's stream was cut; it reconnects (through nginx, now to instance 2) or polls.
    await s.receipt.expectPaid("₹899.00");
    await expect.poll(async () => (await row(orderId))?.status, { timeout: 30_000 }).toBe("PROCESSED");
  });
});

test("both instances sweep, and each open order is checked once", async ({ context }) => {
  // Webhooks are lost from now on: only the sweeps can learn that these orders were paid.
  expect((await sandbox("settings", { method: "PATCH", body: JSON.stringify({ webhook: { drop: 1 } }) })).status).toBe(200);
  const orders: string[] = [];
  for (const product of ["Masala Chai Tin", "Copper Water Bottle", "Madhubani Notebook"]) {
    const s = await shopper(context);
    await s.store.addToCart(product);
    await s.store.checkout();
    const link = await s.pay.waitForQr();
    orders.push(s.pay.orderId);
    await s.upi.approveLink(link);
    await s.page.close(); // no pay page left to ask Plural: only the sweeps do
  }
  for (const id of orders) await expect.poll(async () => (await row(id))?.status, { timeout: 60_000 }).toBe("PROCESSED");
  for (const id of orders) expect(await events(id, "RECONCILE")).toBe(1);
  await sandbox("settings", { method: "PATCH", body: JSON.stringify({ webhook: { drop: 0 } }) });
});

test.describe(() => {
  // A locked-out sign-in answers 429, which Chromium logs as a failed resource.
  test.use({ allowedConsoleErrors: [/status of 429 \(Too Many Requests\)/] });

  test("the console's sign-in lockout counts failures on every instance", async ({ page }) => {
    const alive = cluster.stores.filter((x) => x.alive());
    expect(alive.length).toBeGreaterThan(0);
    const signIn = async (base: string, password: string) => {
      await page.goto(`${base}/admin/login`);
      await page.getByLabel("Password").fill(password);
      await page.getByRole("button", { name: "Sign in" }).click();
      // The form's own alert (Next.js' route announcer is an alert too), once the action has answered.
      const said = page.locator("#signin-error").filter({ hasText: /\S/ });
      const orders = page.getByRole("heading", { name: "Orders" });
      await expect(said.or(orders)).toBeVisible();
      return (await orders.isVisible()) ? "signed in" : ((await said.textContent()) ?? "");
    };
    // Failures through the proxy and straight at the surviving instance: one count, in the database.
    for (let i = 0; i < 3; i++) expect(await signIn(cluster.url, "wrong")).toMatch(/not right|Too many/);
    for (let i = 0; i < 3; i++) expect(await signIn(alive[0]!.url, "wrong")).toMatch(/not right|Too many/);
    expect(await signIn(cluster.url, "e2e-admin")).toMatch(/Too many attempts/);
  });
});

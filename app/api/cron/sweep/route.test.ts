/**
 * /api/cron/sweep: what a serverless host's scheduler calls instead of the in-process timers
 * (docs/deploy.md). Here no timer runs (no start-up in tests) and the sandbox's webhooks are dropped, so
 * only the route can bring the orders to Plural's status. On the PostgreSQL run it is also in
 * serverless mode (SERVERLESS=1) with a pool of one connection (DATABASE_POOL_SIZE=1), as behind a
 * transaction-mode pooler.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDb, db } from "@/lib/db";
import { env, resetEnvCache } from "@/lib/env";
import { createCart, newCheckoutKey, placeOrder, setQuantity, startPayment } from "@/lib/orders";
import { testingOnPostgres } from "@/lib/testing/db";
import { startTestStore } from "@/lib/testing/store";
import { GET, POST } from "./route";
import { checkoutForm } from "@/lib/testing/shopper.mjs";

const SECRET = "cron-secret-for-the-route-test-0123";
let server: Awaited<ReturnType<typeof startTestStore>>;
const saved = { ...process.env };

beforeAll(async () => {
  server = await startTestStore({ background: false });
  process.env.CRON_SECRET = SECRET;
  if (testingOnPostgres()) Object.assign(process.env, { SERVERLESS: "1", DATABASE_POOL_SIZE: "1" });
  resetEnvCache();
  await closeDb(); // the next db() reads DATABASE_POOL_SIZE
  server.sandbox.updateSettings({ webhook: { drop: 1 } });
});
afterAll(async () => {
  process.env = saved;
  resetEnvCache();
  await server.close();
});

const call = (headers: Record<string, string> = {}, method: "GET" | "POST" = "GET") =>
  (method === "GET" ? GET : POST)(new Request("http://store.test/api/cron/sweep", { method, headers }));
const bearer = (s: string) => ({ authorization: `Bearer ${s}` });

async function openOrder(i: number): Promise<{ orderId: string; paymentId: string }> {
  const chai = await db().product.findUniqueOrThrow({ where: { slug: "chai" } });
  const { id: cartId, token } = await createCart();
  await setQuantity(cartId, chai.id, 1);
  const placed = await placeOrder(token, checkoutForm({ email: `cron${i}@example.com` }), newCheckoutKey());
  if (!placed.ok) throw new Error(placed.error);
  const p = await startPayment(placed.value.orderId, "QR");
  if (!p.ok) throw new Error(p.error);
  const { pluralPaymentId } = await db().payment.findUniqueOrThrow({ where: { id: p.value.id } });
  return { orderId: placed.value.orderId, paymentId: pluralPaymentId! };
}

/** Plural's (the sandbox's) status of each order, and ours. */
async function statuses(orders: Array<{ orderId: string }>) {
  const rows = await db().order.findMany({ where: { id: { in: orders.map((o) => o.orderId) } }, select: { id: true, status: true, pluralOrderId: true } });
  return rows.map((r) => ({ ours: r.status, plural: server.sandbox.orderView(r.pluralOrderId!).status }));
}

describe("/api/cron/sweep", () => {
  it("runs in the mode this suite asked for", () => {
    expect(env().serverless).toBe(testingOnPostgres());
    expect(env().cronSecret).toBe(SECRET);
  });

  it("answers 401 without the secret, with a wrong one or another scheme, and changes nothing", async () => {
    const o = await openOrder(0);
    server.sandbox.approve(o.paymentId);
    await server.sandbox.tick();
    for (const h of [{}, bearer("wrong"), bearer(`${SECRET}x`), { authorization: `Basic ${SECRET}` }, { authorization: SECRET }]) {
      const res = await call(h);
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ error: "Authorization: Bearer <CRON_SECRET> is required." });
    }
    expect((await db().order.findUniqueOrThrow({ where: { id: o.orderId } })).status).toBe("PENDING");
    // With it: the paid order is found.
    expect((await call(bearer(SECRET))).status).toBe(200);
    expect((await db().order.findUniqueOrThrow({ where: { id: o.orderId } })).status).toBe("PROCESSED");
  });

  it("with webhooks dropped, brings every open order to Plural's status; calling again changes nothing", async () => {
    const orders = await Promise.all([1, 2, 3, 4, 5, 6, 7, 8].map((i) => openOrder(i)));
    orders.slice(0, 4).forEach((o) => server.sandbox.approve(o.paymentId));
    orders.slice(4, 6).forEach((o) => server.sandbox.decline(o.paymentId));
    await server.sandbox.tick(); // the webhooks go out, and are dropped
    expect((await statuses(orders)).every((s) => s.ours === "PENDING")).toBe(true);
    expect((await statuses(orders)).filter((s) => s.plural !== "PENDING")).toHaveLength(6);

    const res = await call(bearer(SECRET), "POST");
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const report = await res.json();
    expect(report).toMatchObject({ done: true, failed: 0 });
    expect(report.checked).toBeGreaterThanOrEqual(8);
    const after = await statuses(orders);
    expect(after.map((s) => s.ours)).toEqual(after.map((s) => s.plural));
    expect(after.filter((s) => s.ours === "PROCESSED")).toHaveLength(4);

    // Again at once: each order keeps its backoff, nothing is asked twice, nothing moves.
    const calls = server.sandbox.stats().calls.getOrder ?? 0;
    const again = await (await call(bearer(SECRET))).json();
    expect(again).toMatchObject({ checked: 0, updated: 0, done: true });
    expect(server.sandbox.stats().calls.getOrder ?? 0).toBe(calls);
    expect(await statuses(orders)).toEqual(after);
  });

  it("two calls at once ask about each order once (the sweep's claims)", async () => {
    const orders = await Promise.all([10, 11, 12, 13, 14, 15].map((i) => openOrder(i)));
    orders.forEach((o) => server.sandbox.approve(o.paymentId));
    await server.sandbox.tick();
    const before = server.sandbox.stats().calls.getOrder ?? 0;
    const [a, b] = await Promise.all([call(bearer(SECRET)), call(bearer(SECRET))]);
    const [ra, rb] = [await a.json(), await b.json()];
    expect(ra.checked + rb.checked).toBe(orders.length);
    expect((server.sandbox.stats().calls.getOrder ?? 0) - before).toBe(orders.length);
    expect((await statuses(orders)).every((s) => s.ours === "PROCESSED")).toBe(true);
  });

  it("stops at its time budget and carries on at the next call", async () => {
    const orders = await Promise.all([20, 21, 22, 23, 24, 25].map((i) => openOrder(i)));
    orders.forEach((o) => server.sandbox.approve(o.paymentId));
    await server.sandbox.tick();
    // Plural answers Get Order in 300 ms; the budget leaves 500 ms of work.
    server.sandbox.addFault({ endpoint: "getOrder", kind: "latency", latency_ms: 300 });
    process.env.CRON_BUDGET_MS = "1000";
    resetEnvCache();
    try {
      const first = await (await call(bearer(SECRET))).json();
      expect(first.done).toBe(false);
      expect(first.checked).toBeGreaterThanOrEqual(1);
      expect(first.checked).toBeLessThan(orders.length);
      expect(first.deferred).toBe(orders.length - first.checked);
      expect(first.ms).toBeLessThan(1_000 + 600); // the budget, and at most one Get Order past the deadline
      let calls = 1;
      for (; calls < 10 && (await statuses(orders)).some((s) => s.ours !== "PROCESSED"); calls++) await call(bearer(SECRET));
      expect((await statuses(orders)).every((s) => s.ours === "PROCESSED")).toBe(true);
      expect(calls).toBeGreaterThan(1);
    } finally {
      server.sandbox.clearFaults();
      delete process.env.CRON_BUDGET_MS;
      resetEnvCache();
    }
  });
});

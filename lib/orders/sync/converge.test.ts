/**
 * With webhooks refused, every order still converges through the sweep, and how long it takes.
 *
 * Plural retries a webhook on its documented schedule (immediately, 5 s, 5 min, 30 min, 2 h, 5 h,
 * 10 h, 10 h); whether a retry is signed afresh is not documented. Under the strict reading it keeps
 * the first timestamp, and the store refuses timestamps more than 300 s old. So a store that misses
 * the first tries (down for a minute, a deploy) refuses every later one: the order converges only
 * through the reconciliation sweep (every 30 s, RECONCILE_INTERVAL_MS, with per-order backoff). No
 * browser is polling (the shopper closed the tab).
 *
 * Time is virtual: every clock (Date: the store's rows, the sandbox, webhook signatures and their
 * check) moves 30 s a step, the webhook schedule with it, so three hours take a few seconds. Each order is paid at a random moment of its
 * 15-minute window (seeded); the figure is how long after the payment the store's order said
 * PROCESSED. It is printed (docs/sandbox.md, "Profiles") and bounded here.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { db } from "@/lib/db";
import { startTestStore } from "@/lib/testing/store";
import { createCart, handleWebhook, newCheckoutKey, placeOrder, reconcile, setQuantity, startPayment } from "@/lib/orders";
import { checkoutForm } from "@/lib/testing/shopper.mjs";

const STEP_MS = 30_000; // the sweep's interval (RECONCILE_INTERVAL_MS default)
const ORDERS = 40;
const WINDOW_MS = 15 * 60_000;

let vnow = Date.now();
/** Moves every clock the store and the sandbox read (Date only: timers stay real). */
const setNow = (t: number) => {
  vnow = t;
  vi.setSystemTime(t);
};
let server: Awaited<ReturnType<typeof startTestStore>>;
let receiver: Server;
const answers: Record<number, number> = {};
const firstSeen = new Map<string, number>();

beforeAll(async () => {
  vi.useFakeTimers({ toFake: ["Date"], now: vnow });
  server = await startTestStore({ background: false });
  receiver = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const headers = new Headers(req.headers as Record<string, string>);
    // The store misses each event's first tries (down, or being deployed, until the 5-minute retry); later ones reach the real route.
    const id = headers.get("webhook-id") ?? "";
    firstSeen.set(id, firstSeen.get(id) ?? Date.now());
    const down = Date.now() < firstSeen.get(id)! + 4 * 60_000;
    const answer = down ? { status: 503, body: {} } : await handleWebhook(Buffer.concat(chunks).toString("utf8"), headers);
    answers[answer.status] = (answers[answer.status] ?? 0) + 1;
    res.writeHead(answer.status).end(JSON.stringify(answer.body));
  });
  await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
  server.sandbox.updateSettings({
    profile: "strict",
    webhook: { url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`, timeout_ms: 2000 },
  });
});
afterAll(async () => {
  vi.useRealTimers();
  await server.close();
  await new Promise<void>((r) => receiver.close(() => r()));
});

/** A seeded generator (mulberry32), so the figure is the same on every run. */
function seeded(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)]!;

describe("webhooks refused (first timestamp kept, stale retries refused): the sweep alone", () => {
  it("every paid order reaches PROCESSED, within a bounded time after its payment", { timeout: 180_000 }, async () => {
    const random = seeded(20261205);
    const start = vnow;
    const chai = await db().product.findUniqueOrThrow({ where: { slug: "chai" } });
    type Tracked = { orderId: string; paymentId: string; createdAt: number; paidAt: number; seenAt?: number };
    const orders: Tracked[] = [];
    const end = start + 3 * 3600_000;
    for (let step = 0; vnow <= end; step++) {
      // A new order every other step for the first 40 steps, each paid at a random moment of its window.
      if (step % 2 === 0 && orders.length < ORDERS) {
        const { id: cartId, token: cartToken } = await createCart();
        await setQuantity(cartId, chai.id, 1);
        const placed = await placeOrder(cartToken, checkoutForm({ email: `a${step}@example.com` }), newCheckoutKey());
        if (!placed.ok) throw new Error(placed.error);
        const p = await startPayment(placed.value.orderId, "QR");
        if (!p.ok) throw new Error(p.error);
        const { pluralPaymentId } = await db().payment.findUniqueOrThrow({ where: { id: p.value.id } });
        orders.push({
          orderId: placed.value.orderId,
          paymentId: pluralPaymentId!,
          createdAt: vnow,
          paidAt: vnow + Math.floor(random() * (WINDOW_MS - STEP_MS)),
        });
      }
      setNow(vnow + STEP_MS);
      // Payments approved during the step, in order (the sandbox's clock is at the step's end: close enough for a 30 s grid).
      for (const o of orders) if (!o.seenAt && o.paidAt <= vnow && o.paidAt > vnow - STEP_MS) server.sandbox.approve(o.paymentId);
      await server.sandbox.tick();
      await reconcile({ now: new Date(vnow), olderThanMs: STEP_MS });
      for (const o of orders) {
        if (o.seenAt || o.paidAt > vnow) continue;
        const { status } = await db().order.findUniqueOrThrow({ where: { id: o.orderId }, select: { status: true } });
        if (status === "PROCESSED") o.seenAt = vnow;
      }
    }
    const delays = orders.map((o) => (o.seenAt ?? Infinity) - o.paidAt);
    const s = (ms: number) => `${Math.round(ms / 1000)} s`;
    console.log(
      `converge: ${orders.length} orders paid at random in their 15-min window, webhooks refused, sweep every 30 s: ` +
        `PROCESSED after p50 ${s(pct(delays, 50))}, p95 ${s(pct(delays, 95))}, max ${s(Math.max(...delays))}; ` +
        `${((server.sandbox.stats().calls.getOrder ?? 0) / orders.length).toFixed(1)} Get Order calls per order; webhook answers ${JSON.stringify(answers)}`,
    );
    expect(orders.every((o) => o.seenAt !== undefined)).toBe(true);
    // No webhook was applied: the store missed the first tries, then refused every stale retry.
    expect(Object.keys(answers).sort()).toEqual(["401", "503"]);
    expect(Math.max(...delays)).toBeLessThanOrEqual(2 * 60_000);
  });
});

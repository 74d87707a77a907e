import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { GET as returnGet, POST as returnPost } from "@/app/api/plural/return/route";
import { POST as webhookPost } from "@/app/api/plural/webhook/route";
import { db } from "@/lib/db";
import { setQuantity, startPayment } from "@/lib/orders";
import { testCart } from "@/lib/testing/cart";
import type { Sandbox } from "@/lib/sandbox/engine";
import { TEST_CREDENTIALS } from "@/lib/testing/sandbox";
import { startTestStore } from "@/lib/testing/store";
import { callbackCases, type GenuineReturn } from "./callbacks";
import { Random } from "./random";
import { formatReports, runFuzz, type Attempt, type Report } from "./run";
import { signedDelivery, webhookCases, type GenuineWebhook } from "./webhooks";

/** after() needs Next's request scope; here its work runs before the answer is counted, so every write lands on its own case. */
const pending: Array<Promise<unknown>> = [];
vi.mock("next/server", async (original) => ({
  ...(await original<typeof import("next/server")>()),
  after: (work: () => Promise<unknown>) => void pending.push(Promise.resolve().then(work)),
}));

/**
 * The return-URL and webhook fuzzers, in process against the route handlers, a real sandbox and a
 * fresh database: a few thousand cases in every `npm test`. `npm run security:fuzz` sends 10,000 of
 * each over HTTP to `next start` (e2e/fuzz/security-fuzz.mts).
 */
const CASES = Number(process.env.FUZZ_CASES ?? 2_000);
const SEED = Number(process.env.FUZZ_SEED ?? 20261125);

let server: Awaited<ReturnType<typeof startTestStore>>;
let sb: Sandbox;
const returns: GenuineReturn[] = [];
const webhooks: GenuineWebhook[] = [];
const reports: Report[] = [];

async function send(a: Attempt): Promise<number> {
  const request = new Request(`http://store.test${a.path}`, { method: a.method, headers: a.headers, body: a.body as BodyInit | undefined });
  const route = a.path.startsWith("/api/plural/webhook") ? webhookPost : a.method === "GET" ? returnGet : returnPost;
  const res = await route(request);
  await Promise.allSettled(pending.splice(0));
  return res.status;
}

async function snapshot(): Promise<Map<string, string>> {
  const [orders, payments, refunds, events] = await Promise.all([
    db().order.findMany({ select: { id: true, status: true, updatedAt: true } }),
    db().payment.findMany({ select: { id: true, status: true, updatedAt: true } }),
    db().refund.findMany({ select: { id: true, status: true, updatedAt: true } }),
    db().orderEvent.count(),
  ]);
  const m = new Map<string, string>();
  for (const [table, rows] of [
    ["order", orders],
    ["payment", payments],
    ["refund", refunds],
  ] as const)
    for (const r of rows) m.set(`${table}:${r.id}`, `${r.status}@${r.updatedAt.getTime()}`);
  m.set("#event", String(events));
  return m;
}

beforeAll(async () => {
  server = await startTestStore();
  sb = server.sandbox;
  sb.updateSettings({ webhook: { enabled: false } });
  const chai = await db().product.findUniqueOrThrow({ where: { slug: "chai" } });
  // Three orders at Plural: two paid, one whose payment was declined (its return carries an error message with spaces).
  for (const outcome of ["paid", "declined", "paid"] as const) {
    const cart = await testCart();
    await setQuantity(cart.id, chai.id, outcome === "declined" ? 2 : 1);
    const placed = await cart.place();
    if (!placed.ok) throw new Error(placed.error);
    const p = await startPayment(placed.value.orderId, "QR");
    if (!p.ok) throw new Error(p.error);
    const { pluralOrderId } = await db().order.findUniqueOrThrow({ where: { id: placed.value.orderId } });
    const { pluralPaymentId } = await db().payment.findUniqueOrThrow({ where: { id: p.value.id } });
    if (outcome === "paid") sb.approve(pluralPaymentId!);
    else sb.decline(pluralPaymentId!, "PAYMENT_DECLINED", "The payer declined the request");
    sb.advance();
    returns.push({ fields: sb.callbackFor(pluralOrderId!)!.fields });
    const body = JSON.stringify({
      event_type: outcome === "paid" ? "ORDER_PROCESSED" : "PAYMENT_FAILED",
      data: sb.orderJson(pluralOrderId!, { webhook: true }),
    });
    webhooks.push(signedDelivery(TEST_CREDENTIALS.webhookSecret, `msg_fuzz_${webhooks.length}_${SEED}`, Math.floor(Date.now() / 1000), body, pluralOrderId!));
  }
  // The genuine messages arrive once first, as they would: the fuzz then repeats and twists them.
  for (const r of returns)
    expect(
      await send({
        method: "POST",
        path: "/api/plural/return",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new TextEncoder().encode(new URLSearchParams(r.fields).toString()),
      }),
    ).toBe(303);
  for (const w of webhooks)
    expect(
      await send({
        method: "POST",
        path: "/api/plural/webhook",
        headers: { "content-type": "application/json", "webhook-id": w.id, "webhook-timestamp": w.timestamp, "webhook-signature": w.signature },
        body: new TextEncoder().encode(w.body),
      }),
    ).toBe(200);
});
afterAll(async () => {
  if (reports.length) console.log(`\nSecurity fuzz (seed ${SEED}, in process):\n${formatReports(reports)}\n`);
  await server.close();
});

describe("fuzzing what Plural sends", () => {
  it(`${CASES} mutated returns: none accepted, none written, no 5xx`, async () => {
    const r = await runFuzz("return URL", SEED, callbackCases(new Random(SEED), returns, CASES), send, snapshot);
    reports.push(r);
    expect(r.failures).toEqual([]);
    expect({ tried: r.tried, accepted: r.accepted, written: r.written, fiveXX: r.fiveXX }).toEqual({ tried: CASES, accepted: 0, written: 0, fiveXX: 0 });
    expect(r.kinds).toBeGreaterThanOrEqual(35);
    expect(r.equivalent).toBeGreaterThan(0);
    expect(r.equivalentAccepted).toBeGreaterThan(0);
  }, 300_000);

  it(`${CASES} mutated webhooks: none accepted, none written, no 5xx`, async () => {
    const r = await runFuzz("webhook", SEED, webhookCases(new Random(SEED + 1), webhooks, CASES, TEST_CREDENTIALS.webhookSecret), send, snapshot);
    reports.push(r);
    expect(r.failures).toEqual([]);
    expect({ tried: r.tried, accepted: r.accepted, written: r.written, fiveXX: r.fiveXX }).toEqual({ tried: CASES, accepted: 0, written: 0, fiveXX: 0 });
    expect(r.kinds).toBeGreaterThanOrEqual(30);
    expect(r.equivalentAccepted).toBe(r.equivalent); // a replay is acknowledged (and changes nothing: equivalentWritten)
    expect(r.equivalentWritten).toBe(0);
  }, 300_000);
});

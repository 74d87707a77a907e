import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { db } from "@/lib/db";
import { testStoreForFile } from "@/lib/testing/store-for-file";
import { GET as eventsGet } from "@/app/api/orders/[id]/events/route";
import { applyStatus, newCheckoutKey, noteWebhookArrived, openOrderStream, openStreamCount, setQuantity, startPayment } from "@/lib/orders";
import { onOrderChange, wake, watcherCount } from "./order-changes";
import { pluralReport } from "../status/apply";
import { resetEnvCache } from "@/lib/env";
import { markFrontDoorActive, PEER_HEADER } from "@/lib/security/client-address";
import { STREAMS } from "@/lib/security/limits";
import { testCart } from "@/lib/testing/cart";
import { orderResponse } from "@/lib/plural/schemas";
import { newRequest } from "@/lib/testing/next-request";
import { checkoutForm } from "@/lib/testing/shopper.mjs";

vi.mock("next/headers", () => import("@/lib/testing/next-request").then((m) => m.nextHeadersModule));

const store = testStoreForFile({ webhooks: false });

async function pendingOrder() {
  const shopper = await testCart();
  const chai = await db().product.findUniqueOrThrow({ where: { slug: "chai" } });
  await setQuantity(shopper.id, chai.id, 1);
  const placed = await shopper.place(checkoutForm(), newCheckoutKey());
  if (!placed.ok) throw new Error(placed.error);
  const p = await startPayment(placed.value.orderId, "QR");
  if (!p.ok) throw new Error(p.error);
  const order = await db().order.findUniqueOrThrow({ where: { id: placed.value.orderId }, include: { payments: true } });
  return {
    orderId: order.id,
    cart: shopper.cookies,
    cartToken: shopper.token,
    merchantRef: order.merchantOrderReference,
    pluralPaymentId: order.payments[0]!.pluralPaymentId!,
  };
}

/** A stream the caller may open (the test fails otherwise). */
async function opened(...args: Parameters<typeof openOrderStream>) {
  const r = await openOrderStream(...args);
  if (!r.ok) throw new Error(r.error);
  return r.value;
}

/** Reads Server-Sent Events off a stream: each `data:` line, parsed, as it arrives. */
function events(stream: ReadableStream<Uint8Array>) {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  return {
    async next(): Promise<{ status: string; payment: { status: string } | null } | "end"> {
      for (;;) {
        const sep = buffer.indexOf("\n\n");
        if (sep >= 0) {
          const block = buffer.slice(0, sep);
          buffer = buffer.slice(sep + 2);
          const data = block.split("\n").find((l) => l.startsWith("data: ") && !block.includes("event: ping"));
          if (data) return JSON.parse(data.slice(6));
          continue;
        }
        const { value, done } = await reader.read();
        if (done) return "end";
        buffer += decoder.decode(value, { stream: true });
      }
    },
    cancel: () => reader.cancel(),
  };
}

describe("live status by push (Server-Sent Events)", () => {
  it("sends the status at once, then a change as soon as it is applied, and ends when the order is decided", async () => {
    const o = await pendingOrder();
    noteWebhookArrived(); // webhooks arrive: the stream's own check with Plural is 30 s away, so only the push can be heard
    const abort = new AbortController();
    const stream = events(await opened(o.orderId, abort.signal, o.cart));
    expect(await stream.next()).toMatchObject({ status: "PENDING", payment: { status: "PENDING" } });

    // A webhook (or any writer) applies PROCESSED: the stream hears of it without waiting for its safety net.
    store.sandbox.approve(o.pluralPaymentId);
    store.sandbox.advance();
    const snapshot = orderResponse.parse(store.sandbox.orderViewByReference(o.merchantRef));
    const applied = Date.now();
    await applyStatus(pluralReport(o.orderId, snapshot, "webhook", "ORDER_PROCESSED", { externalId: `msg_${applied}`, payload: {}, authoritative: false }));
    expect(await stream.next()).toMatchObject({ status: "PROCESSED", payment: { status: "PROCESSED" } });
    expect(Date.now() - applied).toBeLessThan(10_000); // pushed: the safety net would have taken 30 s
    expect(await stream.next()).toBe("end");
  });

  it("stops its timers when the shopper leaves", async () => {
    const o = await pendingOrder();
    const abort = new AbortController();
    const stream = events(await opened(o.orderId, abort.signal, o.cart));
    expect(await stream.next()).toMatchObject({ status: "PENDING" });
    abort.abort();
    expect(await stream.next()).toBe("end");
  });

  it("the route answers 404 for an unknown order or another shopper, and an event stream to the shopper", async () => {
    const o = await pendingOrder();
    newRequest({ cart: o.cartToken });
    const missing = await eventsGet(new Request("http://store.test"), { params: Promise.resolve({ id: "nope" }) });
    expect(missing.status).toBe(404);
    newRequest({ cart: "someone-elses-cart" });
    expect((await eventsGet(new Request("http://store.test"), { params: Promise.resolve({ id: o.orderId }) })).status).toBe(404);
    newRequest({});
    expect((await eventsGet(new Request("http://store.test"), { params: Promise.resolve({ id: o.orderId }) })).status).toBe(404);
    newRequest({ cart: o.cartToken });
    const abort = new AbortController();
    const res = await eventsGet(new Request("http://store.test", { signal: abort.signal }), { params: Promise.resolve({ id: o.orderId }) });
    expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const stream = events(res.body!);
    expect(await stream.next()).toMatchObject({ status: "PENDING" });
    await stream.cancel();
  });
});

/**
 * Without limits, 40 streams from one shopper on one order would all open, each holding a socket, a
 * timer and a listener; one change would wake every listener of every order; a stream would live until
 * its order was decided.
 */
describe("event streams are bounded", () => {
  const route = (id: string, signal: AbortSignal, peer = "203.0.113.50") => {
    newRequest({ cart: tokens.get(id) }, { [PEER_HEADER]: peer });
    return eventsGet(new Request("http://store.test", { signal }), { params: Promise.resolve({ id }) });
  };
  const tokens = new Map<string, string>();
  const mine = async () => {
    const o = await pendingOrder();
    tokens.set(o.orderId, o.cartToken);
    return o;
  };
  beforeAll(() => markFrontDoorActive());
  afterAll(() => markFrontDoorActive(false));

  it("40 streams on one order: 3 open, the rest answered 429 (and open again once one closes)", async () => {
    const o = await mine();
    const abort = new AbortController();
    const answers = await Promise.all(Array.from({ length: 40 }, () => route(o.orderId, abort.signal)));
    expect(answers.filter((r) => r.status === 200)).toHaveLength(STREAMS.perOrder);
    const refused = answers.filter((r) => r.status === 429);
    expect(refused).toHaveLength(40 - STREAMS.perOrder);
    expect(await refused[0]!.json()).toEqual({ error: expect.stringMatching(/^Too many live updates are open here just now/) });
    expect(openStreamCount()).toBe(STREAMS.perOrder);
    abort.abort();
    await vi.waitFor(() => expect(openStreamCount()).toBe(0));
    const again = new AbortController();
    expect((await route(o.orderId, again.signal)).status).toBe(200);
    again.abort();
    await vi.waitFor(() => expect(openStreamCount()).toBe(0));
  });

  it("at most 10 per address (IPv6: per /64), and EVENT_STREAMS_MAX in all", async () => {
    const orders = [];
    for (let i = 0; i < 6; i++) orders.push(await mine());
    const abort = new AbortController();
    const fromOne = [];
    for (const o of orders) for (let i = 0; i < 2; i++) fromOne.push((await route(o.orderId, abort.signal, `2001:db8:9:9::${i + 1}`)).status);
    expect(fromOne.filter((s) => s === 200)).toHaveLength(STREAMS.perAddress);
    expect(fromOne.filter((s) => s === 429)).toHaveLength(12 - STREAMS.perAddress);
    expect((await route(orders[5]!.orderId, abort.signal, "203.0.113.51")).status).toBe(200); // another address

    process.env.EVENT_STREAMS_MAX = String(openStreamCount());
    resetEnvCache();
    try {
      expect((await route(orders[4]!.orderId, abort.signal, "203.0.113.52")).status).toBe(429);
    } finally {
      delete process.env.EVENT_STREAMS_MAX;
      resetEnvCache();
      abort.abort();
    }
    await vi.waitFor(() => expect(openStreamCount()).toBe(0));
  });

  it("a stream ends after the payment window, whatever the order does", async () => {
    const o = await mine();
    vi.useFakeTimers({ toFake: ["setTimeout", "setInterval", "clearTimeout", "clearInterval"] });
    try {
      const stream = events(await opened(o.orderId, new AbortController().signal, o.cart));
      expect(await stream.next()).toMatchObject({ status: "PENDING" });
      expect(openStreamCount()).toBe(1);
      await vi.advanceTimersByTimeAsync(STREAMS.lifetimeMs);
      expect(await stream.next()).toBe("end");
      expect(openStreamCount()).toBe(0);
      expect(STREAMS.lifetimeMs).toBeLessThanOrEqual(15 * 60_000);
    } finally {
      vi.useRealTimers();
    }
  });

  it("a change wakes only the watchers of its own order", () => {
    const heard: string[] = [];
    const subs = Array.from({ length: 1000 }, (_, i) => onOrderChange(`order-${i % 500}`, () => heard.push(`order-${i % 500}`)));
    expect(watcherCount()).toEqual({ orders: 500, watchers: 1000 });
    wake("order-7");
    expect(heard).toEqual(["order-7", "order-7"]);
    for (const s of subs) s.unsubscribe();
    expect(watcherCount()).toEqual({ orders: 0, watchers: 0 });
  });
});

import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { db } from "@/lib/db";
import type { Sandbox } from "@/lib/sandbox/engine";
import { startTestStore } from "@/lib/testing/store";
import { GET as eventsGet } from "@/app/api/orders/[id]/events/route";
import { applyStatus, newCheckoutKey, noteWebhookArrived, orderStatusStream, setQuantity, startPayment } from "./index";
import { testCart } from "@/lib/testing/cart";
import { orderResponse } from "@/lib/plural/schemas";
import { newRequest } from "@/lib/testing/next-request";

vi.mock("next/headers", () => import("@/lib/testing/next-request").then((m) => m.nextHeadersModule));

let server: Awaited<ReturnType<typeof startTestStore>>;
let sb: Sandbox;
beforeAll(async () => {
  server = await startTestStore();
  sb = server.sandbox;
  sb.updateSettings({ webhook: { enabled: false } });
});
afterAll(async () => {
  await server.close();
});

async function pendingOrder() {
  const shopper = await testCart();
  const chai = await db().product.findUniqueOrThrow({ where: { slug: "chai" } });
  await setQuantity(shopper.id, chai.id, 1);
  const placed = await shopper.place(
    {
      name: "Asha Verma",
      email: "asha@example.com",
      mobile: "9876543210",
      billing: { address1: "12 MG Road", city: "Bengaluru", state: "Karnataka", pincode: "560001" },
      sameAsBilling: true,
    },
    newCheckoutKey(),
  );
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
    const stream = events((await orderStatusStream(o.orderId, abort.signal, o.cart))!);
    expect(await stream.next()).toMatchObject({ status: "PENDING", payment: { status: "PENDING" } });

    // A webhook (or any writer) applies PROCESSED: the stream hears of it without waiting for its safety net.
    sb.approve(o.pluralPaymentId);
    sb.advance();
    const snapshot = orderResponse.parse(sb.orderViewByReference(o.merchantRef));
    const applied = Date.now();
    await applyStatus({
      orderId: o.orderId,
      snapshot,
      source: "webhook",
      type: "ORDER_PROCESSED",
      externalId: `msg_${applied}`,
      verified: true,
      payload: {},
      authoritative: false,
    });
    expect(await stream.next()).toMatchObject({ status: "PROCESSED", payment: { status: "PROCESSED" } });
    expect(Date.now() - applied).toBeLessThan(10_000); // pushed: the safety net would have taken 30 s
    expect(await stream.next()).toBe("end");
  });

  it("stops its timers when the shopper leaves", async () => {
    const o = await pendingOrder();
    const abort = new AbortController();
    const stream = events((await orderStatusStream(o.orderId, abort.signal, o.cart))!);
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

/**
 * A request id found in a log line leads to the order's timeline entry, and the timeline entry
 * leads back to every log line of that request (its calls to Plural included).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { setLogDestination } from "@/lib/log";
import { signCallback } from "@/lib/plural/signature";
import { TEST_CREDENTIALS } from "@/lib/testing/sandbox";
import { startTestStore } from "@/lib/testing/store";
import { POST as returnPost } from "@/app/api/plural/return/route";
import { eventsByRequestId, newCheckoutKey, orderSearch, setQuantity, startPayment } from "@/lib/orders";
import { testCart } from "@/lib/testing/cart";
import { TEST_FORM } from "@/lib/testing/checkout";

let server: Awaited<ReturnType<typeof startTestStore>>;
const lines: Array<Record<string, unknown>> = [];
let level: string | undefined;

beforeAll(async () => {
  server = await startTestStore();
  server.sandbox.updateSettings({ webhook: { enabled: false } });
  level = process.env.LOG_LEVEL;
  process.env.LOG_LEVEL = "info";
  setLogDestination({ write: (s: string) => void lines.push(JSON.parse(s)) });
});
afterAll(async () => {
  setLogDestination(undefined);
  process.env.LOG_LEVEL = level;
  await server.close();
});

const form = TEST_FORM;

describe("request ids", () => {
  it("lead from a log line to the timeline entry, and from the timeline back to the log lines", async () => {
    const cart = await testCart();
    const chai = await db().product.findUniqueOrThrow({ where: { slug: "chai" } });
    await setQuantity(cart.id, chai.id, 1);
    const placed = await cart.place(form, newCheckoutKey());
    if (!placed.ok) throw new Error(placed.error);
    const started = await startPayment(placed.value.orderId, "QR");
    if (!started.ok) throw new Error(started.error);
    const payment = await db().payment.findUniqueOrThrow({ where: { id: started.value.id } });
    const order = await db().order.findUniqueOrThrow({ where: { id: placed.value.orderId } });
    server.sandbox.approve(payment.pluralPaymentId!);

    // The shopper's browser comes back; a proxy in front gave the request an id.
    const fields = { order_id: order.pluralOrderId!, status: "PROCESSED" };
    const incoming = "edge-7f3c9a2b41d04e8f";
    lines.length = 0;
    const res = await returnPost(
      new Request("http://store.test/api/plural/return", {
        method: "POST",
        headers: { "x-request-id": incoming },
        body: new URLSearchParams({ ...fields, signature: signCallback(fields, TEST_CREDENTIALS.clientSecret) }),
      }),
    );
    expect(res.status).toBe(303);
    expect(res.headers.get("x-request-id")).toBe(incoming);

    // Every line that request wrote carries its id, the call to Plural (Get Order) included.
    const call = lines.find((l) => l.msg === "plural.request" && l.op === "getOrder");
    expect(call?.requestId).toBe(incoming);
    expect(call?.pluralRequestId).toMatch(/^[0-9a-f-]{36}$/);

    // From the log line to the order: the console's search, and the timeline entries it wrote.
    const fromLog = call!.requestId as string;
    const found = await db().order.findMany({ where: orderSearch(fromLog) });
    expect(found.map((o) => o.id)).toEqual([order.id]);
    const entries = await eventsByRequestId(fromLog);
    expect(entries.map((e) => [e.order?.id, e.source, e.type, e.statusTo])).toEqual([
      [order.id, "return", "RETURN_PROCESSED", "PENDING"],
      [order.id, "return", "GET_ORDER_AFTER_RETURN", "PROCESSED"],
    ]);

    // And back: the entry's id finds every line of that request, and no line of another.
    const timeline = await db().orderEvent.findMany({ where: { orderId: order.id }, orderBy: { createdAt: "asc" } });
    const processed = timeline.find((e) => e.statusTo === "PROCESSED")!;
    expect(processed.requestId).toBe(incoming);
    const story = lines.filter((l) => l.requestId === processed.requestId);
    expect(story.length).toBeGreaterThan(0);
    expect(story).toContain(call);
    // Earlier entries (checkout, payment) were written by other work, under other ids or none.
    expect(timeline.filter((e) => e.requestId === incoming).length).toBe(entries.length);
  });
});

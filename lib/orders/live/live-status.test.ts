import { describe, expect, it, vi } from "vitest";
import { db } from "@/lib/db";
import { testStoreForFile } from "@/lib/testing/store-for-file";
import { newRequest } from "@/lib/testing/next-request";
import { cartWith, orderWithQr, TEST_FORM } from "@/lib/testing/checkout";
import { GET as statusGet } from "@/app/api/orders/[id]/status/route";
import { newCheckoutKey, syncOrder } from "@/lib/orders";
import { CONFIRM_INTERVAL_MS } from "./live-status";

vi.mock("next/headers", () => import("@/lib/testing/next-request").then((m) => m.nextHeadersModule));

/** Drops the process's memory of recent webhooks, so the next status poll reads it from the database. */
const forgetWebhooks = () => delete (globalThis as { webhooksSeen?: unknown }).webhooksSeen;

const store = testStoreForFile({ webhooks: false });

const form = TEST_FORM;
/** The cart cookie of the browser that placed each order (by order id). */
const cartTokens = new Map<string, string>();

async function paidOrder() {
  const made = await orderWithQr();
  cartTokens.set(made.order.id, made.cart.token);
  return made;
}

describe("status route", () => {
  it("reconciles a stale open order with Get Order", async () => {
    const { order, payment } = await paidOrder();
    store.sandbox.approve((await db().payment.findUniqueOrThrow({ where: { id: payment.id } })).pluralPaymentId!);
    await db().order.update({ where: { id: order.id }, data: { lastSyncedAt: new Date(Date.now() - 60_000) } });
    newRequest({ cart: cartTokens.get(order.id) }); // the shopper's browser
    const res = await statusGet(new Request("http://store.test"), { params: Promise.resolve({ id: order.id }) });
    expect(await res.json()).toMatchObject({ status: "PROCESSED", payment: { status: "PROCESSED" } });
    const missing = await statusGet(new Request("http://store.test"), { params: Promise.resolve({ id: "nope" }) });
    expect(missing.status).toBe(404);
  });

  const poll = async (id: string) => {
    newRequest({ cart: cartTokens.get(id) }); // the shopper's browser
    return statusGet(new Request("http://store.test"), { params: Promise.resolve({ id }) });
  };
  const getOrders = (pluralOrderId: string) => store.server.count("GET", new RegExp(`/orders/${pluralOrderId}$`));
  const synced = (id: string, msAgo: number) => db().order.update({ where: { id }, data: { lastSyncedAt: new Date(Date.now() - msAgo) } });

  it("50 pollers of one stale order cause one Get Order; the rest answer from the database", async () => {
    forgetWebhooks();
    const { order } = await paidOrder();
    await synced(order.id, 60_000);
    const before = getOrders(order.pluralOrderId!);
    const answers = await Promise.all(Array.from({ length: 50 }, () => poll(order.id)));
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect(getOrders(order.pluralOrderId!) - before).toBe(1);
  });

  it("asks Plural every few seconds without webhooks, and only every 30 s while webhooks arrive", async () => {
    // No webhook for a long time (other tests in this file applied some: this one starts from none).
    (globalThis as { webhooksSeen?: unknown }).webhooksSeen = { checkedAt: Date.now() + 60_000, lastAt: 0 }; // trusted for the next minute
    const { order } = await paidOrder();
    const id = order.pluralOrderId!;
    let calls = getOrders(id);
    await synced(order.id, CONFIRM_INTERVAL_MS.noWebhooks - 1_000);
    await poll(order.id);
    expect(getOrders(id)).toBe(calls); // confirmed recently
    await synced(order.id, CONFIRM_INTERVAL_MS.noWebhooks + 1_000);
    await poll(order.id);
    expect(getOrders(id)).toBe(++calls);

    // A verified webhook arrived (for any order): Plural is telling us about changes.
    await db().orderEvent.create({ data: { source: "webhook", type: "ORDER_PROCESSED", verified: true, payload: "{}" } });
    forgetWebhooks();
    await synced(order.id, CONFIRM_INTERVAL_MS.webhooksArriving - 5_000);
    await poll(order.id);
    expect(getOrders(id)).toBe(calls);
    await synced(order.id, CONFIRM_INTERVAL_MS.webhooksArriving + 1_000);
    await poll(order.id);
    expect(getOrders(id)).toBe(++calls);
    forgetWebhooks();
  });

  it("answers a paid order from the database without asking Plural", async () => {
    const { order, payment } = await paidOrder();
    store.sandbox.approve((await db().payment.findUniqueOrThrow({ where: { id: payment.id } })).pluralPaymentId!);
    await syncOrder(order.id);
    const calls = getOrders(order.pluralOrderId!);
    await synced(order.id, 3_600_000);
    expect(await (await poll(order.id)).json()).toMatchObject({ status: "PROCESSED", payment: { status: "PROCESSED" } });
    expect(getOrders(order.pluralOrderId!)).toBe(calls);
  });

  it("sync finds an order whose create-order answer was lost, by merchant reference", async () => {
    const cart = await cartWith();
    const key = newCheckoutKey();
    store.sandbox.addFault({ endpoint: "createOrder", kind: "status", status: 504, phase: "after" });
    const r = await cart.place(form, key);
    store.sandbox.clearFaults();
    expect(r.ok).toBe(false);
    const order = await db().order.findUniqueOrThrow({ where: { merchantOrderReference: key } });
    expect(order.pluralOrderId).toBeNull();
    const synced = await syncOrder(order.id);
    expect(synced.ok).toBe(true);
    expect((await db().order.findUniqueOrThrow({ where: { id: order.id } })).pluralOrderId).toBe(store.sandbox.orderByReference(key).order_id);
  });
});

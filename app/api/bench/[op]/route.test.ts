import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { resetEnvCache } from "@/lib/env";
import type { Sandbox } from "@/lib/sandbox/engine";
import { createCart, setQuantity } from "@/lib/orders";
import { cartTokenHash } from "@/lib/orders/cart/cart";
import { testingOnPostgres } from "@/lib/testing/db";
import { startTestStore } from "@/lib/testing/store";
import { GET, POST } from "./route";

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
afterEach(() => {
  delete process.env.BENCH_ROUTES;
  resetEnvCache();
});

const call = (method: "GET" | "POST", op: string, init: { query?: string; body?: string; headers?: Record<string, string> } = {}) =>
  (method === "GET" ? GET : POST)(new Request(`http://store.test/api/bench/${op}${init.query ?? ""}`, { method, body: init.body, headers: init.headers }), {
    params: Promise.resolve({ op }),
  });

describe("bare baseline routes", () => {
  it("do not exist unless the server runs with BENCH_ROUTES=1", async () => {
    for (const op of ["status", "webhook-dup", "webhook-fresh", "place-order", "start-payment", "memory"]) {
      expect((await call("POST", op)).status).toBe(404);
    }
    expect(await db().order.count()).toBe(0);
  });

  it("do the database work of a checkout, a payment, the status route and webhooks", async () => {
    process.env.BENCH_ROUTES = "1";
    resetEnvCache();
    expect((await call("GET", "place-order")).status).toBe(405);
    const cart = await createCart();
    const chai = await db().product.findUniqueOrThrow({ where: { slug: "chai" } });
    await setQuantity(cart.id, chai.id, 2);

    const placed = await call("POST", "place-order", { headers: { cookie: `cart=${cart.token}` } });
    expect(placed.status).toBe(200);
    const { orderId, ref } = (await placed.json()) as { orderId: string; ref: string };
    const order = await db().order.findUniqueOrThrow({ where: { id: orderId }, include: { items: true, events: true } });
    expect(order).toMatchObject({ merchantOrderReference: ref, amountInPaise: 69800, status: "CREATED" });
    expect(order.items).toHaveLength(1);
    expect(order.events.map((e) => e.type)).toEqual(["ORDER_PLACED", "BENCH"]);
    expect(sb.orderByReference(ref).order_id).toBe(order.pluralOrderId);

    const started = await call("POST", "start-payment", { body: JSON.stringify({ orderId }), headers: { "content-type": "application/json" } });
    expect(started.status).toBe(200);
    const payment = await db().payment.findFirstOrThrow({ where: { orderId } });
    expect(payment.pluralPaymentId).toBeTruthy();
    expect((await db().order.findUniqueOrThrow({ where: { id: orderId } })).status).toBe("PENDING");

    const status = await call("GET", "status", { query: `?id=${orderId}` });
    expect(await status.json()).toEqual({ status: "PENDING", payment: { id: payment.id, status: "PENDING", errorCode: null } });
    expect((await call("GET", "status", { query: "?id=nope" })).status).toBe(404);

    const { order: paid } = sb.approve(payment.pluralPaymentId!);
    const body = JSON.stringify({ event_type: "ORDER_PROCESSED", data: sb.orderJson(paid, { webhook: true }) });
    const fresh = await call("POST", "webhook-fresh", { body, headers: { "webhook-id": "msg_bench_1" } });
    expect(fresh.status).toBe(200);
    expect(await db().order.findUniqueOrThrow({ where: { id: orderId }, select: { status: true } })).toEqual({ status: "PROCESSED" });
    expect(await db().payment.findUniqueOrThrow({ where: { id: payment.id }, select: { status: true } })).toEqual({ status: "PROCESSED" });
    expect(await db().orderEvent.count({ where: { orderId, externalId: "msg_bench_1" } })).toBe(1);

    const dup = await call("POST", "webhook-dup", { body, headers: { "webhook-id": "msg_bench_1" } });
    expect(await dup.json()).toEqual({ ok: true, duplicate: true });
    const unseen = await call("POST", "webhook-dup", { body, headers: { "webhook-id": "msg_bench_2" } });
    expect(await unseen.json()).toEqual({ ok: true, duplicate: false });
  });

  it.skipIf(testingOnPostgres())("raw-SQL twins: the same work through better-sqlite3, rows Prisma reads back as its own", async () => {
    process.env.BENCH_ROUTES = "1";
    const { id: cartId, token } = await createCart();
    const diya = await db().product.findUniqueOrThrow({ where: { slug: "diya" } });
    await setQuantity(cartId, diya.id, 3);

    const placed = await call("POST", "raw-place-order", { headers: { cookie: `cart=${token}` } });
    expect(placed.status).toBe(200);
    const { orderId, ref } = (await placed.json()) as { orderId: string; ref: string };
    const order = await db().order.findUniqueOrThrow({ where: { id: orderId }, include: { items: true, events: true } });
    expect(order).toMatchObject({ merchantOrderReference: ref, amountInPaise: 269700, status: "CREATED", cartId });
    expect(order.createdAt).toBeInstanceOf(Date);
    expect(order.items).toMatchObject([{ productId: diya.id, quantity: 3, unitPriceInPaise: 89900 }]);
    expect(order.events.map((e) => e.type).sort()).toEqual(["BENCH", "ORDER_PLACED"]);
    // The cart's token rotated, as checkout's does: the order is the new token's, the old one opens nothing.
    const cart = await db().cart.findUniqueOrThrow({ where: { id: cartId } });
    expect(cart.tokenHash).not.toBe(cartTokenHash(token));
    expect(order.ownerHash).toBe(cart.tokenHash);
    // …and the shopper is handed the new token, as checkout does: our own routes take it as the owner's.
    const handed = /^cart=([^;]+)/.exec(placed.headers.get("set-cookie") ?? "")?.[1];
    expect(handed && cartTokenHash(handed)).toBe(cart.tokenHash);
    expect(sb.orderByReference(ref).order_id).toBe(order.pluralOrderId);
    expect((await call("POST", "raw-place-order", { headers: { cookie: "cart=none" } })).status).toBe(400);

    const started = await call("POST", "raw-start-payment", { body: JSON.stringify({ orderId }), headers: { "content-type": "application/json" } });
    expect(started.status).toBe(200);
    const payment = await db().payment.findFirstOrThrow({ where: { orderId } });
    expect(payment).toMatchObject({ upiMode: "QR", status: "PENDING", amountInPaise: 269700 });
    expect(payment.pluralPaymentId).toBeTruthy();
    expect((await db().order.findUniqueOrThrow({ where: { id: orderId } })).status).toBe("PENDING");

    const status = await call("GET", "raw-status", { query: `?id=${orderId}` });
    expect(await status.json()).toEqual({ status: "PENDING", payment: { id: payment.id, status: "PENDING", errorCode: null } });
    expect((await call("GET", "raw-status", { query: "?id=nope" })).status).toBe(404);

    const { order: paid } = sb.approve(payment.pluralPaymentId!);
    const body = JSON.stringify({ event_type: "ORDER_PROCESSED", data: sb.orderJson(paid, { webhook: true }) });
    expect((await call("POST", "raw-webhook-fresh", { body, headers: { "webhook-id": "msg_raw_1" } })).status).toBe(200);
    expect(await db().order.findUniqueOrThrow({ where: { id: orderId }, select: { status: true } })).toEqual({ status: "PROCESSED" });
    expect(await db().payment.findUniqueOrThrow({ where: { id: payment.id }, select: { status: true } })).toEqual({ status: "PROCESSED" });
    expect(await db().cartItem.count({ where: { cartId } })).toBe(0); // what was bought left the cart
    expect(await (await call("POST", "raw-webhook-fresh", { body, headers: { "webhook-id": "msg_raw_1" } })).json()).toEqual({ ok: true, duplicate: true });
    expect(await (await call("POST", "raw-webhook-dup", { body, headers: { "webhook-id": "msg_raw_1" } })).json()).toEqual({ ok: true, duplicate: true });
    expect(await (await call("POST", "raw-webhook-dup", { body, headers: { "webhook-id": "msg_raw_2" } })).json()).toEqual({ ok: true, duplicate: false });
  });
});

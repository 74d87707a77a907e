import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { db } from "@/lib/db";
import { signCallback } from "@/lib/plural/signature";
import type { Sandbox } from "@/lib/sandbox/engine";
import { TEST_CREDENTIALS } from "@/lib/testing/sandbox";
import { startTestStore } from "@/lib/testing/store";
import { GET as returnGet, POST as returnPost } from "@/app/api/plural/return/route";
import { GET as statusGet } from "@/app/api/orders/[id]/status/route";
import { newRequest } from "@/lib/testing/next-request";
import { testCart } from "@/lib/testing/cart";
import { applyStatus, newCheckoutKey, payPageView, setQuantity, startPayment, syncOrder } from "@/lib/orders";
import { CONFIRM_INTERVAL_MS } from "./live/live-status";
import { PAYMENT_WINDOW_MS } from "./payments/start-payment";

vi.mock("next/headers", () => import("@/lib/testing/next-request").then((m) => m.nextHeadersModule));

let server: Awaited<ReturnType<typeof startTestStore>>;
/** Drops the process's memory of recent webhooks, so the next status poll reads it from the database. */
const forgetWebhooks = () => delete (globalThis as { webhooksSeen?: unknown }).webhooksSeen;
let sb: Sandbox;
beforeAll(async () => {
  server = await startTestStore();
  sb = server.sandbox;
  sb.updateSettings({ webhook: { enabled: false } });
});
afterAll(async () => {
  await server.close();
});

const form = {
  name: "Asha Verma",
  email: "asha@example.com",
  mobile: "9876543210",
  billing: { address1: "12 MG Road", city: "Bengaluru", state: "Karnataka", pincode: "560001" },
  sameAsBilling: true,
};

async function cartWith(quantity = 2) {
  const cart = await testCart();
  const chai = await db().product.findUniqueOrThrow({ where: { slug: "chai" } });
  await setQuantity(cart.id, chai.id, quantity);
  return cart;
}

/** The cart cookie of the browser that placed each order (by order id). */
const cartTokens = new Map<string, string>();

async function paidOrder() {
  const cart = await cartWith();
  const placed = await cart.place(form, newCheckoutKey());
  if (!placed.ok) throw new Error(placed.error);
  cartTokens.set(placed.value.orderId, cart.token);
  const p = await startPayment(placed.value.orderId, "QR");
  if (!p.ok) throw new Error(p.error);
  const order = await db().order.findUniqueOrThrow({ where: { id: placed.value.orderId }, include: { payments: true } });
  return { order, payment: p.value };
}

describe("placing an order", () => {
  it("takes the amount from the database and creates one Plural order per checkout key", async () => {
    const cart = await cartWith(3);
    const key = newCheckoutKey();
    const [a, b] = await Promise.all([cart.place(form, key), cart.place(form, key)]);
    expect(a.ok && b.ok).toBe(true);
    if (!a.ok || !b.ok) return;
    expect(a.value.orderId).toBe(b.value.orderId);
    const order = await db().order.findUniqueOrThrow({ where: { id: a.value.orderId }, include: { items: true } });
    expect(order.amountInPaise).toBe(3 * 34900);
    expect(order.status).toBe("CREATED");
    expect(sb.orderList().filter((o) => o.merchant_order_reference === key)).toHaveLength(1);
    expect(sb.orderByReference(key).callback_url).toBe("http://store.test/api/plural/return");
  });

  it("keeps the order when Plural is down, and a retry with the same key finishes it", async () => {
    const cart = await cartWith();
    const key = newCheckoutKey();
    sb.addFault({ endpoint: "createOrder", kind: "status", status: 500 });
    const failed = await cart.place(form, key);
    expect(failed).toMatchObject({ ok: false, error: expect.stringContaining("Your order is saved") });
    const saved = await db().order.findUniqueOrThrow({ where: { merchantOrderReference: key } });
    expect(saved.pluralOrderId).toBeNull();
    sb.clearFaults();
    const retried = await cart.place(form, key);
    expect(retried.ok && retried.value.orderId).toBe(saved.id);
    expect((await db().order.findUniqueOrThrow({ where: { id: saved.id } })).pluralOrderId).toMatch(/^v1-/);
  });

  it("refuses an empty cart and a forged checkout key", async () => {
    expect(await (await testCart()).place(form, newCheckoutKey())).toMatchObject({ ok: false, error: "Your cart is empty." });
    expect(await (await cartWith()).place(form, "ord_<script>")).toMatchObject({ ok: false });
  });
});

describe("starting a payment", () => {
  it("a double click starts one payment, and QR is reused until it is replaced by collect", async () => {
    const placed = await (await cartWith()).place(form, newCheckoutKey());
    if (!placed.ok) throw new Error(placed.error);
    const id = placed.value.orderId;
    const [a, b] = await Promise.all([startPayment(id, "QR"), startPayment(id, "QR")]);
    expect(a.ok && b.ok).toBe(true);
    const again = await startPayment(id, "QR");
    expect(again.ok && again.value.id).toBe(a.ok && a.value.id);
    const ref = (await db().order.findUniqueOrThrow({ where: { id } })).merchantOrderReference;
    sb.advance();
    const plural = sb.orderByReference(ref);
    expect(plural.payments).toHaveLength(1);
    expect(await startPayment(id, "COLLECT", "not a vpa")).toMatchObject({ ok: false });
    const collect = await startPayment(id, "COLLECT", "Asha@OKAXIS");
    expect(collect.ok && collect.value.payerVpa).toBe("asha@okaxis");
    sb.advance();
    expect(sb.orderByReference(ref).payments.map((p) => p.status)).toEqual(["CANCELLED", "PENDING"]);
    const rows = await db().payment.findMany({ where: { orderId: id }, orderBy: { createdAt: "asc" } });
    expect(rows.map((r) => [r.upiMode, r.status])).toEqual([
      ["QR", "CANCELLED"],
      ["COLLECT", "PENDING"],
    ]);
  });

  it("creates the Plural order that checkout could not, when the shopper starts paying (not when the page loads)", async () => {
    const key = newCheckoutKey();
    sb.addFault({ endpoint: "createOrder", kind: "status", status: 500 });
    const failed = await (await cartWith()).place(form, key);
    sb.clearFaults();
    expect(failed.ok).toBe(false);
    const saved = await db().order.findUniqueOrThrow({ where: { merchantOrderReference: key } });
    // Reading the pay page's view writes nothing.
    const view = await payPageView(saved.id);
    expect(view).toMatchObject({ payment: null, lastExpired: null, order: { id: saved.id, pluralOrderId: null } });
    expect((await db().order.findUniqueOrThrow({ where: { id: saved.id } })).pluralOrderId).toBeNull();
    const started = await startPayment(saved.id, "QR");
    expect(started.ok && started.value.mode).toBe("QR");
    expect((await db().order.findUniqueOrThrow({ where: { id: saved.id } })).pluralOrderId).toMatch(/^v1-/);
    expect(sb.orderList().filter((o) => o.merchant_order_reference === key)).toHaveLength(1);
  });

  it("the pay page says the last QR expired (before and after Plural says so), and a new one is a new payment", async () => {
    const placed = await (await cartWith()).place(form, newCheckoutKey());
    if (!placed.ok) throw new Error(placed.error);
    const id = placed.value.orderId;
    const first = await startPayment(id, "QR");
    if (!first.ok) throw new Error(first.error);
    expect(await payPageView(id)).toMatchObject({ payment: { id: first.value.id }, lastExpired: null });
    // Our window has passed, with no word from Plural yet.
    const row = await db().payment.findUniqueOrThrow({ where: { id: first.value.id } });
    await db().payment.update({ where: { id: row.id }, data: { createdAt: new Date(row.createdAt.getTime() - PAYMENT_WINDOW_MS - 1000) } });
    expect(await payPageView(id)).toMatchObject({ payment: null, lastExpired: "QR" });
    // Plural says PAYMENT_EXPIRED.
    sb.expire(row.pluralPaymentId!);
    await syncOrder(id, "sync", "GET_ORDER");
    const after = await db().payment.findUniqueOrThrow({ where: { id: row.id } });
    expect(after).toMatchObject({ status: "FAILED", errorCode: "PAYMENT_EXPIRED" });
    expect(await payPageView(id)).toMatchObject({ payment: null, lastExpired: "QR", order: { status: "ATTEMPTED" } });
    const second = await startPayment(id, "QR");
    expect(second.ok && second.value.id).not.toBe(first.value.id);
    expect(await payPageView(id)).toMatchObject({ payment: { id: second.ok ? second.value.id : "" }, lastExpired: null });
  });

  it("an unknown UPI ID gets a plain answer", async () => {
    const placed = await (await cartWith()).place(form, newCheckoutKey());
    if (!placed.ok) throw new Error(placed.error);
    expect(await startPayment(placed.value.orderId, "COLLECT", "invalid@sandbox")).toEqual({
      ok: false,
      error: "That UPI ID does not exist. Check it and try again.",
    });
  });
});

describe("applyStatus", () => {
  it("a confirmed payment takes from the cart what the order bought, and leaves what was added since", async () => {
    const { order, payment } = await paidOrder(); // 2 × chai
    const [chai, diya] = await Promise.all(["chai", "diya"].map((slug) => db().product.findUniqueOrThrow({ where: { slug } })));
    await setQuantity(order.cartId!, chai!.id, 3); // the shopper kept shopping before the payment was confirmed
    await setQuantity(order.cartId!, diya!.id, 1);
    sb.approve((await db().payment.findUniqueOrThrow({ where: { id: payment.id } })).pluralPaymentId!);
    await syncOrder(order.id);
    const left = await db().cartItem.findMany({ where: { cartId: order.cartId! }, select: { productId: true, quantity: true } });
    expect(left.sort((a, b) => a.productId.localeCompare(b.productId))).toEqual(
      [
        { productId: chai!.id, quantity: 1 },
        { productId: diya!.id, quantity: 1 },
      ].sort((a, b) => a.productId.localeCompare(b.productId)),
    );
  });

  it("a confirmed payment empties a cart that holds just what the order bought, and leaves other shoppers' carts alone", async () => {
    const { order, payment } = await paidOrder(); // 2 × chai
    const other = await cartWith(2); // another shopper's cart with the same product
    sb.approve((await db().payment.findUniqueOrThrow({ where: { id: payment.id } })).pluralPaymentId!);
    await syncOrder(order.id);
    expect(await db().cartItem.count({ where: { cartId: order.cartId! } })).toBe(0);
    expect(await db().cartItem.findMany({ where: { cartId: other.id }, select: { quantity: true } })).toEqual([{ quantity: 2 }]);
  });

  it("is monotonic: a stale failure never downgrades a paid order", async () => {
    const { order, payment } = await paidOrder();
    const pluralPaymentId = (await db().payment.findUniqueOrThrow({ where: { id: payment.id } })).pluralPaymentId!;
    sb.approve(pluralPaymentId);
    const paid = (sb.advance(), sb.orderJson(order.pluralOrderId!)) as never;
    const { orderResponse } = await import("@/lib/plural/schemas");
    const snapshot = orderResponse.parse(paid);
    expect(
      await applyStatus({
        orderId: order.id,
        snapshot,
        source: "webhook",
        type: "ORDER_PROCESSED",
        externalId: `msg_${order.id}_1`,
        verified: true,
        payload: {},
        authoritative: false,
      }),
    ).toMatchObject({ outcome: "applied", to: "PROCESSED" });
    const stale = { ...snapshot, status: "ATTEMPTED", updated_at: "2020-01-01T00:00:00.000Z" };
    expect(
      await applyStatus({
        orderId: order.id,
        snapshot: stale,
        source: "webhook",
        type: "PAYMENT_FAILED",
        externalId: `msg_${order.id}_2`,
        verified: true,
        payload: {},
        authoritative: false,
      }),
    ).toMatchObject({ outcome: "ignored", to: "PROCESSED" });
    expect((await db().order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe("PROCESSED");
  });

  it("records a repeated message once, even when both arrive at the same time", async () => {
    const { order } = await paidOrder();
    const { orderResponse } = await import("@/lib/plural/schemas");
    const snapshot = orderResponse.parse((sb.advance(), sb.orderJson(order.pluralOrderId!)));
    const input = {
      orderId: order.id,
      snapshot,
      source: "webhook" as const,
      type: "X",
      externalId: `msg_dup_${order.id}`,
      verified: true,
      payload: {},
      authoritative: false,
    };
    const results = await Promise.all([applyStatus(input), applyStatus(input), applyStatus(input)]);
    expect(results.filter((r) => r.outcome === "duplicate")).toHaveLength(2);
    expect(await db().orderEvent.count({ where: { externalId: input.externalId } })).toBe(1);
  });

  it("rejects a snapshot whose amount is not the order's", async () => {
    const { order } = await paidOrder();
    const { orderResponse } = await import("@/lib/plural/schemas");
    const snapshot = orderResponse.parse({
      ...(sb.advance(), sb.orderJson(order.pluralOrderId!)),
      status: "PROCESSED",
      order_amount: { value: 100, currency: "INR" },
    });
    expect(
      await applyStatus({ orderId: order.id, snapshot, source: "webhook", type: "ORDER_PROCESSED", verified: true, payload: {}, authoritative: false }),
    ).toEqual({ outcome: "rejected", reason: "amount mismatch" });
    expect((await db().order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe("PENDING");
  });
});

describe("return route", () => {
  const post = (fields: Record<string, string>) =>
    returnPost(new Request("http://store.test/api/plural/return", { method: "POST", body: new URLSearchParams(fields) }));

  it("verifies, records, confirms with Get Order and redirects to the result page", async () => {
    const { order, payment } = await paidOrder();
    sb.approve((await db().payment.findUniqueOrThrow({ where: { id: payment.id } })).pluralPaymentId!);
    const fields = { order_id: order.pluralOrderId!, status: "PROCESSED" };
    const res = await post({ ...fields, signature: signCallback(fields, TEST_CREDENTIALS.clientSecret) });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(`/orders/${order.id}`);
    expect((await db().order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe("PROCESSED");
    const again = await post({ ...fields, signature: signCallback(fields, TEST_CREDENTIALS.clientSecret).toLowerCase() });
    expect(again.status).toBe(303);
    const events = await db().orderEvent.findMany({ where: { orderId: order.id, source: "return" } });
    expect(events.filter((e) => e.type === "RETURN_PROCESSED")).toHaveLength(1);
    expect(events.every((e) => e.verified)).toBe(true);
    expect(events.some((e) => e.payload.includes("signature"))).toBe(false);
  });

  it("a replayed return writes nothing and asks Plural nothing", async () => {
    const { order, payment } = await paidOrder();
    sb.approve((await db().payment.findUniqueOrThrow({ where: { id: payment.id } })).pluralPaymentId!);
    const fields = { order_id: order.pluralOrderId!, status: "PROCESSED" };
    const signed = { ...fields, signature: signCallback(fields, TEST_CREDENTIALS.clientSecret) };
    const calls = server.count("GET", new RegExp(`/orders/${order.pluralOrderId}$`));
    expect((await post(signed)).status).toBe(303);
    const events = await db().orderEvent.count({ where: { orderId: order.id } });
    const results = await Promise.all(Array.from({ length: 100 }, () => post(signed)));
    expect(results.every((r) => r.status === 303 && r.headers.get("location") === `/orders/${order.id}`)).toBe(true);
    expect(await db().orderEvent.count({ where: { orderId: order.id } })).toBe(events);
    expect(server.count("GET", new RegExp(`/orders/${order.pluralOrderId}$`)) - calls).toBe(1);
  });

  it("never trusts the status in the callback: Get Order decides", async () => {
    const { order } = await paidOrder();
    const fields = { order_id: order.pluralOrderId!, status: "PROCESSED" };
    const res = await post({ ...fields, signature: signCallback(fields, TEST_CREDENTIALS.clientSecret) });
    expect(res.status).toBe(303);
    expect((await db().order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe("PENDING");
  });

  it("rejects a tampered, unsigned or foreign callback with 400 and writes nothing", async () => {
    const { order } = await paidOrder();
    const before = await db().orderEvent.count();
    const fields = { order_id: order.pluralOrderId!, status: "FAILED", error_code: "PAYMENT_DECLINED", error_message: "Declined" };
    const signature = signCallback(fields, TEST_CREDENTIALS.clientSecret);
    for (const bad of [
      { ...fields, status: "PROCESSED", signature },
      { ...fields, error_message: "Declined!", signature },
      { ...fields, extra: "1", signature },
      { ...fields },
      { ...fields, signature: "zz" },
      { ...fields, signature: signCallback(fields, "00112233") },
    ]) {
      const res = await post(bad as Record<string, string>);
      expect(res.status).toBe(400);
      expect(await res.text()).not.toContain(TEST_CREDENTIALS.clientSecret);
    }
    expect(await db().orderEvent.count()).toBe(before);
    const signedGet = await returnGet(new Request(`http://store.test/api/plural/return?${new URLSearchParams({ ...fields, signature })}`));
    expect(signedGet.status).toBe(303);
  });

  it("answers 404 for a validly signed callback about an unknown order", async () => {
    const fields = { order_id: "v1-000000000000-aa-NOPE00", status: "PROCESSED" };
    expect((await post({ ...fields, signature: signCallback(fields, TEST_CREDENTIALS.clientSecret) })).status).toBe(404);
  });
});

describe("status route", () => {
  it("reconciles a stale open order with Get Order", async () => {
    const { order, payment } = await paidOrder();
    sb.approve((await db().payment.findUniqueOrThrow({ where: { id: payment.id } })).pluralPaymentId!);
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
  const getOrders = (pluralOrderId: string) => server.count("GET", new RegExp(`/orders/${pluralOrderId}$`));
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
    sb.approve((await db().payment.findUniqueOrThrow({ where: { id: payment.id } })).pluralPaymentId!);
    await syncOrder(order.id);
    const calls = getOrders(order.pluralOrderId!);
    await synced(order.id, 3_600_000);
    expect(await (await poll(order.id)).json()).toMatchObject({ status: "PROCESSED", payment: { status: "PROCESSED" } });
    expect(getOrders(order.pluralOrderId!)).toBe(calls);
  });

  it("sync finds an order whose create-order answer was lost, by merchant reference", async () => {
    const cart = await cartWith();
    const key = newCheckoutKey();
    sb.addFault({ endpoint: "createOrder", kind: "status", status: 504, phase: "after" });
    const r = await cart.place(form, key);
    sb.clearFaults();
    expect(r.ok).toBe(false);
    const order = await db().order.findUniqueOrThrow({ where: { merchantOrderReference: key } });
    expect(order.pluralOrderId).toBeNull();
    const synced = await syncOrder(order.id);
    expect(synced.ok).toBe(true);
    expect((await db().order.findUniqueOrThrow({ where: { id: order.id } })).pluralOrderId).toBe(sb.orderByReference(key).order_id);
  });
});

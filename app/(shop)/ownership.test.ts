import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { db } from "@/lib/db";
import type { Sandbox } from "@/lib/sandbox/engine";
import { startTestStore } from "@/lib/testing/store";
import { newRequest, nextSignal, request } from "@/lib/testing/next-request";
import { createCart, newCheckoutKey, placeOrder, setQuantity, startPayment } from "@/lib/orders";
import { cancelCheckoutAction, reorderAction, startPaymentAction } from "./actions";
import PayPage from "./orders/[id]/pay/page";
import OrderResultPage from "./orders/[id]/page";
import { GET as statusGet } from "@/app/api/orders/[id]/status/route";
import { POST as returnPost } from "@/app/api/plural/return/route";

vi.mock("next/headers", () => import("@/lib/testing/next-request").then((m) => m.nextHeadersModule));
vi.mock("next/cache", () => ({ revalidatePath: () => {} }));

/**
 * Finding 1 of issue #8: an order belongs to the shopper who placed it (the cart cookie it was
 * placed with, or the per-order cookie Plural's signed return leaves in the browser). Anyone else
 * gets a 404 and nothing is written.
 */
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
beforeEach(() => newRequest());

const form = {
  name: "Asha Verma",
  email: "asha@example.com",
  mobile: "9876543210",
  billing: { address1: "12 MG Road", city: "Bengaluru", state: "Karnataka", pincode: "560001" },
  sameAsBilling: true,
};

/** Shopper A's order, waiting for a QR payment. */
async function shoppersOrder() {
  const cartId = await createCart();
  const chai = await db().product.findUniqueOrThrow({ where: { slug: "chai" } });
  await setQuantity(cartId, chai.id, 2);
  const placed = await placeOrder(cartId, form, newCheckoutKey());
  if (!placed.ok) throw new Error(placed.error);
  const started = await startPayment(placed.value.orderId, "QR");
  if (!started.ok) throw new Error(started.error);
  return { cartId, orderId: placed.value.orderId };
}

/** Everything an attack could change, to compare before and after. */
async function footprint(orderId: string) {
  const [order, payments, events, cartItems, carts] = await Promise.all([
    db().order.findUniqueOrThrow({ where: { id: orderId }, select: { status: true, updatedAt: true } }),
    db().payment.findMany({ where: { orderId }, select: { id: true, status: true, upiMode: true, payerVpa: true, updatedAt: true } }),
    db().orderEvent.count({ where: { orderId } }),
    db().cartItem.count(),
    db().cart.count(),
  ]);
  return { order, payments, events, cartItems, carts };
}

const NOT_FOUND = "NEXT_HTTP_ERROR_FALLBACK;404";
const status = (id: string) => statusGet(new Request(`http://store.test/api/orders/${id}/status`), { params: Promise.resolve({ id }) });

describe("an order belongs to the shopper who placed it", () => {
  for (const who of ["no cookies", "another shopper's cart"] as const) {
    it(`with ${who}, every action on the order is a 404 and writes nothing`, async () => {
      const { orderId } = await shoppersOrder();
      const otherCart = await createCart();
      const attacker = who === "no cookies" ? {} : { cart: otherCart };
      const before = await footprint(orderId);

      newRequest(attacker);
      expect(await nextSignal(startPaymentAction(orderId, "COLLECT", "attacker@upi"))).toBe(NOT_FOUND);
      newRequest(attacker);
      expect(await nextSignal(startPaymentAction(orderId, "QR"))).toBe(NOT_FOUND);
      newRequest(attacker);
      expect(await nextSignal(cancelCheckoutAction(orderId))).toBe(NOT_FOUND);
      const fd = new FormData();
      fd.set("orderId", orderId);
      newRequest(attacker);
      expect(await nextSignal(reorderAction(fd))).toBe(NOT_FOUND);
      expect(request.setCookies).toEqual([]);

      expect(await footprint(orderId)).toEqual(before);
      expect(await db().cartItem.count({ where: { cartId: otherCart } })).toBe(0);
    });

    it(`with ${who}, the pay page, the result page and the status route are 404s`, async () => {
      const { orderId } = await shoppersOrder();
      const attacker = who === "no cookies" ? {} : { cart: await createCart() };
      const before = await footprint(orderId);
      const params = Promise.resolve({ id: orderId });
      newRequest(attacker, { "user-agent": "Mozilla/5.0" });
      expect(await nextSignal(PayPage({ params }))).toBe(NOT_FOUND);
      expect(await nextSignal(OrderResultPage({ params }))).toBe(NOT_FOUND);
      const res = await status(orderId);
      expect(res.status).toBe(404);
      expect(await res.json()).toEqual({ error: "order not found" });
      expect(await footprint(orderId)).toEqual(before);
    });
  }

  it("the shopper's own cart cookie opens the pages, the status route and the actions", async () => {
    const { cartId, orderId } = await shoppersOrder();
    newRequest({ cart: cartId }, { "user-agent": "Mozilla/5.0" });
    const params = Promise.resolve({ id: orderId });
    expect(await PayPage({ params })).toBeTruthy();
    expect(await OrderResultPage({ params })).toBeTruthy();
    expect((await status(orderId)).status).toBe(200);
    const r = await startPaymentAction(orderId, "QR");
    expect(r.ok).toBe(true);
  });

  it("Plural's signed return leaves a per-order cookie, so the result shows in another browser too", async () => {
    const { orderId } = await shoppersOrder();
    const order = await db().order.findUniqueOrThrow({ where: { id: orderId }, include: { payments: true } });
    sb.approve(order.payments[0]!.pluralPaymentId!);
    const callback = sb.callbackFor(order.pluralOrderId!)!;

    // Plural's page posts cross-site: the browser sends none of our (SameSite=Lax) cookies.
    newRequest({});
    const res = await returnPost(
      new Request("http://store.test/api/plural/return", {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams(callback.fields).toString(),
      }),
    );
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(`/orders/${orderId}`);
    const setCookie = res.headers.get("set-cookie") ?? "";
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    expect(setCookie).toMatch(/Path=\//i);
    const [name, value] = setCookie.split(";")[0]!.split("=") as [string, string];

    // The 303's GET is a top-level navigation, which carries Lax cookies: this one alone opens the order.
    newRequest({ [name]: value });
    expect((await status(orderId)).status).toBe(200);
    expect(await OrderResultPage({ params: Promise.resolve({ id: orderId }) })).toBeTruthy();

    // It opens that order only, and cannot be forged or moved to another order.
    const other = await shoppersOrder();
    newRequest({ [name.replace(orderId, other.orderId)]: value });
    expect((await status(other.orderId)).status).toBe(404);
    newRequest({ [name]: value.replace(/.$/, (c) => (c === "A" ? "B" : "A")) });
    expect((await status(orderId)).status).toBe(404);
  });

  it("a bad or unsigned return sets no cookie", async () => {
    const { orderId } = await shoppersOrder();
    const { pluralOrderId } = await db().order.findUniqueOrThrow({ where: { id: orderId } });
    newRequest({});
    const res = await returnPost(
      new Request("http://store.test/api/plural/return", {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ order_id: pluralOrderId!, status: "PROCESSED", signature: "A".repeat(64) }).toString(),
      }),
    );
    expect(res.status).toBe(400);
    expect(res.headers.get("set-cookie")).toBeNull();
  });
});

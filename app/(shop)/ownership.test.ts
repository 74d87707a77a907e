import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { db } from "@/lib/db";
import type { Sandbox } from "@/lib/sandbox/engine";
import { startTestStore } from "@/lib/testing/store";
import { newRequest, nextSignal, request } from "@/lib/testing/next-request";
import { cartTokenHash, createCart, getCart, newCheckoutKey, RETURN_ACCESS_WINDOW_MS, setQuantity, startPayment } from "@/lib/orders";
import { testCart } from "@/lib/testing/cart";
import * as actions from "./actions";
import { cancelCheckoutAction, reorderAction, startPaymentAction } from "./actions";
import PayPage from "./orders/[id]/pay/page";
import OrderResultPage from "./orders/[id]/page";
import { GET as statusGet } from "@/app/api/orders/[id]/status/route";
import { GET as returnGet, POST as returnPost } from "@/app/api/plural/return/route";
import { resetEnvCache } from "@/lib/env";
import { checkoutFormData } from "@/lib/testing/shopper.mjs";

vi.mock("next/headers", () => import("@/lib/testing/next-request").then((m) => m.nextHeadersModule));
vi.mock("next/cache", () => ({ revalidatePath: () => {} }));

/**
 * An order belongs to the shopper who placed it (the cart cookie it was
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

/** Shopper A's order, waiting for a QR payment. */
async function shoppersOrder() {
  const cart = await testCart();
  const chai = await db().product.findUniqueOrThrow({ where: { slug: "chai" } });
  await setQuantity(cart.id, chai.id, 2);
  const placed = await cart.place();
  if (!placed.ok) throw new Error(placed.error);
  const started = await startPayment(placed.value.orderId, "QR");
  if (!started.ok) throw new Error(started.error);
  return { cart, orderId: placed.value.orderId };
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
      const attacker = who === "no cookies" ? {} : { cart: otherCart.token };
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
      expect(await db().cartItem.count({ where: { cartId: otherCart.id } })).toBe(0);
    });

    it(`with ${who}, the pay page, the result page and the status route are 404s`, async () => {
      const { orderId } = await shoppersOrder();
      const attacker = who === "no cookies" ? {} : { cart: (await createCart()).token };
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
    const { cart, orderId } = await shoppersOrder();
    newRequest({ cart: cart.token }, { "user-agent": "Mozilla/5.0" });
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

/**
 * What ownership must withstand: a cart cookie that is the cart's database id (a cuid, in part a
 * timestamp and a counter) and never rotated; a known merchant reference answering (and acting on)
 * another shopper's order; a signed return URL replayed from a browser's history or a log.
 */
describe("ownership cannot be guessed or replayed", () => {
  const { addToCartAction, placeOrderAction } = actions;
  /** A browser: its cookies, kept across requests as a browser keeps them. */
  const browser = () => {
    const jar: Record<string, string> = {};
    return {
      jar,
      async send<T>(call: () => Promise<T>): Promise<T | string> {
        newRequest({ ...jar }, { "user-agent": "Mozilla/5.0" });
        try {
          return await call();
        } catch (e) {
          const digest = (e as { digest?: string }).digest;
          if (typeof digest !== "string") throw e;
          return digest;
        } finally {
          for (const c of request.setCookies) {
            if (c.value) jar[c.name] = c.value;
            else delete jar[c.name];
          }
        }
      },
    };
  };
  const addChai = async (b: ReturnType<typeof browser>) => {
    const chai = await db().product.findUniqueOrThrow({ where: { slug: "chai" } });
    const f = new FormData();
    f.set("productId", chai.id);
    expect(await b.send(() => addToCartAction(null, f))).toEqual({ ok: true });
  };
  const orderOf = (digest: unknown) => /\/orders\/([^/;]+)\/pay/.exec(String(digest))?.[1];

  it("the cart cookie is a random 256-bit token; the database keeps only its hash", async () => {
    const b = browser();
    await addChai(b);
    const token = b.jar.cart!;
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/); // 32 random bytes
    const cookie = request.setCookies.find((c) => c.name === "cart")!;
    expect(cookie.options).toMatchObject({ httpOnly: true, sameSite: "lax", path: "/", secure: false });
    const carts = await db().cart.findMany({ select: { id: true, tokenHash: true } });
    expect(carts.some((c) => c.id === token || c.tokenHash === token)).toBe(false);
    expect(carts.filter((c) => c.tokenHash === cartTokenHash(token))).toHaveLength(1);
  });

  it("is a __Host- cookie on https", async () => {
    process.env.APP_URL = "https://shop.example";
    resetEnvCache();
    try {
      const b = browser();
      await addChai(b);
      expect(Object.keys(b.jar)).toEqual(["__Host-cart"]);
      expect(request.setCookies[0]!.options).toMatchObject({ secure: true, path: "/", httpOnly: true });
    } finally {
      process.env.APP_URL = "http://store.test";
      resetEnvCache();
    }
  });

  it("checkout rotates the token: the old one opens neither the cart nor any order, the new one opens them all", async () => {
    const b = browser();
    await addChai(b);
    const first = orderOf(await b.send(() => placeOrderAction(null, checkoutFormData(newCheckoutKey()))))!;
    expect(first).toBeTruthy();
    const before = b.jar.cart!;
    await addChai(b);
    const second = orderOf(await b.send(() => placeOrderAction(null, checkoutFormData(newCheckoutKey()))))!;
    const after = b.jar.cart!;
    expect(after).not.toBe(before);
    for (const id of [first, second]) {
      newRequest({ cart: before });
      expect((await status(id)).status).toBe(404);
      newRequest({ cart: after });
      expect((await status(id)).status).toBe(200);
    }
    expect(await getCart(before)).toMatchObject({ id: null, count: 0 });
    expect((await getCart(after)).count).toBe(2); // the cart itself followed the shopper to the new token
  });

  it("another shopper's merchant reference answers nothing and touches nothing", async () => {
    const key = newCheckoutKey();
    const victim = browser();
    await addChai(victim);
    const victimOrder = orderOf(await victim.send(() => placeOrderAction(null, checkoutFormData(key))))!;
    const before = await footprint(victimOrder);
    const calls = server.count("POST", /\/orders$/);

    const attacker = browser();
    // With an empty cart: "the same checkout sent again" must not hand over the victim's order.
    const empty = await attacker.send(() => placeOrderAction(null, checkoutFormData(key)));
    expect(empty).toMatchObject({ ok: false, error: "Your cart is empty." });
    // With a cart of their own: the reference is refused, not resolved to the victim's order.
    await addChai(attacker);
    const full = await attacker.send(() => placeOrderAction(null, checkoutFormData(key)));
    expect(full).toMatchObject({ ok: false, error: "This checkout form has expired. Reload the page and try again." });
    expect(await footprint(victimOrder)).toEqual({ ...before, cartItems: before.cartItems + 1, carts: before.carts + 1 });
    expect(await db().order.count({ where: { merchantOrderReference: key } })).toBe(1);
    expect(server.count("POST", /\/orders$/)).toBe(calls); // no Plural call for it either
  });

  it("the return gives the order's access cookie only to a fresh return; a replay later opens nothing", async () => {
    const { orderId } = await shoppersOrder();
    const order = await db().order.findUniqueOrThrow({ where: { id: orderId }, include: { payments: true } });
    sb.approve(order.payments[0]!.pluralPaymentId!);
    const callback = sb.callbackFor(order.pluralOrderId!)!;
    const replay = () => returnGet(new Request(`http://store.test/api/plural/return?${new URLSearchParams(callback.fields)}`));
    const fresh = await replay();
    expect(fresh.status).toBe(303);
    expect(fresh.headers.get("set-cookie")).toMatch(new RegExp(`^order_access_${orderId}=`));
    // The same URL, from the browser's history or a log, once the payment is long past.
    await db().payment.updateMany({ where: { orderId }, data: { createdAt: new Date(Date.now() - RETURN_ACCESS_WINDOW_MS - 60_000) } });
    const stale = await replay();
    expect(stale.status).toBe(303);
    expect(stale.headers.get("location")).toBe(`/orders/${orderId}`);
    expect(stale.headers.get("set-cookie")).toBeNull();
    newRequest({});
    expect((await status(orderId)).status).toBe(404);
  });
});

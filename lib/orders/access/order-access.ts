import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { cartTokenHash, isCartToken } from "../cart/cart";

/**
 * Who may see and act on an order: the shopper who placed it. Two things prove it:
 *
 * - the cart cookie the order was placed with: a random token whose hash the order keeps
 *   (Order.ownerHash; lib/orders/cart/cart.ts), which only that browser holds;
 * - a per-order access cookie, which the return route sets after verifying Plural's signature. It
 *   lets a shopper who comes back from Plural in another browser (the UPI app opened a different
 *   one) see the result. Plural's return is a cross-site form POST, which carries none of our
 *   SameSite=Lax cookies; its 303 answer can still set one (it is a top-level navigation), and the
 *   GET that follows, also top-level, carries it. SameSite=Strict would be stored but not sent on
 *   that GET, because the navigation began on Plural's site, so the cookie is Lax.
 *
 * The access token is an HMAC of the order id and an expiry, keyed from the client secret (server
 * only, the same on every instance), so it opens exactly one order and cannot be forged or moved.
 * The return route gives it only to a fresh return (lib/orders/payments/shopper-return.ts).
 *
 * On https both cookies carry the `__Host-` prefix: Secure, Path=/, no Domain, so no other host
 * (a sibling subdomain) and no plain-http page can set or shadow them.
 */
const https = () => env().appUrl.startsWith("https://");
/** The cart cookie's name: `__Host-cart` on https, `cart` over plain http (development). */
export const cartCookieName = () => (https() ? "__Host-cart" : "cart");
const ORDER_ACCESS_PREFIX = "order_access_";
const ORDER_ACCESS_TTL_SECONDS = 30 * 24 * 60 * 60;

/** Prisma's cuid ids, or anything of that alphabet and size: nothing else can name an order (or a cookie). */
export const ORDER_ID = /^[A-Za-z0-9_-]{1,64}$/;
export const isOrderId = (v: unknown): v is string => typeof v === "string" && ORDER_ID.test(v);

/** The caller's cookies, as next/headers' cookies() (or a request's) give them. */
export type CookieReader = { get(name: string): { value: string } | undefined };

const accessKey = () => createHash("sha256").update(`order-access:v1:${env().clientSecret}`).digest();
const mac = (orderId: string, exp: number) => createHmac("sha256", accessKey()).update(`${orderId}.${exp}`).digest("base64url");

const orderAccessCookieName = (orderId: string) => `${https() ? "__Host-" : ""}${ORDER_ACCESS_PREFIX}${orderId}`;

function orderAccessToken(orderId: string, now = Date.now()): string {
  const exp = Math.floor(now / 1000) + ORDER_ACCESS_TTL_SECONDS;
  return `${exp}.${mac(orderId, exp)}`;
}

function verifyOrderAccessToken(orderId: string, token: string, now = Date.now()): boolean {
  const m = /^(\d{1,12})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!m) return false;
  const exp = Number(m[1]);
  if (exp * 1000 < now) return false;
  return safeEqual(m[2]!, mac(orderId, exp));
}

/** The Set-Cookie header value that opens this order in the browser that receives it. */
export function orderAccessSetCookie(orderId: string, now = Date.now()): string {
  const secure = https() ? "; Secure" : "";
  return `${orderAccessCookieName(orderId)}=${orderAccessToken(orderId, now)}; Path=/; Max-Age=${ORDER_ACCESS_TTL_SECONDS}; HttpOnly; SameSite=Lax${secure}`;
}

/** True when the caller's cookies prove they placed the order (or came back from paying it). */
export async function ownsOrder(orderId: unknown, cookies: CookieReader): Promise<boolean> {
  if (!isOrderId(orderId)) return false;
  if (hasAccessToken(orderId, cookies)) return true;
  if (!isCartToken(cookies.get(cartCookieName())?.value)) return false;
  const order = await db().order.findUnique({ where: { id: orderId }, select: { ownerHash: true } });
  return !!order && ownsOrderRow({ id: orderId, ownerHash: order.ownerHash }, cookies);
}

/** The same proof for an order already read (its ownerHash): no database read. */
export function ownsOrderRow(order: { id: string; ownerHash: string | null }, cookies: CookieReader): boolean {
  if (hasAccessToken(order.id, cookies)) return true;
  return holdsCartOf(order, cookies);
}

/** Whether the caller's cart cookie is the one the order's cart has now (not an order-access cookie). */
function holdsCartOf(order: { ownerHash: string | null }, cookies: CookieReader): boolean {
  const token = cookies.get(cartCookieName())?.value;
  return isCartToken(token) && !!order.ownerHash && safeEqual(order.ownerHash, cartTokenHash(token));
}

function hasAccessToken(orderId: string, cookies: CookieReader): boolean {
  const token = cookies.get(orderAccessCookieName(orderId))?.value;
  return !!token && verifyOrderAccessToken(orderId, token);
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

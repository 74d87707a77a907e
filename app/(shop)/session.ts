import "server-only";
import { cookies, headers } from "next/headers";
import { notFound } from "next/navigation";
import { cache } from "react";
import { env } from "@/lib/env";
import { addressKey, CART_COOKIE_DAYS, cartCookieName, cartIdFor, createCart, getCart, ownsOrder, withinLimits } from "@/lib/orders";
import type { Result } from "@/lib/result";
import { answerStatus } from "@/lib/security/answer-status";
import { clientAddress } from "@/lib/security/client-address";
import { SHOP_LIMITS } from "@/lib/security/limits";

/** The shopper's cart token from its cookie (httpOnly; lib/orders/cart/cart.ts). Only its hash is in the database. */
export async function cartToken(): Promise<string | undefined> {
  return (await cookies()).get(cartCookieName())?.value;
}

/** The id of the shopper's cart, if their cookie opens one. */
export async function cartId(): Promise<string | undefined> {
  return cartIdFor(await cartToken());
}

/** The client's address as the front door saw it (through TRUSTED_PROXIES). */
export async function shopperAddress(): Promise<string | undefined> {
  return clientAddress(await headers());
}

/**
 * The shopper's cart as one render shows it: read once per request (React's cache), however many
 * components ask (the layout's cart count and the cart or checkout page itself). Pages only: an
 * action that changes the cart reads it afresh through lib/orders.
 */
export const shopperCart = cache(async () => getCart(await cartToken()));

/** For every shopper page, action and route that names an order: a 404 unless the caller placed it (lib/orders/access/order-access.ts). */
export async function requireOrderOwner(orderId: unknown): Promise<string> {
  if (!(await ownsOrder(orderId, await cookies()))) notFound();
  return orderId as string;
}

/** Sets the cart cookie: httpOnly, SameSite=Lax, 30 days; `__Host-` and Secure on https. */
export async function setCartCookie(token: string): Promise<void> {
  (await cookies()).set(cartCookieName(), token, {
    httpOnly: true,
    sameSite: "lax",
    secure: env().appUrl.startsWith("https://"),
    path: "/",
    maxAge: 60 * 60 * 24 * CART_COOKIE_DAYS,
  });
}

/**
 * The cart id, creating the cart and its cookie on first use (server actions only). New carts are
 * limited per address (lib/security/limits.ts); a refusal answers 429.
 */
export async function ensureCartId(): Promise<Result<string>> {
  const existing = await cartId();
  if (existing) return { ok: true, value: existing };
  const allowed = await withinLimits([[SHOP_LIMITS.cartsPerAddress, addressKey(await shopperAddress())]]);
  if (!allowed.ok) return refused(allowed);
  const cart = await createCart();
  await setCartCookie(cart.token);
  return { ok: true, value: cart.id };
}

/** A domain refusal on its way to the shopper: a rate limit answers 429 (the page still shows the message). */
export function refused<E extends { ok: false; code?: string }>(r: E): E {
  if (r.code === "rate_limited") answerStatus(429);
  return r;
}

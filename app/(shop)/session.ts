import "server-only";
import { cookies } from "next/headers";
import { notFound } from "next/navigation";
import { cache } from "react";
import { env } from "@/lib/env";
import { CART_COOKIE, cartExists, createCart, getCart, ownsOrder } from "@/lib/orders";

/** The shopper's cart id from its cookie (httpOnly; the browser cannot read or forge a price through it). */
export async function cartId(): Promise<string | undefined> {
  return (await cookies()).get(CART_COOKIE)?.value;
}

/**
 * The shopper's cart as one render shows it: read once per request (React's cache), however many
 * components ask (the layout's cart count and the cart or checkout page itself). Pages only: an
 * action that changes the cart reads it afresh through lib/orders.
 */
export const shopperCart = cache(async () => getCart(await cartId()));

/** For every shopper page, action and route that names an order: a 404 unless the caller placed it (lib/orders/access.ts). */
export async function requireOrderOwner(orderId: unknown): Promise<string> {
  if (!(await ownsOrder(orderId, await cookies()))) notFound();
  return orderId as string;
}

/** The cart id, creating the cart and its cookie on first use (server actions only). */
export async function ensureCartId(): Promise<string> {
  const existing = await cartId();
  if (existing && (await cartExists(existing))) return existing;
  const id = await createCart();
  (await cookies()).set(CART_COOKIE, id, {
    httpOnly: true,
    sameSite: "lax",
    secure: env().appUrl.startsWith("https://"),
    path: "/",
    maxAge: 60 * 60 * 24 * 30,
  });
  return id;
}

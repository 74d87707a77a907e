import "server-only";
import { cookies } from "next/headers";
import { env } from "@/lib/env";
import { cartExists, createCart } from "@/lib/orders";

const CART_COOKIE = "cart";

/** The shopper's cart id from its cookie (httpOnly; the browser cannot read or forge a price through it). */
export async function cartId(): Promise<string | undefined> {
  return (await cookies()).get(CART_COOKIE)?.value;
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

import { createHash, randomBytes } from "node:crypto";
import { db } from "@/lib/db";
import { lineTotal } from "@/lib/money";

export const MAX_QUANTITY = 10;

export type CartView = {
  id: string | null;
  lines: Array<{ productId: string; slug: string; name: string; image: string; unitPriceInPaise: number; quantity: number; lineTotalInPaise: number }>;
  count: number;
  totalInPaise: number;
};

const EMPTY: CartView = { id: null, lines: [], count: 0, totalInPaise: 0 };

/**
 * A shopper's cart is theirs by a random 256-bit token in an httpOnly cookie (never the
 * cart's database id: a cuid is in part a timestamp and a counter, so it can be guessed). The database keeps the token's
 * SHA-256 only (Cart.tokenHash, and Order.ownerHash for the cart's orders), so neither a copy of the
 * database nor anything else but the cookie opens a cart or its orders. The token is replaced at
 * every checkout (placeOrder): whoever knew it before the order was placed cannot follow the order.
 */
const TOKEN = /^[A-Za-z0-9_-]{43}$/;
export const isCartToken = (v: unknown): v is string => typeof v === "string" && TOKEN.test(v);
export const newCartToken = () => randomBytes(32).toString("base64url");
export const cartTokenHash = (token: string) => createHash("sha256").update(`cart:${token}`).digest("base64url");

/**
 * The cart with today's prices from the database: nothing the browser holds decides a price. Its
 * lines are read directly by the cookie's token hash (a cart with none, or no cart, is empty): one
 * statement, as every page's layout reads it for the cart count.
 */
export async function getCart(token: string | undefined): Promise<CartView> {
  if (!isCartToken(token)) return EMPTY;
  const items = await db().cartItem.findMany({ where: { cart: { tokenHash: cartTokenHash(token) } }, include: { product: true }, orderBy: { id: "asc" } });
  if (items.length === 0) return EMPTY;
  const cartId = items[0]!.cartId;
  const lines = items
    .filter((i) => i.product.active)
    .map((i) => ({
      productId: i.productId,
      slug: i.product.slug,
      name: i.product.name,
      image: i.product.image,
      unitPriceInPaise: i.product.priceInPaise,
      quantity: i.quantity,
      lineTotalInPaise: i.product.priceInPaise * i.quantity,
    }));
  return { id: cartId, lines, count: lines.reduce((n, l) => n + l.quantity, 0), totalInPaise: lineTotal(lines) };
}

/** A new, empty cart and the token that opens it (for the shopper's cookie; only its hash is stored). */
export async function createCart(): Promise<{ id: string; token: string }> {
  const token = newCartToken();
  const { id } = await db().cart.create({ data: { tokenHash: cartTokenHash(token) }, select: { id: true } });
  return { id, token };
}

/** How long a cart cookie lives (set at the cart's creation and at every rotation: app/(shop)/session.ts). */
export const CART_COOKIE_DAYS = 30;

/**
 * Deletes the carts no cookie can open any more (otherwise they pile up): untouched
 * for longer than the cookie lives, a day's grace included. Their items go with them; orders keep
 * their own copy of what was bought. Answers how many.
 */
export async function sweepAbandonedCarts(now = Date.now()): Promise<number> {
  const before = new Date(now - (CART_COOKIE_DAYS + 1) * 86_400_000);
  return (await db().cart.deleteMany({ where: { updatedAt: { lt: before } } })).count;
}

/** The id of the cart a cookie's token opens, if any (one indexed read). */
export async function cartIdFor(token: string | undefined): Promise<string | undefined> {
  if (!isCartToken(token)) return undefined;
  return (await db().cart.findUnique({ where: { tokenHash: cartTokenHash(token) }, select: { id: true } }))?.id;
}

/** True when the product exists and is for sale. */
export async function productAvailable(productId: string): Promise<boolean> {
  return !!(await db().product.findFirst({ where: { id: productId, active: true }, select: { id: true } }));
}

/** Adds `delta` (may be negative) to a product's quantity, clamped to 0…MAX_QUANTITY. */
export async function addToCart(cartId: string, productId: string, delta: number): Promise<void> {
  const product = await db().product.findFirst({ where: { id: productId, active: true } });
  if (!product) throw new CartError("That product is no longer available.");
  if (!Number.isInteger(delta) || Math.abs(delta) > MAX_QUANTITY) throw new CartError("Invalid quantity.");
  const existing = await db().cartItem.findUnique({ where: { cartId_productId: { cartId, productId } } });
  await setQuantity(cartId, productId, (existing?.quantity ?? 0) + delta);
}

export async function setQuantity(cartId: string, productId: string, quantity: number): Promise<void> {
  if (!Number.isInteger(quantity)) throw new CartError("Invalid quantity.");
  const q = Math.max(0, Math.min(MAX_QUANTITY, quantity));
  if (q === 0) {
    await db().cartItem.deleteMany({ where: { cartId, productId } });
    return;
  }
  // Like addToCart: an unknown or withdrawn product is the shopper's error, not a failed write.
  if (!(await productAvailable(productId))) throw new CartError("That product is no longer available.");
  await db().cartItem.upsert({ where: { cartId_productId: { cartId, productId } }, create: { cartId, productId, quantity: q }, update: { quantity: q } });
}

/**
 * "Start again" after a failed order: its items back in the cart, unless the cart already holds
 * something (then that is what the shopper wants now). False when there is no such order.
 */
export async function refillCartFromOrder(cartId: string, orderId: string): Promise<boolean> {
  const order = await db().order.findUnique({ where: { id: orderId }, select: { items: { select: { productId: true, quantity: true } } } });
  if (!order) return false;
  if ((await db().cartItem.count({ where: { cartId } })) === 0) await refillCart(cartId, order.items);
  return true;
}

/** Puts items back into a cart; a product withdrawn since is left out. */
async function refillCart(cartId: string, items: Array<{ productId: string; quantity: number }>): Promise<void> {
  for (const i of items) {
    try {
      await setQuantity(cartId, i.productId, i.quantity);
    } catch (e) {
      if (!(e instanceof CartError)) throw e; // withdrawn since: left out
    }
  }
}

export class CartError extends Error {}

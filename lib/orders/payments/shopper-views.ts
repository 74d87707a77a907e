import { db } from "@/lib/db";
import { lastPaymentExpired, waiting } from "./start-payment";
import { storedOrNull } from "../status/rows";

/**
 * What the shopper's order pages read (app/(shop)/orders/[id]): one query function per page, so
 * pages never reach for db() themselves. Each view carries the order's cartId: the page checks
 * ownership on the row it got (ownsOrderRow), with no second read of the order.
 */

/** The pay page: the order, its items, the payment still waiting (if any), and the mode of the last one if it expired. */
export async function payPageView(orderId: string) {
  // An order has a handful of payments: one read gives both the one waiting and the last one's fate.
  const order = storedOrNull(await db().order.findUnique({ where: { id: orderId }, include: { items: true, payments: { orderBy: { createdAt: "desc" } } } }));
  if (!order) return null;
  const { payments, ...rest } = order;
  const payment = waiting(payments);
  return { order: rest, payment, lastExpired: payment ? null : lastPaymentExpired(payments) };
}

/** The result page: the order with its items and every payment, newest first. */
export async function resultPageView(orderId: string) {
  return storedOrNull(await db().order.findUnique({ where: { id: orderId }, include: { items: true, payments: { orderBy: { createdAt: "desc" } } } }));
}

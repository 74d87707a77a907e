import { db } from "@/lib/db";
import { activePayment, lastPaymentExpired } from "./payments";

/**
 * What the shopper's order pages read (app/(shop)/orders/[id]): one query function per page, so
 * pages never reach for db() themselves. Ownership is checked by the page first (requireOrderOwner).
 */

/** The pay page: the order, its items, the payment still waiting (if any), and the mode of the last one if it expired. */
export async function payPageView(orderId: string) {
  const order = await db().order.findUnique({ where: { id: orderId }, include: { items: true, payments: { orderBy: { createdAt: "desc" }, take: 1 } } });
  if (!order) return null;
  const { payments, ...rest } = order;
  const payment = await activePayment(orderId);
  return { order: rest, payment, lastExpired: payment ? null : lastPaymentExpired(payments) };
}

/** The result page: the order with its items and every payment, newest first. */
export async function resultPageView(orderId: string) {
  return db().order.findUnique({ where: { id: orderId }, include: { items: true, payments: { orderBy: { createdAt: "desc" } } } });
}

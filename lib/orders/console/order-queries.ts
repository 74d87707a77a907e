import { db } from "@/lib/db";
import type { Prisma } from "@/lib/generated/prisma/client";
import { ORDER_STATUSES, type OrderStatus } from "../status/statuses";
import { orderSearch } from "./search";
import { storedOrder, storedOrNull } from "../status/rows";

/** What the merchant console reads: its pages build no queries of their own. */

const CONSOLE_PAGE_SIZE = 20;

/** `late=1`: only orders paid late or paid twice (status/late-payments.ts). */
export type OrderFilter = { status?: string; from?: string; to?: string; q?: string; page?: string; late?: string };

/** A day in India (the console's dates are IST), start or end; anything but YYYY-MM-DD is no bound. */
const day = (s: string | undefined, end = false) =>
  s && /^\d{4}-\d{2}-\d{2}$/.test(s) ? new Date(`${s}T${end ? "23:59:59.999" : "00:00:00.000"}+05:30`) : undefined;

/** The filter as the console may use it: an unknown status, a bad date or a silly page number are ignored. */
function normaliseFilter(raw: OrderFilter) {
  const status = raw.status && (ORDER_STATUSES as readonly string[]).includes(raw.status) ? (raw.status as OrderStatus) : undefined;
  const q = raw.q?.trim().slice(0, 100) || undefined;
  const page = Math.max(1, Math.min(1000, Number(raw.page) || 1));
  return { status, q, from: day(raw.from) ? raw.from : undefined, to: day(raw.to) ? raw.to : undefined, page, late: raw.late === "1" };
}

/** One page of orders, newest first, with the totals of everything the filter matches. */
export async function consoleOrders(raw: OrderFilter) {
  const f = normaliseFilter(raw);
  const from = day(f.from);
  const to = day(f.to, true);
  const where: Prisma.OrderWhereInput = {
    ...(f.status ? { status: f.status } : {}),
    ...(f.late ? { latePayment: { not: null } } : {}),
    ...(from || to ? { createdAt: { ...(from ? { gte: from } : {}), ...(to ? { lte: to } : {}) } } : {}),
    ...(f.q ? orderSearch(f.q) : {}),
  };
  const [orders, totals] = await Promise.all([
    db().order.findMany({
      where,
      orderBy: { createdAt: "desc" },
      skip: (f.page - 1) * CONSOLE_PAGE_SIZE,
      take: CONSOLE_PAGE_SIZE,
      // What a late payment still holds, for its one-click refund on the list.
      include: { refunds: { select: { status: true, amountInPaise: true } } },
    }),
    db().order.aggregate({ where, _count: true, _sum: { amountInPaise: true, refundedInPaise: true } }),
  ]);
  return {
    filter: f,
    orders: orders.map(storedOrder),
    count: totals._count,
    orderedInPaise: totals._sum.amountInPaise ?? 0,
    refundedInPaise: totals._sum.refundedInPaise ?? 0,
    pages: Math.max(1, Math.ceil(totals._count / CONSOLE_PAGE_SIZE)),
  };
}

/** An order with everything the console's order page shows, or null. */
export async function consoleOrder(id: string) {
  const order = await db().order.findUnique({
    where: { id },
    include: {
      items: true,
      payments: { orderBy: { createdAt: "asc" } },
      refunds: { orderBy: { createdAt: "asc" } },
      events: { orderBy: { createdAt: "asc" } },
    },
  });
  return storedOrNull(order);
}

/** An order's reference, for a link to it (the order paid first, beside one paid twice), or null. */
export function consoleOrderReference(id: string) {
  return db().order.findUnique({ where: { id }, select: { id: true, merchantOrderReference: true } });
}

/** The two fields a console action needs to decide whether it may act, or null when there is no such order. */
export function orderForAction(id: string) {
  return db().order.findUnique({ where: { id }, select: { id: true, pluralOrderId: true } });
}

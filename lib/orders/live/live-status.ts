import { db } from "@/lib/db";
import { type CookieReader, isOrderId, ownsOrderRow } from "../access/order-access";
import { OPEN_STATUSES, type OrderStatus, type PaymentStatus } from "../status/statuses";
import { storedOrderStatus, storedPayment } from "../status/rows";
import { orderAndLastPayment, type OrderAndLastPayment } from "../sql";
import { syncIfStale } from "../sync/sync-order";
import { processGlobal } from "@/lib/process-global";

export type LiveStatus = { status: OrderStatus; payment: { id: string; status: PaymentStatus; errorCode: string | null } | null };

/**
 * How long an open order's status is trusted before the shopper's side asks Plural (Get Order).
 * While webhooks arrive, Plural tells us of every change, so asking is only a safety net; without
 * them (no public URL, a tunnel down) asking is the only way the page learns the result.
 */
export const CONFIRM_INTERVAL_MS = { webhooksArriving: 30_000, noWebhooks: 2_000 } as const;
/** Webhooks count as arriving when a verified one was recorded within this window. */
const ARRIVING_WITHIN_MS = 10 * 60_000;

/** When this process last looked, and the newest verified webhook it knows of (one per process). */
const webhooksSeen = () => processGlobal("webhooksSeen", () => ({ checkedAt: 0, lastAt: 0 }));

/** Remembers that a verified webhook just arrived (saves the status route a read). */
export function noteWebhookArrived(now = Date.now()) {
  Object.assign(webhooksSeen(), { checkedAt: now, lastAt: now });
}

/** Are Plural's webhooks reaching this store? The newest one on any timeline says (read at most every 5 s). */
async function webhooksArriving(now = Date.now()): Promise<boolean> {
  const seen = webhooksSeen();
  if (now - seen.checkedAt > 5_000) {
    const last = await db().orderEvent.findFirst({ where: { source: "webhook" }, orderBy: { createdAt: "desc" }, select: { createdAt: true } });
    Object.assign(seen, { checkedAt: now, lastAt: Math.max(last?.createdAt.getTime() ?? 0, seen.lastAt) });
  }
  return now - seen.lastAt < ARRIVING_WITHIN_MS;
}

type Row = OrderAndLastPayment;
/** The order's status and its newest payment: one raw statement (sql.ts), as this runs for every poll. */
const read = orderAndLastPayment;

const view = (r: Row, orderId: string): LiveStatus => ({
  status: storedOrderStatus(r.status, orderId),
  payment: r.paymentId ? storedPayment({ id: r.paymentId, status: r.paymentStatus!, errorCode: r.errorCode }) : null,
});

/** The order's status and newest payment as stored (no Get Order): what a change notification shows. */
export async function storedStatus(orderId: string): Promise<LiveStatus | null> {
  const row = await read(orderId);
  return row ? view(row, orderId) : null;
}

/** Its status for its own shopper (the cookies prove it; lib/orders/access/order-access.ts); null for anyone else or no such order. */
export async function storedStatusFor(orderId: string, cookies: CookieReader): Promise<LiveStatus | null> {
  if (!isOrderId(orderId)) return null;
  const row = await read(orderId);
  return row && ownsOrderRow({ id: orderId, ownerHash: row.ownerHash }, cookies) ? view(row, orderId) : null;
}

/**
 * What the pay page and the result page poll. Answers from the database; when an open order has not
 * been confirmed for a while it asks Plural first, at most once per interval per order whichever
 * instance or poller asks (syncIfStale), so 50 pollers of one order cause one Get Order, not 50.
 */
export async function liveStatus(orderId: string, opts: { cookies?: CookieReader; now?: number } = {}): Promise<LiveStatus | null> {
  return (await confirmedStatus(orderId, opts))?.status ?? null;
}

/**
 * liveStatus, and how long until the order's record goes stale (when asking again may reach
 * Plural): a stream schedules its next check then, rather than reading the database on a timer.
 * Null for a decided order (nothing left to confirm).
 */
export async function confirmedStatus(
  orderId: string,
  opts: { cookies?: CookieReader; now?: number } = {},
): Promise<{ status: LiveStatus; staleInMs: number | null } | null> {
  const now = opts.now ?? Date.now();
  if (!isOrderId(orderId)) return null;
  let row = await read(orderId);
  if (!row) return null;
  // Only its own shopper may see it (the same one read proves it: no second statement).
  if (opts.cookies && !ownsOrderRow({ id: orderId, ownerHash: row.ownerHash }, opts.cookies)) return null;
  if (!OPEN_STATUSES.has(storedOrderStatus(row.status, orderId))) return { status: view(row, orderId), staleInMs: null };
  const interval = (await webhooksArriving(now)) ? CONFIRM_INTERVAL_MS.webhooksArriving : CONFIRM_INTERVAL_MS.noWebhooks;
  const syncedAt = () => (row!.lastSyncedAt ? new Date(row!.lastSyncedAt).getTime() : 0);
  if (now - syncedAt() >= interval) {
    const synced = await syncIfStale(orderId, interval);
    if (synced?.ok) row = (await read(orderId)) ?? row;
    else if (synced === null) return { status: view(row, orderId), staleInMs: interval }; // another caller is asking right now
  }
  const status = view(row, orderId);
  if (!OPEN_STATUSES.has(status.status)) return { status, staleInMs: null };
  return { status, staleInMs: Math.max(0, syncedAt() + interval - Date.now()) };
}

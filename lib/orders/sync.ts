import { db } from "@/lib/db";
import { log } from "@/lib/log";
import { err, ok, type Result } from "@/lib/result";
import { plural, PluralError } from "@/lib/plural";
import { applyStatus, type ApplyResult, type EventSource } from "./apply";
import { spendPluralCall } from "./limits";

// On globalThis: Next bundles each route separately, and each bundle would otherwise get its own map.
const g = globalThis as unknown as { orderSyncs?: Map<string, Promise<SyncResult>> };
const inflight = (g.orderSyncs ??= new Map());

/** Why Get Order gave nothing to apply: our order is unknown, Plural never got it, or Plural did not answer. */
type SyncFailure = "no_plural_order" | "not_found" | "upstream";
export type SyncResult = Result<{ result: ApplyResult; status: string }, SyncFailure>;

/**
 * Asks Plural for the truth (Get Order) and applies it. When the order never got its Plural id
 * (the create-order answer was lost), it is found by our merchant reference. One request per order
 * at a time in this process, however many callers ask.
 */
export function syncOrder(orderId: string, source: EventSource = "sync", type = "GET_ORDER"): Promise<SyncResult> {
  const running = inflight.get(orderId);
  if (running) return running;
  const p = doSync(orderId, source, type).finally(() => inflight.delete(orderId));
  inflight.set(orderId, p);
  return p;
}

/**
 * Get Order at most once per `intervalMs` per order, across every caller and every process: the
 * caller that moves `lastSyncedAt` past the interval (one guarded update) asks Plural; the others
 * answer from the database. Null when the order was confirmed recently, or another caller is asking.
 */
export async function syncIfStale(orderId: string, intervalMs: number, source: EventSource = "sync", type = "GET_ORDER"): Promise<SyncResult | null> {
  const running = inflight.get(orderId);
  if (running) return running;
  const now = new Date();
  const claimed = await db().order.updateMany({
    where: { id: orderId, OR: [{ lastSyncedAt: null }, { lastSyncedAt: { lte: new Date(now.getTime() - intervalMs) } }] },
    data: { lastSyncedAt: now },
  });
  if (claimed.count === 0) return null;
  // Shoppers' pages cause these calls: within the store's budget per minute, or not at all (the
  // page shows the status as stored, and asks again once the interval has passed).
  if (!(await spendPluralCall()).ok) return null;
  return syncOrder(orderId, source, type);
}

async function doSync(orderId: string, source: EventSource, type: string): Promise<SyncResult> {
  const order = await db().order.findUnique({ where: { id: orderId }, select: { status: true, pluralOrderId: true, merchantOrderReference: true } });
  if (!order) return err("Order not found.", "not_found");
  try {
    const snapshot = order.pluralOrderId ? await plural().getOrder(order.pluralOrderId) : await plural().getOrderByReference(order.merchantOrderReference);
    const result = await applyStatus({
      orderId,
      snapshot,
      source,
      type,
      verified: true,
      payload: { order_id: snapshot.order_id, status: snapshot.status, updated_at: snapshot.updated_at },
      authoritative: true,
    });
    return ok({ result, status: "to" in result ? result.to : order.status });
  } catch (e) {
    if (!(e instanceof PluralError)) throw e;
    await db().order.update({ where: { id: orderId }, data: { lastSyncedAt: new Date() } });
    if (e.isNotFound)
      return order.pluralOrderId ? err("Plural does not know this order.", "not_found") : err("Plural never received this order.", "no_plural_order");
    log.warn("orders.sync_failed", { orderId, code: e.code, status: e.status, pluralRequestId: e.requestId });
    return err("Plural did not answer.", "upstream");
  }
}

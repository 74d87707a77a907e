import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { log } from "@/lib/log";
import { err, ok, type Result } from "@/lib/result";
import { PluralError, verifyCallback } from "@/lib/plural";
import { plural } from "@/lib/plural-client";
import { isRecorded, recordEvent } from "../status/timeline";
import { findOrderForPlural } from "./attempts";
import { PAYMENT_WINDOW_MS } from "./start-payment";
import { syncOrder } from "../sync/sync-order";

/** `access`: the return is fresh, so the browser that brought it may be given the order's access cookie. */
export type ReturnOutcome = Result<{ orderId: string; access: boolean }, "invalid" | "unknown_order">;

/**
 * How long after its latest payment started an order's signed return still opens the order in the
 * browser that brings it (so that a replay of a GET return, from a browser's history or a log,
 * does not issue a fresh 30-day cookie). Past it, a return is still recorded and confirmed; it only
 * opens nothing: the shopper's own browser has its cart cookie.
 */
export const RETURN_ACCESS_WINDOW_MS = PAYMENT_WINDOW_MS + 15 * 60_000;

/**
 * A signed return for a Plural order this store has no id for (its create-order answer was lost):
 * Plural says which merchant reference it has, and the reference says which order it is (attempts.ts).
 */
async function byPluralReference(pluralOrderId: string | undefined) {
  if (!pluralOrderId) return null;
  try {
    const snapshot = await plural().getOrder(pluralOrderId);
    return await findOrderForPlural(undefined, snapshot.merchant_order_reference);
  } catch (e) {
    if (!(e instanceof PluralError)) throw e;
    log.warn("return.lookup_failed", { code: e.code, status: e.status, pluralRequestId: e.requestId });
    return null;
  }
}

/**
 * Plural's return URL (docs/integrate.md, "The return URL"): the signature must cover exactly the fields that arrived.
 * A valid return is recorded once and confirmed with Get Order: the return alone is never proof of
 * payment. The same return again (a reload, a replay) writes nothing and asks Plural nothing: the
 * result page's status poll keeps confirming, at most once per interval per order.
 */
export async function handleReturn(fields: Record<string, string>, now = Date.now()): Promise<ReturnOutcome> {
  if (!verifyCallback(fields, env().secretKey)) {
    log.warn("return.bad_signature", { hasOrderId: !!fields.order_id, fields: Object.keys(fields).sort().join(",") });
    return err("The payment response's signature did not match.", "invalid");
  }
  const order = (await findOrderForPlural(fields.order_id || undefined)) ?? (await byPluralReference(fields.order_id));
  // When its latest payment started (the order's creation before any): how fresh this return is.
  const started = order
    ? await db().order.findUnique({
        where: { id: order.id },
        select: { createdAt: true, payments: { orderBy: { createdAt: "desc" }, take: 1, select: { createdAt: true } } },
      })
    : null;
  if (!order) {
    log.warn("return.unknown_order", {});
    return err("This payment response refers to an order this store does not know.", "unknown_order");
  }
  const { signature, ...received } = fields;
  const externalId = `return:${signature!.toUpperCase()}`;
  const startedAt = (started?.payments[0]?.createdAt ?? started?.createdAt ?? new Date(now)).getTime();
  const access = now - startedAt <= RETURN_ACCESS_WINDOW_MS;
  if (await isRecorded(externalId)) return ok({ orderId: order.id, access });
  const fresh = await recordEvent({
    orderId: order.id,
    source: "return",
    type: `RETURN_${received.status ?? received.payment_status ?? "UNKNOWN"}`,
    externalId,
    payload: received,
    status: order.status,
  });
  if (fresh) await syncOrder(order.id, "return", "GET_ORDER_AFTER_RETURN");
  return ok({ orderId: order.id, access });
}

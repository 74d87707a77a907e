import { env } from "@/lib/env";
import { log } from "@/lib/log";
import { err, ok, type Result } from "@/lib/result";
import { plural, PluralError, verifyCallback } from "@/lib/plural";
import { isRecorded, recordEvent } from "./apply";
import { findOrderForPlural } from "./attempts";
import { syncOrder } from "./sync";

export type ReturnOutcome = Result<{ orderId: string }, "invalid" | "unknown_order">;

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
 * Plural's return URL (reference §7): the signature must cover exactly the fields that arrived.
 * A valid return is recorded once and confirmed with Get Order: the return alone is never proof of
 * payment. The same return again (a reload, a replay) writes nothing and asks Plural nothing: the
 * result page's status poll keeps confirming, at most once per interval per order.
 */
export async function handleReturn(fields: Record<string, string>): Promise<ReturnOutcome> {
  if (!verifyCallback(fields, env().secretKey)) {
    log.warn("return.bad_signature", { hasOrderId: !!fields.order_id, fields: Object.keys(fields).sort().join(",") });
    return err("The payment response's signature did not match.", "invalid");
  }
  const order = (await findOrderForPlural(fields.order_id || undefined)) ?? (await byPluralReference(fields.order_id));
  if (!order) {
    log.warn("return.unknown_order", {});
    return err("This payment response refers to an order this store does not know.", "unknown_order");
  }
  const { signature, ...received } = fields;
  const externalId = `return:${signature!.toUpperCase()}`;
  if (await isRecorded(externalId)) return ok({ orderId: order.id });
  const fresh = await recordEvent({
    orderId: order.id,
    source: "return",
    type: `RETURN_${received.status ?? received.payment_status ?? "UNKNOWN"}`,
    externalId,
    payload: received,
    status: order.status,
  });
  if (fresh) await syncOrder(order.id, "return", "GET_ORDER_AFTER_RETURN");
  return ok({ orderId: order.id });
}

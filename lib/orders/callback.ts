import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { log } from "@/lib/log";
import { verifyCallback } from "@/lib/plural";
import { recordEvent } from "./apply";
import { syncOrder } from "./sync";

export type ReturnOutcome = { kind: "invalid" } | { kind: "unknown_order" } | { kind: "confirmed"; orderId: string };

/**
 * Plural's return URL (reference §7): the signature must cover exactly the fields that arrived.
 * A valid return is recorded once (a reload repeats it harmlessly), and the status is then
 * confirmed with Get Order: the return alone is never proof of payment.
 */
export async function handleReturn(fields: Record<string, string>): Promise<ReturnOutcome> {
  if (!verifyCallback(fields, env().secretKey)) {
    log.warn("return.bad_signature", { hasOrderId: !!fields.order_id, fields: Object.keys(fields).sort().join(",") });
    return { kind: "invalid" };
  }
  const order = await db().order.findUnique({ where: { pluralOrderId: fields.order_id ?? "" }, select: { id: true, status: true } });
  if (!order) {
    log.warn("return.unknown_order", {});
    return { kind: "unknown_order" };
  }
  const { signature, ...received } = fields;
  await recordEvent({
    orderId: order.id,
    source: "return",
    type: `RETURN_${received.status ?? received.payment_status ?? "UNKNOWN"}`,
    externalId: `return:${signature!.toUpperCase()}`,
    payload: received,
    status: order.status,
  });
  await syncOrder(order.id, "return", "GET_ORDER_AFTER_RETURN");
  return { kind: "confirmed", orderId: order.id };
}

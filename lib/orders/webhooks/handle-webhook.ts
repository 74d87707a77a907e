import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { log } from "@/lib/log";
import { orderResponse, verifyWebhook, webhookPayload } from "@/lib/plural";
import { applyRefundStatus } from "../status/refund-status";
import { applyStatus, pluralReport } from "../status/apply";
import type { ApplyInput } from "../status/apply-types";
import type { PluralOrder } from "@/lib/plural/schemas";
import { recordEvent, seenRecently } from "../status/timeline";
import { findOrderForPlural, findOrderForRefund } from "../payments/attempts";
import { noteWebhookArrived } from "../live/live-status";
import { syncOrder } from "../sync/sync-order";
import { countWebhook, inSpan } from "@/lib/telemetry";

export type WebhookAnswer = { status: number; body: Record<string, unknown>; followUp?: () => Promise<unknown> };

const ORDER_EVENTS = new Set(["ORDER_AUTHORIZED", "ORDER_PROCESSED", "ORDER_CANCELLED", "ORDER_FAILED", "PAYMENT_FAILED"]);
const REFUND_EVENTS = new Set(["REFUND_PROCESSED", "REFUND_FAILED"]);

/** What the timeline keeps of a payload: ids and statuses, never payer details. */
function summary(data: Record<string, unknown>) {
  const payments = Array.isArray(data.payments) ? (data.payments as Array<Record<string, unknown>>) : [];
  return {
    order_id: data.order_id,
    parent_order_id: data.parent_order_id,
    type: data.type,
    status: data.status,
    updated_at: data.updated_at,
    payments: payments.map((p) => ({ id: p.id, status: p.status, error_detail: p.error_detail })),
  };
}

/**
 * Get Order after the answer: first written down (Order.followUpAt), so that if this process dies
 * before it runs, the sweep does it; the confirmed Get Order clears it.
 */
async function owe(orderId: string, type: string): Promise<() => Promise<unknown>> {
  await db().order.update({ where: { id: orderId }, data: { followUpAt: new Date() } });
  return () => syncOrder(orderId, "sync", type);
}

/**
 * A Plural webhook: verify on the raw body (constant time, ±300 s), deduplicate by webhook-id,
 * apply through the one state machine, and answer at once. Anything slow (asking Plural when the
 * machine cannot order two messages, refreshing a refunded parent) runs after the answer.
 */
export function handleWebhook(rawBody: string, headers: Headers): Promise<WebhookAnswer> {
  return inSpan("webhook", {}, async (span) => {
    const answer = await handle(rawBody, headers);
    const outcome = webhookOutcome(answer);
    span.setAttributes({ "webhook.outcome": outcome, "http.response.status_code": answer.status });
    countWebhook(outcome);
    // One line per delivery: how a deployment sees its first webhook arrive (docs/deploy.md, "Going live on UAT").
    if (answer.status < 400) log.info("webhook.received", { outcome, status: answer.status });
    return answer;
  });
}

/** For metrics and traces: what became of a webhook. */
function webhookOutcome(a: WebhookAnswer): string {
  if (a.status === 401) return "rejected_signature";
  if (a.status >= 400) return "bad_request";
  const b = a.body;
  if (b.duplicate) return "duplicate";
  if (b.known === false) return "unknown_order";
  if (b.handled === false) return "not_handled";
  return typeof b.outcome === "string" ? b.outcome : "recorded";
}

async function handle(rawBody: string, headers: Headers): Promise<WebhookAnswer> {
  const e = env();
  const v = verifyWebhook(rawBody, headers, e.webhookSecret, e.webhookSecretFormat);
  if (!v.ok) {
    log.warn("webhook.rejected", { reason: v.reason });
    return { status: v.reason === "malformed" ? 400 : 401, body: { error: v.message } };
  }
  noteWebhookArrived();
  // A redelivery (Plural retries until it sees a 2xx) this process has seen is answered from memory.
  // Any other is caught where it is written: every path below writes its timeline entry under the
  // unique webhook-id, and a repeat rolls back to "duplicate" with nothing changed. No read first,
  // since nearly every delivery is new.
  if (seenRecently(v.id)) return { status: 200, body: { ok: true, duplicate: true } };
  let parsedJson: unknown;
  try {
    parsedJson = JSON.parse(rawBody);
  } catch {
    return { status: 400, body: { error: "body is not JSON" } };
  }
  const envelope = webhookPayload.safeParse(parsedJson);
  if (!envelope.success || typeof envelope.data.data !== "object" || envelope.data.data === null)
    return { status: 400, body: { error: "body is not a Plural event" } };
  const eventType = envelope.data.event_type ?? envelope.data.eventType ?? "UNKNOWN";
  const data = envelope.data.data as Record<string, unknown>;
  const pluralOrderId = String(
    (REFUND_EVENTS.has(eventType) ? (data.parent_order_id ?? data.order_id) : data.order_id) ?? (data as { orderId?: string }).orderId ?? "",
  );
  // The common case, an order event about the Plural order an order is tied to: applied at once,
  // the order found inside the transaction by that id. Anything else is looked for as below.
  if (ORDER_EVENTS.has(eventType) && pluralOrderId) {
    const snapshot = orderResponse.safeParse(data);
    if (snapshot.success && snapshot.data.order_id === pluralOrderId) {
      const result = await applyOrderEvent({ pluralOrderId }, snapshot.data, eventType, v.id, data);
      if (result) return result;
    }
  }
  const reference = data.merchant_order_reference ?? (data as { merchantOrderReference?: unknown }).merchantOrderReference;
  const ref = typeof reference === "string" || typeof reference === "number" ? String(reference) : undefined;
  // Any of the order's Plural orders, by id, or by reference (attempts.ts): an order whose create-order
  // answer was lost is not known by its id yet. A refund event names the refund's own reference.
  const order = REFUND_EVENTS.has(eventType)
    ? ((await findOrderForPlural(pluralOrderId || undefined)) ?? (ref ? await findOrderForRefund(ref) : null))
    : await findOrderForPlural(pluralOrderId || undefined, ref);

  // Refund events, and anything we do not act on, are recorded (once) and acknowledged.
  const record = (type: string) =>
    recordEvent({ orderId: order?.id ?? null, source: "webhook", type, externalId: v.id, payload: summary(data), status: order?.status });

  if (!order) {
    const fresh = await record(eventType);
    log.info("webhook.unknown_order", { eventType, webhookId: v.id });
    return { status: 200, body: { ok: true, duplicate: !fresh, known: false } };
  }

  if (REFUND_EVENTS.has(eventType)) {
    const fresh = await record(eventType);
    if (!fresh) return { status: 200, body: { ok: true, duplicate: true } };
    const status = String(data.status ?? (eventType === "REFUND_PROCESSED" ? "PROCESSED" : "FAILED")).toUpperCase();
    await applyRefundStatus({
      orderId: order.id,
      pluralRefundId: data.order_id ? String(data.order_id) : undefined,
      merchantRefundReference: data.merchant_order_reference ? String(data.merchant_order_reference) : undefined,
      status,
    });
    return { status: 200, body: { ok: true }, followUp: await owe(order.id, "GET_ORDER_AFTER_REFUND") };
  }

  if (!ORDER_EVENTS.has(eventType)) {
    const fresh = await record(eventType);
    return { status: 200, body: { ok: true, duplicate: !fresh, handled: false } };
  }

  const snapshot = orderResponse.safeParse(data);
  if (!snapshot.success) {
    const fresh = await record(`${eventType} (unreadable)`);
    return { status: 200, body: { ok: true, duplicate: !fresh }, followUp: fresh ? await owe(order.id, "GET_ORDER_AFTER_WEBHOOK") : undefined };
  }
  return (await applyOrderEvent(order.id, snapshot.data, eventType, v.id, data)) ?? { status: 200, body: { ok: true, outcome: "rejected" } };
}

/**
 * An order event through the state machine; undefined when the order is not found (looked up by its
 * Plural order: the caller then looks for it the other ways). Plural is asked after the answer when
 * the machine could not order the report, or it did not fit the order.
 */
async function applyOrderEvent(
  order: ApplyInput["orderId"],
  snapshot: PluralOrder,
  eventType: string,
  webhookId: string,
  data: Record<string, unknown>,
): Promise<WebhookAnswer | undefined> {
  const result = await applyStatus(
    pluralReport(order, snapshot, "webhook", eventType, { externalId: webhookId, payload: summary(data), authoritative: false }),
  );
  if (result.outcome === "duplicate") return { status: 200, body: { ok: true, duplicate: true } };
  if (result.outcome === "rejected" && !result.orderId) return undefined;
  const owed = result.outcome === "ambiguous" || result.outcome === "rejected" ? result.orderId : undefined;
  return { status: 200, body: { ok: true, outcome: result.outcome }, followUp: owed ? await owe(owed, "GET_ORDER_AFTER_WEBHOOK") : undefined };
}

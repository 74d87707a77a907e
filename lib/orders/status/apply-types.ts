import type { PluralOrder } from "@/lib/plural/schemas";
import type { LatePayment, OrderStatus } from "./statuses";

export type { LatePayment };

/** What applyStatus takes and answers. */

/** Who wrote a timeline entry; "store": the store's own conclusion (a late payment, its automatic refund), no message received. */
export type EventSource = "return" | "webhook" | "sync" | "admin" | "shopper" | "store";

export type ApplyInput = {
  /**
   * The store order, by its id; or, where that is not known yet (a webhook), by the Plural order it
   * is tied to (Order.pluralOrderId), read inside the transaction: one statement fewer than finding it first.
   */
  orderId: string | { pluralOrderId: string };
  /** The order as Plural reports it (Get Order, a create/capture/cancel answer, or a webhook's data). */
  snapshot: PluralOrder;
  source: EventSource;
  /** Event type for the timeline, e.g. ORDER_PROCESSED, RETURN, GET_ORDER. */
  type: string;
  /** Unique id of the message where one exists (the webhook-id); a repeat is recognised and changes nothing. */
  externalId?: string;
  verified: boolean;
  /** The fields received, for the timeline (never secrets). */
  payload: unknown;
  /** True when the snapshot was fetched from Plural just now (Get Order), so it is the truth. */
  authoritative: boolean;
};

export type ApplyResult =
  | { outcome: "duplicate" }
  /** `orderId` when the order was found (an amount or Plural order that is not its own); none for an unknown order. */
  | { outcome: "rejected"; reason: string; orderId?: string }
  | { outcome: "applied" | "unchanged" | "ignored" | "ambiguous"; orderId: string; from: OrderStatus; to: OrderStatus; latePayment?: LatePayment };

import { FAILING_REFUND_PAISE } from "../catalog";
import type { SimOrder } from "../types";
import type { Core } from "./core";
import { notAllowed, SandboxError } from "./errors";
import type { Orders } from "./orders";
import { digits, rand } from "./util";

const REFUNDABLE = new Set(["PROCESSED", "PARTIALLY_REFUNDED", "PARTIALLY_CAPTURED"]);

export type RefundInput = { merchant_order_reference: string; amount: number; merchant_metadata?: Record<string, string> };

/** Refunds: REFUND orders under a paid parent, settled after `refund_delay_ms` (…13 paise fails). */
export class Refunds {
  constructor(
    private readonly core: Core,
    private readonly orders: Orders,
  ) {}

  create(orderId: string, input: RefundInput, requestHash: string): { refund: SimOrder; replayed: boolean } {
    const { records } = this.core;
    const settings = records.settings;
    const parent = this.orders.require(orderId);
    const existingId = records.refundIdByReference(input.merchant_order_reference) ?? records.orderIdByReference(input.merchant_order_reference);
    if (existingId) {
      const existing = records.order(existingId)!;
      if (settings.idempotency === "replay" && existing.request_hash === requestHash && existing.parent_order_id === orderId)
        return { refund: existing, replayed: true };
      throw new SandboxError(422, "DUPLICATE_REQUEST", "The request has already been processed");
    }
    if (parent.type !== "CHARGE" || !REFUNDABLE.has(parent.status)) throw notAllowed();
    // Refunding a partial capture is the sandbox's own choice; Pine Labs' "Create Refund" page allows refunds from PROCESSED.
    if (parent.status === "PARTIALLY_CAPTURED" && settings.partial_capture_refunds === "refused") throw notAllowed();
    const captured = parent.payments
      .filter((p) => p.status === "PROCESSED")
      .reduce((s, p) => s + (p.capture_data?.reduce((c, d) => c + d.capture_amount.value, 0) || p.amount.value), 0);
    const committed = parent.refund_ids
      .map((id) => records.order(id)!)
      .filter((r) => r.status !== "FAILED")
      .reduce((s, r) => s + r.order_amount.value, 0);
    if (input.amount > captured - committed) throw new SandboxError(400, "INVALID_REQUEST", "Refund amount exceeds the amount available for refund");
    const t = this.core.now();
    const id = this.orders.newId();
    const source = parent.payments.find((p) => p.status === "PROCESSED")!;
    const refund: SimOrder = {
      order_id: id,
      merchant_order_reference: input.merchant_order_reference,
      request_hash: requestHash,
      type: "REFUND",
      status: "PENDING",
      order_amount: { value: input.amount, currency: "INR" },
      pre_auth: false,
      purchase_details: input.merchant_metadata ? { merchant_metadata: input.merchant_metadata } : undefined,
      payment_retries_remaining: 0,
      payments: [
        {
          ...source,
          id: `${id}-up-${rand(1)}`,
          merchant_payment_reference: input.merchant_order_reference,
          status: "PENDING",
          amount: { value: input.amount, currency: "INR" },
          auto: { outcome: input.amount % 100 === FAILING_REFUND_PAISE ? "decline" : "approve", at: t + settings.refund_delay_ms },
          error_detail: undefined,
          capture_data: undefined,
          created_at: t,
          updated_at: t,
        },
      ],
      refund_ids: [],
      parent_order_id: parent.order_id,
      refunded: 0,
      created_at: t,
      updated_at: t,
    };
    records.addOrder(refund);
    parent.refund_ids.push(id);
    parent.updated_at = t;
    records.touchOrder(parent);
    return { refund, replayed: false };
  }

  /** The acquirer's answer, when its time comes. */
  settle(refund: SimOrder, ok: boolean) {
    const { records } = this.core;
    const parent = records.order(refund.parent_order_id!)!;
    const t = this.core.now();
    const p = refund.payments[0]!;
    p.auto = undefined;
    p.updated_at = t;
    refund.updated_at = t;
    if (ok) {
      p.status = "PROCESSED";
      p.acquirer_reference = digits(22);
      refund.status = "PROCESSED";
      parent.refunded += refund.order_amount.value;
      parent.status = parent.refunded >= parent.order_amount.value ? "FULLY_REFUNDED" : "PARTIALLY_REFUNDED";
      parent.updated_at = t;
      records.touchOrder(parent);
      records.touchOrder(refund);
      if (records.settings.refund_webhooks === "sent") this.core.emit("REFUND_PROCESSED", refund);
    } else {
      p.status = "FAILED";
      // The code is the sandbox's own (REFUND_FAILED is a documented event, not a documented error code).
      p.error_detail = { code: "REFUND_FAILED", message: "The refund was declined by the acquirer" };
      refund.status = "FAILED";
      records.touchOrder(refund);
      if (records.settings.refund_webhooks === "sent") this.core.emit("REFUND_FAILED", refund);
    }
  }
}

import { buildUpiLink } from "../../plural/upi";
import { autoOutcomeFor, ERROR_MESSAGES } from "../catalog";
import type { SimOrder, SimPayment } from "../types";
import type { Core } from "./core";
import { notAllowed, orderNotFound, SandboxError } from "./errors";
import type { Found } from "./records";
import { ALNUM, digits, hashBody, orderIdAt, rand } from "./util";

const OPEN = new Set(["CREATED", "PENDING", "ATTEMPTED"]);
/** The methods the order docs say support pre-auth (Pine Labs' "Create Order" page, `pre_auth`). */
const PRE_AUTH_METHODS = ["CARD", "POINTS"];
const ALL_METHODS = ["CARD", "UPI", "POINTS", "NETBANKING", "WALLET", "CREDIT_EMI", "DEBIT_EMI"];
const PENDING_ONLY: ReadonlySet<string> = new Set(["PENDING"]);
/** What cancelling an order cancels: payments still waiting, or money only blocked. */
const UNPAID: ReadonlySet<string> = new Set(["PENDING", "AUTHORIZED"]);

export type CreateOrderInput = {
  merchant_order_reference: string;
  order_amount: { value: number; currency: string };
  pre_auth?: boolean;
  notes?: string;
  callback_url?: string;
  failure_callback_url?: string;
  allowed_payment_methods?: string[];
  purchase_details?: Record<string, unknown>;
};

export type PaymentInput = { merchant_payment_reference: string; amount: number; txn_mode: "INTENT" | "COLLECT"; upi_qr: boolean; vpa?: string };

/**
 * Charge orders and their UPI payments: the order state machine of Pine Labs' "Order life cycle" page (CREATED →
 * PENDING → PROCESSED / AUTHORIZED / ATTEMPTED / FAILED / CANCELLED), capture and cancel.
 */
export class Orders {
  constructor(private readonly core: Core) {}

  private get settings() {
    return this.core.records.settings;
  }

  /** A new order id, unique among the records. */
  newId(): string {
    let id: string;
    do id = orderIdAt(this.core.now());
    while (this.core.records.order(id));
    return id;
  }

  require(id: string): SimOrder {
    const o = this.core.records.order(id);
    if (!o) throw orderNotFound(this.settings.order_not_found_status);
    return o;
  }

  byReference(ref: string): SimOrder {
    const { records } = this.core;
    const id = records.orderIdByReference(ref) ?? records.refundIdByReference(ref);
    if (!id) throw orderNotFound(this.settings.order_not_found_status);
    return this.require(id);
  }

  create(input: CreateOrderInput): { order: SimOrder; replayed: boolean } {
    const { records } = this.core;
    const hash = hashBody(input);
    const existingId = records.orderIdByReference(input.merchant_order_reference);
    if (existingId) {
      const existing = this.require(existingId);
      if (this.settings.idempotency === "replay" && existing.request_hash === hash) return { order: existing, replayed: true };
      throw new SandboxError(422, "DUPLICATE_REQUEST", "The request has already been processed");
    }
    // pre_auth_upi: refused (the order docs: only cards and Pay by Points support pre-auth): an order that can only be paid otherwise is refused.
    if (
      input.pre_auth &&
      this.settings.pre_auth_upi === "refused" &&
      !(input.allowed_payment_methods ?? ALL_METHODS).some((m) => PRE_AUTH_METHODS.includes(m))
    ) {
      throw Object.assign(new SandboxError(400, "INVALID_REQUEST", "Pre-authorization is supported only for CARD and POINTS payment methods"), {
        details: { source: "body", step: "validation", reason: "pre_auth is not supported for the allowed payment methods" },
      });
    }
    const t = this.core.now();
    const order: SimOrder = {
      order_id: this.newId(),
      merchant_order_reference: input.merchant_order_reference,
      request_hash: hash,
      type: "CHARGE",
      status: "CREATED",
      order_amount: { value: input.order_amount.value, currency: input.order_amount.currency },
      pre_auth: !!input.pre_auth,
      notes: input.notes,
      callback_url: input.callback_url,
      failure_callback_url: input.failure_callback_url,
      allowed_payment_methods: input.allowed_payment_methods,
      purchase_details: input.purchase_details,
      payment_retries_remaining: this.settings.payment_retries,
      payments: [],
      refund_ids: [],
      refunded: 0,
      created_at: t,
      updated_at: t,
    };
    records.addOrder(order);
    return { order, replayed: false };
  }

  createPayment(orderId: string, item: PaymentInput, requestHash: string): { order: SimOrder; replayed: boolean } {
    const { records, config } = this.core;
    const settings = this.settings;
    const order = this.require(orderId);
    if (order.type !== "CHARGE") throw notAllowed();
    const same = records.paymentByReference(item.merchant_payment_reference);
    if (same) {
      if (settings.idempotency === "replay" && same.payment.request_hash === requestHash && same.order.order_id === orderId) return { order, replayed: true };
      throw new SandboxError(422, "DUPLICATE_REQUEST", "The request has already been processed");
    }
    if (order.allowed_payment_methods && !order.allowed_payment_methods.includes("UPI")) {
      throw new SandboxError(422, "PAYMENT_METHOD_NOT_ENABLED", "Payment method is not enabled for this order");
    }
    if (order.pre_auth && settings.pre_auth_upi === "refused") {
      throw new SandboxError(422, "PAYMENT_METHOD_NOT_ENABLED", "Pre-authorization is not supported for UPI");
    }
    if (item.amount !== order.order_amount.value) throw new SandboxError(400, "INVALID_REQUEST", "Payment amount must be equal to the order amount");
    if (order.status === "PENDING") {
      if (settings.pending_payment_policy === "reject") throw new SandboxError(422, "PAYMENT_PENDING", "A payment is already pending on this order");
    } else if (order.status !== "CREATED" && order.status !== "ATTEMPTED") {
      throw new SandboxError(
        422,
        order.status === "CANCELLED" ? "ORDER_CANCELLED" : "OPERATION_NOT_ALLOWED",
        `The operation is not allowed as the required precondition has failed (order is ${order.status})`,
      );
    }
    const t = this.core.now();
    // A pending payment is replaced by the new one (switching QR → collect); it can no longer be paid.
    // PAYMENT_CANCELLED is the sandbox's own code: no document names one for a replaced payment.
    for (const p of order.payments) {
      if (p.status === "PENDING") {
        p.status = "CANCELLED";
        p.error_detail = { code: "PAYMENT_CANCELLED", message: "Replaced by a newer payment on the same order" };
        p.updated_at = t;
      }
    }
    const used = new Set(order.payments.map((p) => p.id.slice(-1)));
    let suffix: string;
    do suffix = rand(1);
    while (used.has(suffix) && used.size < ALNUM.length);
    records.seq += 1;
    const tr = String(100000 + records.seq);
    const id = `${order.order_id}-up-${suffix}`;
    const link = buildUpiLink({ pa: settings.payee_vpa, pn: settings.merchant_name, amountInPaise: item.amount, tr, tn: `Payment for ${order.order_id}` });
    const auto = autoOutcomeFor(item.vpa, item.amount);
    const payment: SimPayment = {
      id,
      merchant_payment_reference: item.merchant_payment_reference,
      request_hash: requestHash,
      status: "PENDING",
      amount: { value: item.amount, currency: "INR" },
      txn_mode: item.txn_mode,
      upi_qr: item.upi_qr,
      payer_vpa: item.vpa,
      tr,
      link,
      // Landing mode: an https page for every mode (the redirect flow). Otherwise the UPI link, and none for collect.
      challenge_url:
        settings.challenge_mode === "landing" ? `${config.publicUrl}/pay/${encodeURIComponent(id)}` : item.txn_mode === "COLLECT" ? undefined : link,
      auto: auto ? { outcome: auto.outcome, code: auto.code, at: t + settings.auto_answer_ms * (auto.delayFactor ?? 1) } : undefined,
      created_at: t,
      updated_at: t,
      expires_at: t + settings.payment_expiry_seconds * 1000,
    };
    order.payments.push(payment);
    order.status = "PENDING";
    order.updated_at = t;
    records.touchOrder(order);
    return { order, replayed: false };
  }

  private requirePending(paymentId: string): Found {
    const found = this.core.records.payment(paymentId);
    if (!found) throw new SandboxError(404, "PAYMENT_NOT_FOUND", "No payment with that id");
    if (found.payment.status !== "PENDING" || found.order.status !== "PENDING") {
      throw new SandboxError(422, "OPERATION_NOT_ALLOWED", `The payment is ${found.payment.status}; only a PENDING payment can be answered`);
    }
    return found;
  }

  /** The payer approves: PROCESSED (or AUTHORIZED for pre-auth) and a webhook. */
  approve(paymentId: string, payerVpa?: string): Found {
    const found = this.requirePending(paymentId);
    return this.succeed(found, payerVpa, this.core.now());
  }

  /** The bank's yes: the payment and its order become PROCESSED (AUTHORIZED for pre-auth), and the webhook goes. */
  private succeed({ order, payment }: Found, payerVpa: string | undefined, t: number): Found {
    const status = order.pre_auth ? "AUTHORIZED" : "PROCESSED";
    payment.status = status;
    payment.payer_vpa ??= payerVpa ?? "shopper@sandbox";
    payment.acquirer_reference = digits(12);
    payment.auto = undefined;
    payment.updated_at = t;
    order.status = status;
    order.updated_at = t;
    this.core.records.touchOrder(order);
    this.core.emit(order.pre_auth ? "ORDER_AUTHORIZED" : "ORDER_PROCESSED", order);
    return { order, payment };
  }

  /** Payments in these statuses can no longer be paid (the order was cancelled, or paid another way). */
  private cancelPayments(order: SimOrder, statuses: ReadonlySet<string>, t: number) {
    for (const p of order.payments) {
      if (!statuses.has(p.status)) continue;
      p.status = "CANCELLED";
      p.auto = undefined;
      p.updated_at = t;
    }
  }

  /**
   * A late success: the bank debits the payer after the payment was reported FAILED (declined,
   * expired) or CANCELLED (replaced by a newer one), and Plural reports the order PROCESSED. This
   * happens with UPI when the bank's answer reaches the switch after the timeout. Not on an order
   * that is already paid (Plural has one status per order) nor on a pre-auth one.
   */
  approveLate(paymentId: string, payerVpa?: string): Found {
    const found = this.core.records.payment(paymentId);
    if (!found) throw new SandboxError(404, "PAYMENT_NOT_FOUND", "No payment with that id");
    const { order, payment } = found;
    if (
      (payment.status !== "FAILED" && payment.status !== "CANCELLED") ||
      !["ATTEMPTED", "FAILED", "CANCELLED", "PENDING"].includes(order.status) ||
      order.pre_auth
    ) {
      throw new SandboxError(
        422,
        "OPERATION_NOT_ALLOWED",
        `The payment is ${payment.status} on a ${order.status} order; only a failed or cancelled payment of an unpaid order can succeed late`,
      );
    }
    const t = this.core.now();
    // The newer payment the shopper may have started on this order can no longer be paid.
    this.cancelPayments(order, PENDING_ONLY, t);
    payment.error_detail = undefined;
    return this.succeed(found, payerVpa, t);
  }

  /** The payer declines, the bank refuses, or the request expires: the order may be retried while retries remain. */
  decline(paymentId: string, code = "PAYMENT_DECLINED", message?: string): Found {
    const { order, payment } = this.requirePending(paymentId);
    const t = this.core.now();
    payment.status = "FAILED";
    payment.error_detail = { code, message: message ?? ERROR_MESSAGES[code] ?? "The payment failed" };
    payment.auto = undefined;
    payment.updated_at = t;
    order.payment_retries_remaining = Math.max(0, order.payment_retries_remaining - 1);
    order.status = order.payment_retries_remaining > 0 ? "ATTEMPTED" : "FAILED";
    order.updated_at = t;
    this.core.records.touchOrder(order);
    this.core.emit("PAYMENT_FAILED", order);
    if (order.status === "FAILED") this.core.emit("ORDER_FAILED", order);
    return { order, payment };
  }

  capture(orderId: string, input: { merchant_capture_reference: string; capture_amount?: { value: number; currency: string } }): SimOrder {
    const order = this.require(orderId);
    const payment = order.payments.find((p) => p.status === "AUTHORIZED");
    if (order.status !== "AUTHORIZED" || !payment) {
      const prior = order.payments.flatMap((p) => p.capture_data ?? []).find((c) => c.merchant_capture_reference === input.merchant_capture_reference);
      if (prior) return order; // the same capture again: idempotent
      throw notAllowed();
    }
    const amount = input.capture_amount?.value ?? order.order_amount.value;
    if (amount < 1 || amount > order.order_amount.value) throw new SandboxError(400, "INVALID_REQUEST", "Capture amount must not exceed the authorized amount");
    const t = this.core.now();
    payment.status = "PROCESSED";
    payment.capture_data = [
      ...(payment.capture_data ?? []),
      { merchant_capture_reference: input.merchant_capture_reference, capture_amount: { value: amount, currency: "INR" }, created_at: t },
    ];
    payment.updated_at = t;
    order.status = amount < order.order_amount.value ? "PARTIALLY_CAPTURED" : "PROCESSED";
    order.updated_at = t;
    this.core.records.touchOrder(order);
    this.core.emit("ORDER_PROCESSED", order);
    return order;
  }

  cancel(orderId: string): SimOrder {
    const order = this.require(orderId);
    const allowed = order.status === "AUTHORIZED" || (this.settings.cancel_policy === "any_open" && OPEN.has(order.status));
    if (!allowed) throw notAllowed();
    const t = this.core.now();
    this.cancelPayments(order, UNPAID, t);
    order.status = "CANCELLED";
    order.updated_at = t;
    this.core.records.touchOrder(order);
    this.core.emit("ORDER_CANCELLED", order);
    return order;
  }
}

import { createHash, createHmac, randomInt, timingSafeEqual } from "node:crypto";
import { buildUpiLink } from "../plural/upi";
import { signCallback, webhookHeaders, type WebhookSecretFormat } from "../plural/signature";
import { autoOutcomeFor, ERROR_MESSAGES, FAILING_REFUND_PAISE } from "./catalog";
import { orderJson, type SerializeContext } from "./serialize";
import { defaultSettings, emptyState, StateFile } from "./store";
import type { Delivery, FaultRule, SandboxState, Settings, SimOrder, SimPayment } from "./types";

const BRAND = Symbol.for("plural-upi-storefront.SandboxError");

export class SandboxError extends Error {
  /** The sandbox is shared by every route bundle: recognise each bundle's copy of this class. */
  static [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
  }
  readonly [BRAND] = true;
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "SandboxError";
  }
}

export type SandboxConfig = {
  merchantId: string;
  clientId: string;
  clientSecret: string;
  /** Hex key for return-URL signatures. */
  secretKey: string;
  webhookSecret: string;
  webhookSecretFormat: WebhookSecretFormat;
  /** Where the store runs, e.g. http://localhost:3000 (webhooks go to ${appUrl}/api/plural/webhook). */
  appUrl: string;
  /** Where the sandbox is served, e.g. http://localhost:3000/sandbox (landing pages and QR images). */
  publicUrl: string;
  stateFile: string | null;
  fetch?: typeof fetch;
  now?: () => number;
  /** Run the background loop (expiry, automatic answers, webhook delivery). Default true. */
  background?: boolean;
};

const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const rand = (n: number, alphabet = ALNUM) => Array.from({ length: n }, () => alphabet[randomInt(alphabet.length)]).join("");
const digits = (n: number) => rand(n, "0123456789");
const pad = (n: number) => String(n).padStart(2, "0");

function stable(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stable).join(",")}]`;
  if (value && typeof value === "object") {
    return `{${Object.keys(value as object)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${stable((value as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(value);
}
export const hashBody = (body: unknown) => createHash("sha256").update(stable(body)).digest("hex");

const OPEN = new Set(["CREATED", "PENDING", "ATTEMPTED"]);
const REFUNDABLE = new Set(["PROCESSED", "PARTIALLY_REFUNDED", "PARTIALLY_CAPTURED"]);

/**
 * The simulated Plural: orders, UPI payments, the order state machine of reference §4.2, refunds,
 * expiry, automatic test outcomes, signed webhooks with retries, and the knobs to break them.
 * Every mutation is synchronous, so concurrent requests in this process cannot interleave inside one.
 */
export class Sandbox {
  state: SandboxState;
  private readonly file: StateFile;
  private readonly now: () => number;
  private readonly fetchImpl: typeof fetch;
  private loop: NodeJS.Timeout | undefined;
  private inflight = new WeakSet<Delivery>();
  private ticking = false;
  private advancing = false;

  constructor(readonly config: SandboxConfig) {
    this.now = config.now ?? Date.now;
    this.fetchImpl = config.fetch ?? globalThis.fetch.bind(globalThis);
    this.file = new StateFile(config.stateFile);
    this.state = this.file.load(emptyState(defaultSettings(config.appUrl)));
    // Deliveries that were mid-flight when the process stopped go out again.
    if (config.background !== false) {
      this.loop = setInterval(() => void this.tick(), 200);
      this.loop.unref?.();
    }
  }

  close() {
    if (this.loop) clearInterval(this.loop);
    this.loop = undefined;
    this.file.saveNow(this.state);
  }

  get settings(): Settings {
    return this.state.settings;
  }

  private changed() {
    this.file.scheduleSave(() => this.state);
  }

  reset(keepSettings = false) {
    const settings = keepSettings ? this.state.settings : defaultSettings(this.config.appUrl);
    // Issued tokens survive a reset: it clears data, not the merchant's sessions.
    this.state = { ...emptyState(settings), tokens: this.state.tokens };
    this.changed();
  }

  updateSettings(patch: Partial<Omit<Settings, "webhook">> & { webhook?: Partial<Settings["webhook"]> }) {
    const { webhook, ...rest } = patch;
    this.state.settings = { ...this.state.settings, ...rest, webhook: { ...this.state.settings.webhook, ...webhook } };
    this.changed();
    return this.state.settings;
  }

  /* ------------------------------------------------------------------------------- tokens */

  issueToken(clientId: string, clientSecret: string) {
    const digest = (v: string) => createHash("sha256").update(v).digest();
    const okSecret = timingSafeEqual(digest(clientSecret), digest(this.config.clientSecret));
    if (clientId !== this.config.clientId || !okSecret) throw new SandboxError(401, "UNAUTHORIZED", "Unauthorized");
    const iat = this.now();
    const exp = iat + this.settings.token_ttl_seconds * 1000;
    const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("base64url");
    const head = `${b64({ alg: "HS256", typ: "JWT" })}.${b64({ sub: clientId, merchant_id: this.config.merchantId, iat: Math.floor(iat / 1000), exp: Math.floor(exp / 1000), jti: rand(16) })}`;
    const token = `${head}.${createHmac("sha256", this.config.clientSecret).update(head).digest("base64url")}`;
    this.state.tokens[token] = exp;
    // Forget long-expired tokens so the state does not grow without bound.
    for (const [t, e] of Object.entries(this.state.tokens)) if (e < iat - 3_600_000) delete this.state.tokens[t];
    this.changed();
    return { access_token: token, token_type: "Bearer", expires_in: this.settings.token_ttl_seconds, expires_at: new Date(exp).toISOString() };
  }

  isValidToken(token: string | undefined): boolean {
    if (!token) return false;
    const exp = this.state.tokens[token];
    return exp !== undefined && exp > this.now();
  }

  expireTokens() {
    for (const t of Object.keys(this.state.tokens)) this.state.tokens[t] = 0;
    this.changed();
  }

  /* ------------------------------------------------------------------------------- orders */

  private newOrderId(): string {
    const d = new Date(this.now());
    const stamp = `${pad(d.getUTCFullYear() % 100)}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}`;
    let id: string;
    do id = `v1-${stamp}-aa-${rand(6)}`;
    while (this.state.orders[id]);
    return id;
  }

  order(id: string): SimOrder {
    this.advance();
    const o = this.state.orders[id];
    if (!o) throw new SandboxError(404, "ORDER_NOT_FOUND", "No order with specified order-id exists in the system");
    return o;
  }

  orderByReference(ref: string): SimOrder {
    const id = this.state.order_refs[ref] ?? this.state.refund_refs[ref];
    if (!id) throw new SandboxError(404, "ORDER_NOT_FOUND", "No order with specified order-id exists in the system");
    return this.order(id);
  }

  createOrder(input: {
    merchant_order_reference: string;
    order_amount: { value: number; currency: string };
    pre_auth?: boolean;
    notes?: string;
    callback_url?: string;
    failure_callback_url?: string;
    allowed_payment_methods?: string[];
    purchase_details?: Record<string, unknown>;
  }): { order: SimOrder; replayed: boolean } {
    const hash = hashBody(input);
    const existingId = this.state.order_refs[input.merchant_order_reference];
    if (existingId) {
      const existing = this.order(existingId);
      if (this.settings.idempotency === "replay" && existing.request_hash === hash) return { order: existing, replayed: true };
      throw new SandboxError(422, "DUPLICATE_REQUEST", "The request has already been processed");
    }
    const t = this.now();
    const order: SimOrder = {
      order_id: this.newOrderId(),
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
    this.state.orders[order.order_id] = order;
    this.state.order_refs[order.merchant_order_reference] = order.order_id;
    this.changed();
    return { order, replayed: false };
  }

  /* ------------------------------------------------------------------------------- payments */

  createPayment(
    orderId: string,
    item: { merchant_payment_reference: string; amount: number; txn_mode: "INTENT" | "COLLECT"; upi_qr: boolean; vpa?: string },
    requestHash: string,
  ): { order: SimOrder; replayed: boolean } {
    const order = this.order(orderId);
    if (order.type !== "CHARGE") throw new SandboxError(422, "OPERATION_NOT_ALLOWED", "The operation is not allowed as the required precondition has failed");
    const same = this.findPaymentByReference(item.merchant_payment_reference);
    if (same) {
      if (this.settings.idempotency === "replay" && same.payment.request_hash === requestHash && same.order.order_id === orderId)
        return { order, replayed: true };
      throw new SandboxError(422, "DUPLICATE_REQUEST", "The request has already been processed");
    }
    if (order.allowed_payment_methods && !order.allowed_payment_methods.includes("UPI")) {
      throw new SandboxError(422, "PAYMENT_METHOD_NOT_ENABLED", "Payment method is not enabled for this order");
    }
    if (item.amount !== order.order_amount.value) throw new SandboxError(400, "INVALID_REQUEST", "Payment amount must be equal to the order amount");
    if (order.status === "PENDING") {
      if (this.settings.pending_payment_policy === "reject") throw new SandboxError(422, "PAYMENT_PENDING", "A payment is already pending on this order");
    } else if (order.status !== "CREATED" && order.status !== "ATTEMPTED") {
      throw new SandboxError(
        422,
        order.status === "CANCELLED" ? "ORDER_CANCELLED" : "OPERATION_NOT_ALLOWED",
        `The operation is not allowed as the required precondition has failed (order is ${order.status})`,
      );
    }
    const t = this.now();
    // A pending payment is replaced by the new one (switching QR → collect); it can no longer be paid.
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
    this.state.seq += 1;
    const tr = String(100000 + this.state.seq);
    const id = `${order.order_id}-up-${suffix}`;
    const link = buildUpiLink({
      pa: this.settings.payee_vpa,
      pn: this.settings.merchant_name,
      amountInPaise: item.amount,
      tr,
      tn: `Payment for ${order.order_id}`,
    });
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
        this.settings.challenge_mode === "landing" ? `${this.config.publicUrl}/pay/${encodeURIComponent(id)}` : item.txn_mode === "COLLECT" ? undefined : link,
      auto: auto ? { outcome: auto.outcome, code: auto.code, at: t + this.settings.auto_answer_ms * (auto.delayFactor ?? 1) } : undefined,
      created_at: t,
      updated_at: t,
      expires_at: t + this.settings.payment_expiry_seconds * 1000,
    };
    order.payments.push(payment);
    order.status = "PENDING";
    order.updated_at = t;
    this.changed();
    return { order, replayed: false };
  }

  findPaymentByReference(ref: string): { order: SimOrder; payment: SimPayment } | undefined {
    for (const order of Object.values(this.state.orders)) {
      const payment = order.payments.find((p) => p.merchant_payment_reference === ref);
      if (payment) return { order, payment };
    }
    return undefined;
  }

  findPayment(paymentId: string): { order: SimOrder; payment: SimPayment } | undefined {
    this.advance();
    return this.lookupPayment(paymentId);
  }

  private lookupPayment(paymentId: string): { order: SimOrder; payment: SimPayment } | undefined {
    const orderId = paymentId.replace(/-up-.$/, "");
    const order = this.state.orders[orderId];
    const payment = order?.payments.find((p) => p.id === paymentId);
    return order && payment ? { order, payment } : undefined;
  }

  /** The payment a UPI link points at (by its `tr`), for the sandbox UPI app. */
  findPaymentByTr(tr: string): { order: SimOrder; payment: SimPayment } | undefined {
    this.advance();
    for (const order of Object.values(this.state.orders)) {
      const payment = order.payments.find((p) => p.tr === tr);
      if (payment) return { order, payment };
    }
    return undefined;
  }

  /** Collect requests waiting for this VPA. */
  collectInbox(vpa: string): Array<{ order: SimOrder; payment: SimPayment }> {
    this.advance();
    const want = vpa.trim().toLowerCase();
    const out: Array<{ order: SimOrder; payment: SimPayment }> = [];
    for (const order of Object.values(this.state.orders)) {
      for (const payment of order.payments) {
        if (payment.txn_mode === "COLLECT" && payment.status === "PENDING" && payment.payer_vpa?.toLowerCase() === want) out.push({ order, payment });
      }
    }
    return out.sort((a, b) => b.payment.created_at - a.payment.created_at);
  }

  private requirePending(paymentId: string) {
    const found = this.lookupPayment(paymentId);
    if (!found) throw new SandboxError(404, "PAYMENT_NOT_FOUND", "No payment with that id");
    if (found.payment.status !== "PENDING" || found.order.status !== "PENDING") {
      throw new SandboxError(422, "OPERATION_NOT_ALLOWED", `The payment is ${found.payment.status}; only a PENDING payment can be answered`);
    }
    return found;
  }

  /** The payer approves: PROCESSED (or AUTHORIZED for pre-auth) and a webhook. */
  approve(paymentId: string, payerVpa?: string) {
    const { order, payment } = this.requirePending(paymentId);
    const t = this.now();
    payment.status = order.pre_auth ? "AUTHORIZED" : "PROCESSED";
    payment.payer_vpa ??= payerVpa ?? "shopper@sandbox";
    payment.acquirer_reference = digits(12);
    payment.auto = undefined;
    payment.updated_at = t;
    order.status = order.pre_auth ? "AUTHORIZED" : "PROCESSED";
    order.updated_at = t;
    this.emit(order.pre_auth ? "ORDER_AUTHORIZED" : "ORDER_PROCESSED", order);
    this.changed();
    return { order, payment };
  }

  /** The payer declines, the bank refuses, or the request expires: the order may be retried while retries remain. */
  decline(paymentId: string, code = "PAYMENT_DECLINED", message?: string) {
    const { order, payment } = this.requirePending(paymentId);
    const t = this.now();
    payment.status = "FAILED";
    payment.error_detail = { code, message: message ?? ERROR_MESSAGES[code] ?? "The payment failed" };
    payment.auto = undefined;
    payment.updated_at = t;
    order.payment_retries_remaining = Math.max(0, order.payment_retries_remaining - 1);
    order.status = order.payment_retries_remaining > 0 ? "ATTEMPTED" : "FAILED";
    order.updated_at = t;
    this.emit("PAYMENT_FAILED", order);
    if (order.status === "FAILED") this.emit("ORDER_FAILED", order);
    this.changed();
    return { order, payment };
  }

  expire(paymentId: string) {
    return this.decline(paymentId, "PAYMENT_EXPIRED");
  }

  /* ------------------------------------------------------------------------- capture, cancel */

  capture(orderId: string, input: { merchant_capture_reference: string; capture_amount?: { value: number; currency: string } }) {
    const order = this.order(orderId);
    const payment = order.payments.find((p) => p.status === "AUTHORIZED");
    if (order.status !== "AUTHORIZED" || !payment) {
      const prior = order.payments.flatMap((p) => p.capture_data ?? []).find((c) => c.merchant_capture_reference === input.merchant_capture_reference);
      if (prior) return order; // the same capture again: idempotent
      throw new SandboxError(422, "OPERATION_NOT_ALLOWED", "The operation is not allowed as the required precondition has failed");
    }
    const amount = input.capture_amount?.value ?? order.order_amount.value;
    if (amount < 1 || amount > order.order_amount.value) throw new SandboxError(400, "INVALID_REQUEST", "Capture amount must not exceed the authorized amount");
    const t = this.now();
    payment.status = "PROCESSED";
    payment.capture_data = [
      ...(payment.capture_data ?? []),
      { merchant_capture_reference: input.merchant_capture_reference, capture_amount: { value: amount, currency: "INR" }, created_at: t },
    ];
    payment.updated_at = t;
    order.status = amount < order.order_amount.value ? "PARTIALLY_CAPTURED" : "PROCESSED";
    order.updated_at = t;
    this.emit("ORDER_PROCESSED", order);
    this.changed();
    return order;
  }

  cancel(orderId: string) {
    const order = this.order(orderId);
    const allowed = order.status === "AUTHORIZED" || (this.settings.cancel_policy === "any_open" && OPEN.has(order.status));
    if (!allowed) throw new SandboxError(422, "OPERATION_NOT_ALLOWED", "The operation is not allowed as the required precondition has failed");
    const t = this.now();
    for (const p of order.payments) {
      if (p.status === "PENDING" || p.status === "AUTHORIZED") {
        p.status = "CANCELLED";
        p.auto = undefined;
        p.updated_at = t;
      }
    }
    order.status = "CANCELLED";
    order.updated_at = t;
    this.emit("ORDER_CANCELLED", order);
    this.changed();
    return order;
  }

  /* ------------------------------------------------------------------------------- refunds */

  refund(
    orderId: string,
    input: { merchant_order_reference: string; amount: number; merchant_metadata?: Record<string, string> },
    requestHash: string,
  ): { refund: SimOrder; replayed: boolean } {
    const parent = this.order(orderId);
    const existingId = this.state.refund_refs[input.merchant_order_reference] ?? this.state.order_refs[input.merchant_order_reference];
    if (existingId) {
      const existing = this.state.orders[existingId]!;
      if (this.settings.idempotency === "replay" && existing.request_hash === requestHash && existing.parent_order_id === orderId)
        return { refund: existing, replayed: true };
      throw new SandboxError(422, "DUPLICATE_REQUEST", "The request has already been processed");
    }
    if (parent.type !== "CHARGE" || !REFUNDABLE.has(parent.status))
      throw new SandboxError(422, "OPERATION_NOT_ALLOWED", "The operation is not allowed as the required precondition has failed");
    const captured = parent.payments
      .filter((p) => p.status === "PROCESSED")
      .reduce((s, p) => s + (p.capture_data?.reduce((c, d) => c + d.capture_amount.value, 0) || p.amount.value), 0);
    const committed = parent.refund_ids
      .map((id) => this.state.orders[id]!)
      .filter((r) => r.status !== "FAILED")
      .reduce((s, r) => s + r.order_amount.value, 0);
    if (input.amount > captured - committed) throw new SandboxError(400, "INVALID_REQUEST", "Refund amount exceeds the amount available for refund");
    const t = this.now();
    const id = this.newOrderId();
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
          auto: { outcome: input.amount % 100 === FAILING_REFUND_PAISE ? "decline" : "approve", at: t + this.settings.refund_delay_ms },
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
    this.state.orders[id] = refund;
    this.state.refund_refs[input.merchant_order_reference] = id;
    parent.refund_ids.push(id);
    parent.updated_at = t;
    this.changed();
    return { refund, replayed: false };
  }

  private settleRefund(refund: SimOrder, ok: boolean) {
    const parent = this.state.orders[refund.parent_order_id!]!;
    const t = this.now();
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
      this.emit("REFUND_PROCESSED", refund);
    } else {
      p.status = "FAILED";
      p.error_detail = { code: "REFUND_FAILED", message: "The refund was declined by the acquirer" };
      refund.status = "FAILED";
      this.emit("REFUND_FAILED", refund);
    }
    this.changed();
  }

  /* ------------------------------------------------------------------------- time passes */

  /** Applies everything whose time has come: automatic answers, expiry, refund completion. */
  advance() {
    if (this.advancing) return;
    this.advancing = true;
    try {
      this.advanceNow();
    } finally {
      this.advancing = false;
    }
  }

  private advanceNow() {
    const t = this.now();
    for (const order of Object.values(this.state.orders)) {
      if (order.type === "REFUND") {
        if (order.status === "PENDING" && order.payments[0]?.auto && order.payments[0].auto.at <= t)
          this.settleRefund(order, order.payments[0].auto.outcome === "approve");
        continue;
      }
      if (order.status !== "PENDING") continue;
      for (const p of order.payments) {
        if (p.status !== "PENDING") continue;
        if (p.auto && p.auto.at <= t && p.auto.at < p.expires_at) {
          if (p.auto.outcome === "approve") this.approve(p.id);
          else this.decline(p.id, p.auto.code);
        } else if (p.expires_at <= t) {
          this.expire(p.id);
        }
      }
    }
  }

  /* ------------------------------------------------------------------------------- webhooks */

  private serializeContext(): SerializeContext {
    return {
      merchantId: this.config.merchantId,
      payeeVpa: this.settings.payee_vpa,
      imageUrl: (p) => this.qrImageUrl(p),
      get: (id) => this.state.orders[id],
    };
  }

  orderJson(order: SimOrder, opts: { webhook?: boolean } = {}) {
    return orderJson(order, this.serializeContext(), opts);
  }

  /** Sends an event for an order as it is now (control API: any event type, even an unknown one). */
  sendEvent(orderId: string, eventType: string): Delivery | undefined {
    const order = this.order(orderId);
    const d = this.emit(eventType, order);
    this.changed();
    return d;
  }

  private emit(eventType: string, order: SimOrder): Delivery | undefined {
    const w = this.settings.webhook;
    if (!w.enabled) return undefined;
    const t = this.now();
    const body = JSON.stringify({ event_type: eventType, data: this.orderJson(order, { webhook: true }) });
    const delivery: Delivery = {
      id: `msg_${rand(27)}`,
      event_type: eventType,
      order_id: order.order_id,
      body,
      state: Math.random() < w.drop ? "dropped" : "scheduled",
      attempts: [],
      next_at: t + w.delay_ms,
      created_at: t,
    };
    if (w.out_of_order && delivery.state === "scheduled") {
      // Hold every event back a little longer than the one after it would be: later events overtake earlier ones.
      const earlier = this.state.deliveries.filter((d) => d.order_id === order.order_id && d.state === "scheduled");
      for (const d of earlier) d.next_at = Math.max(d.next_at, delivery.next_at) + 1500;
    }
    this.state.deliveries.push(delivery);
    if (w.duplicate && delivery.state === "scheduled") this.state.deliveries.push({ ...delivery, attempts: [], next_at: delivery.next_at + 300 });
    if (this.state.deliveries.length > 2000) this.state.deliveries.splice(0, this.state.deliveries.length - 2000);
    return delivery;
  }

  /** Sends (or re-sends) one event now, with the same webhook-id and a fresh timestamp and signature. */
  async deliver(d: Delivery): Promise<void> {
    if (this.inflight.has(d)) return;
    this.inflight.add(d);
    const w = this.settings.webhook;
    const started = this.now();
    const ts = Math.floor(Date.now() / 1000);
    const headers = webhookHeaders(this.config.webhookSecret, d.id, ts, d.body, this.config.webhookSecretFormat);
    let status: number | null = null;
    let error: string | undefined;
    try {
      const res = await this.fetchImpl(w.url, {
        method: "POST",
        headers: { "content-type": "application/json", "user-agent": "Plural-Sandbox-Webhooks/1.0", ...headers },
        body: d.body,
        signal: AbortSignal.timeout(w.timeout_ms),
        redirect: "manual",
      });
      status = res.status;
      await res.body?.cancel().catch(() => undefined);
    } catch (e) {
      error = (e as Error).name === "TimeoutError" ? "timeout" : "connection failed";
    } finally {
      this.inflight.delete(d);
    }
    d.attempts.push({ at: started, status, error, ms: this.now() - started });
    if (status !== null && status >= 200 && status < 300) d.state = "delivered";
    else if (d.attempts.length > w.retries) d.state = "failed";
    else {
      d.state = "scheduled";
      d.next_at = this.now() + w.retry_base_ms * 2 ** (d.attempts.length - 1);
    }
    this.changed();
  }

  /** Background work: time-based transitions, then due webhook deliveries. */
  async tick(): Promise<void> {
    if (this.ticking) return;
    this.ticking = true;
    try {
      this.advance();
      const t = this.now();
      const due = this.state.deliveries.filter((d) => d.state === "scheduled" && d.next_at <= t);
      await Promise.all(due.map((d) => this.deliver(d)));
    } finally {
      this.ticking = false;
    }
  }

  /** Waits until no delivery is scheduled (tests and the control API's `flush`). */
  async flush(timeoutMs = 10_000): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (Date.now() < end) {
      await this.tick();
      if (!this.state.deliveries.some((d) => d.state === "scheduled")) return;
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /* ------------------------------------------------------------------- QR images and callbacks */

  private qrSignature(paymentId: string, expiresAtSeconds: number) {
    return createHmac("sha256", this.config.clientSecret).update(`${paymentId}:${expiresAtSeconds}`).digest("hex").slice(0, 32);
  }

  /** Like the real pre-signed S3 URL: valid for 1200 s from the payment's creation. */
  qrImageUrl(p: SimPayment): string {
    const amzDate = new Date(p.created_at)
      .toISOString()
      .replace(/[-:]/g, "")
      .replace(/\.\d{3}/, "");
    const exp = Math.floor(p.created_at / 1000) + 1200;
    return `${this.config.publicUrl}/qr/${encodeURIComponent(p.id)}.png?X-Amz-Date=${amzDate}&X-Amz-Expires=1200&X-Amz-Signature=${this.qrSignature(p.id, exp)}`;
  }

  /** The UPI link behind a QR image URL, or why it cannot be served. */
  qrLink(paymentId: string, params: URLSearchParams): { ok: true; link: string } | { ok: false; status: number; reason: string } {
    const found = this.findPayment(paymentId);
    if (!found) return { ok: false, status: 404, reason: "NoSuchKey" };
    const exp = Math.floor(found.payment.created_at / 1000) + 1200;
    const sig = params.get("X-Amz-Signature") ?? "";
    if (sig !== this.qrSignature(paymentId, exp)) return { ok: false, status: 403, reason: "SignatureDoesNotMatch" };
    if (this.now() / 1000 > exp) return { ok: false, status: 403, reason: "Request has expired" };
    return { ok: true, link: found.payment.link };
  }

  /** The signed fields Plural posts to the return URL after a landing page (reference §7.2). */
  callbackFor(order: SimOrder): { url: string; fields: Record<string, string> } | undefined {
    const success = order.status === "PROCESSED" || order.status === "AUTHORIZED";
    const url = success ? order.callback_url : (order.failure_callback_url ?? order.callback_url);
    if (!url) return undefined;
    const fields: Record<string, string> = { order_id: order.order_id, status: order.status };
    if (!success) {
      const failed = [...order.payments].reverse().find((p) => p.error_detail);
      fields.error_code = failed?.error_detail?.code ?? "PAYMENT_DECLINED";
      fields.error_message = failed?.error_detail?.message ?? ERROR_MESSAGES.PAYMENT_DECLINED!;
    }
    fields.signature = signCallback(fields, this.config.secretKey);
    return { url, fields };
  }

  /* ---------------------------------------------------------------- faults and redelivery */

  addFault(rule: Omit<FaultRule, "id" | "hits">): FaultRule {
    const added = { ...rule, id: `flt_${rand(10)}`, hits: 0 };
    this.state.faults.push(added);
    return added;
  }

  clearFaults() {
    this.state.faults = [];
  }

  /** Sends the latest delivery with this webhook-id again; undefined when there is none. */
  async redeliver(webhookId: string): Promise<Delivery | undefined> {
    const d = this.state.deliveries.findLast((x) => x.id === webhookId);
    if (d) await this.deliver(d);
    return d;
  }

  /* ------------------------------------------------------------------------- inspection */

  /** Every order (refunds too), newest first, as of now. */
  ordersNewestFirst(): SimOrder[] {
    this.advance();
    return Object.values(this.state.orders).sort((a, b) => b.created_at - a.created_at);
  }

  orderList() {
    return this.ordersNewestFirst().map((o) => this.orderJson(o));
  }

  paymentList() {
    return this.ordersNewestFirst().flatMap((o) =>
      o.payments.map((p) => ({
        order_id: o.order_id,
        id: p.id,
        status: p.status,
        txn_mode: p.txn_mode,
        upi_qr: p.upi_qr,
        amount: p.amount.value,
        tr: p.tr,
        link: p.link,
        expires_at: new Date(p.expires_at).toISOString(),
        error_detail: p.error_detail,
      })),
    );
  }

  /** Webhook deliveries, newest first, with every attempt's answer. */
  webhookLog() {
    return [...this.state.deliveries].reverse().map((d) => ({
      id: d.id,
      event_type: d.event_type,
      order_id: d.order_id,
      state: d.state,
      attempts: d.attempts.map((a) => ({ ...a, at: new Date(a.at).toISOString() })),
      next_at: new Date(d.next_at).toISOString(),
    }));
  }

  /** Everything, for the control API. */
  snapshot() {
    return {
      settings: this.settings,
      orders: this.orderList(),
      payments: this.paymentList(),
      webhooks: this.webhookLog(),
      faults: this.state.faults,
      tokens: Object.keys(this.state.tokens).length,
    };
  }
}

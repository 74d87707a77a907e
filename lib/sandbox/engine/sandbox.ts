import { randomUUID } from "node:crypto";
import type { Delivery, FaultRule, Settings, SimOrder, SimSettlement } from "../types";
import { callbackFor, type Callback } from "./callbacks";
import { Clock } from "./clock";
import type { Core, SandboxConfig } from "./core";
import { Faults } from "./faults";
import { Journal, readStateFile } from "./journal";
import { restore } from "./restore";
import { Orders, type CreateOrderInput, type PaymentInput } from "./orders";
import { Outbox, type WebhookHealth } from "./outbox";
import { QrImages } from "./qr";
import { Records } from "./records";
import { Refunds, type RefundInput } from "./refunds";
import { profileOf, profilesView } from "./profiles";
import { defaultSettings, envSettings, patchSettings, settingsAtStart, type EnvSettings, type SettingsPatch } from "./settings";
import { CallStats } from "./stats";
import { Settlements, settlementDetailJson, settlementSummaryJson, settlementView, type RunOptions } from "./settlements";
import { Tokens } from "./tokens";
import { Views, type DashboardView, type PaymentView } from "./views";

/**
 * The simulated Plural: orders, UPI payments, the order state machine of Pine Labs' "Order life cycle" page, refunds,
 * expiry, automatic test outcomes, signed webhooks with retries, and the knobs to break them. It
 * composes the parts in this folder around one set of records, which nothing outside reaches: the
 * API, the control API and the pages use the methods and read models below.
 *
 * Every mutation is synchronous, so concurrent requests in this process cannot interleave inside one.
 * Methods that let time pass (and so may send webhooks) say so: `advance()`, and every mutation,
 * which first applies what fell due.
 */
export class Sandbox {
  readonly #records: Records;
  readonly #core: Core;
  readonly #env: EnvSettings;
  readonly #journal: Journal | undefined;
  readonly #orders: Orders;
  readonly #refunds: Refunds;
  readonly #clock: Clock;
  readonly #outbox: Outbox;
  readonly #qr: QrImages;
  readonly #faults: Faults;
  readonly #views: Views;
  readonly #stats: CallStats;
  readonly #tokens: Tokens;
  readonly #settlements: Settlements;
  #loop: NodeJS.Timeout | undefined;
  /** Tells this sandbox from another one (a store checks at start-up that it reaches the sandbox it serves). */
  readonly instanceId = randomUUID();

  constructor(config: SandboxConfig) {
    const now = config.now ?? Date.now;
    this.#env = envSettings(config);
    const file = config.stateFile ? readStateFile(config.stateFile) : undefined;
    const loaded = file?.loaded;
    const overridden = new Set(loaded?.overridden ?? []);
    this.#records = new Records(settingsAtStart(loaded?.settings, this.#env, overridden));
    this.#records.overridden = overridden;
    this.#core = { config, now, records: this.#records, emit: (type, order) => this.#outbox.emit(type, order) };
    this.#qr = new QrImages(this.#core);
    this.#views = new Views(this.#core, this.#qr);
    this.#orders = new Orders(this.#core);
    this.#refunds = new Refunds(this.#core, this.#orders);
    this.#settlements = new Settlements(this.#core);
    this.#clock = new Clock(this.#core, this.#orders, this.#refunds, this.#settlements);
    this.#outbox = new Outbox(
      this.#core,
      (order) => this.#views.orderJson(order, { webhook: true }),
      () => this.#clock.advance(),
    );
    this.#faults = new Faults(this.#core);
    this.#stats = new CallStats(now);
    this.#tokens = new Tokens(this.#core);
    this.#journal = restore(this.#records, config.stateFile, file);
    // Deliveries that were mid-flight when the process stopped go out again.
    if (config.background !== false) {
      this.#loop = setInterval(() => void this.#outbox.tick(), 200);
      this.#loop.unref?.();
    }
  }

  /** Stops the background loop and writes what is not yet on disk (synchronously). */
  close() {
    if (this.#loop) clearInterval(this.#loop);
    this.#loop = undefined;
    this.#journal?.close();
  }

  /** Resolves when every change so far is in the state file (tests, benchmarks). */
  async persisted(): Promise<void> {
    await this.#journal?.settled();
  }

  persistenceStats() {
    return { ...(this.#journal?.stats ?? { lastSaveMs: 0, lastSaveBytes: 0, saves: 0, lastCompactionMs: 0, compactions: 0 }) };
  }

  /** Rewrites the state file now as the live records only (otherwise done when the journal outgrows them). */
  async compactStateFile(): Promise<void> {
    await this.#journal?.compact();
  }

  /* ----------------------------------------------------------------------------- settings */

  get settings(): Settings {
    return structuredClone(this.#records.settings);
  }

  /** The profile whose readings the settings have now, or "custom" (lib/sandbox/engine/profiles.ts). */
  profile() {
    return profileOf(this.#records.settings);
  }

  /** Both profiles and every reading, with its sources (`GET /sandbox/control/profiles`). */
  profiles() {
    return profilesView(this.profile());
  }

  /** Environment-derived settings changed through the control API (they no longer follow the environment). */
  settingsOverridden(): string[] {
    return [...this.#records.overridden];
  }

  updateSettings(patch: SettingsPatch): Settings {
    const { settings, touched } = patchSettings(this.#records.settings, patch);
    this.#records.settings = settings;
    for (const key of touched) this.#records.overridden.add(key);
    this.#records.touchSettings();
    return this.settings;
  }

  /** Forgets every order, delivery and fault; settings too unless `keepSettings` (issued tokens stay). */
  reset(keepSettings = false) {
    const r = this.#records;
    if (keepSettings) r.clear(r.settings, r.overridden);
    else r.clear(defaultSettings(this.#env), new Set());
  }

  /* ------------------------------------------------------------------------------- tokens */

  issueToken(clientId: string, clientSecret: string) {
    return this.#tokens.issue(clientId, clientSecret);
  }

  isValidToken(token: string | undefined): boolean {
    return this.#tokens.isValid(token);
  }

  expireTokens() {
    this.#tokens.expireAll();
  }

  /* ------------------------------------------------------------------------ time passes */

  /** Applies everything whose time has come (automatic answers, expiry, refunds); may send webhooks. */
  advance() {
    this.#clock.advance();
  }

  /** Background work: `advance()`, then the webhook deliveries that are due. */
  tick(): Promise<void> {
    return this.#outbox.tick();
  }

  /* -------------------------------------------------------- orders, payments, refunds */

  createOrder(input: CreateOrderInput): { order: SimOrder; replayed: boolean } {
    this.advance();
    return this.#orders.create(input);
  }

  createPayment(orderId: string, item: PaymentInput, requestHash: string): { order: SimOrder; replayed: boolean } {
    this.advance();
    return this.#orders.createPayment(orderId, item, requestHash);
  }

  /** The payer approves: PROCESSED (or AUTHORIZED for pre-auth) and a webhook. */
  approve(paymentId: string, payerVpa?: string) {
    return this.#orders.approve(paymentId, payerVpa);
  }

  /** A failed or cancelled payment succeeds late (the bank's answer came after the timeout): PROCESSED and a webhook. */
  approveLate(paymentId: string, payerVpa?: string) {
    return this.#orders.approveLate(paymentId, payerVpa);
  }

  /** The payer declines (or the bank refuses): ATTEMPTED while retries remain, then FAILED; webhooks. */
  decline(paymentId: string, code = "PAYMENT_DECLINED", message?: string) {
    return this.#orders.decline(paymentId, code, message);
  }

  expire(paymentId: string) {
    return this.#orders.decline(paymentId, "PAYMENT_EXPIRED");
  }

  capture(orderId: string, input: { merchant_capture_reference: string; capture_amount?: { value: number; currency: string } }): SimOrder {
    this.advance();
    return this.#orders.capture(orderId, input);
  }

  cancel(orderId: string): SimOrder {
    this.advance();
    return this.#orders.cancel(orderId);
  }

  refund(orderId: string, input: RefundInput, requestHash: string): { refund: SimOrder; replayed: boolean } {
    this.advance();
    return this.#refunds.create(orderId, input, requestHash);
  }

  /* ----------------------------------------------------------------------- settlements */

  /** Settles now everything processed before the cut-off (control API); undefined when nothing is due. */
  runSettlement(opts: RunOptions = {}): SimSettlement | undefined {
    this.advance();
    return this.#settlements.run(opts);
  }

  /** Get All Settlements' `data` for batches settled in [from, to] (ms) that the API can see, newest first. */
  settlementsBetween(from: number, to: number) {
    return this.#settlements
      .visible(from, to)
      .sort((a, b) => b.settled_at - a.settled_at)
      .map((s) => settlementSummaryJson(s, this.#records.settings.settlement.refunds));
  }

  /** Get Settlements by UTR's answer for one page; 400 when the UTR is unknown (or not visible yet). */
  settlementDetail(utr: string, page: number, perPage: number) {
    return settlementDetailJson(this.#settlements.byUtr(utr), page, perPage, this.#records.settings.settlement.refunds);
  }

  settlementList() {
    return this.#settlements.list().map(settlementView);
  }

  /* ---------------------------------------------------------------------------- reading */

  /** Get Order's `data` for an order as it is recorded (call `advance()` first for "as of now"); 404 when unknown. */
  orderView(orderId: string) {
    return this.#views.orderJson(this.#orders.require(orderId));
  }

  orderViewByReference(ref: string) {
    return this.#views.orderJson(this.#orders.byReference(ref));
  }

  /** Plural's JSON for an order record (or id), as Get Order or (with `webhook`) a webhook carries it. */
  orderJson(order: SimOrder | string, opts: { webhook?: boolean } = {}) {
    return this.#views.orderJson(typeof order === "string" ? this.#orders.require(order) : order, opts);
  }

  /** The order behind a merchant reference (refund references too); 404 when unknown. */
  orderByReference(ref: string): Readonly<SimOrder> {
    return this.#orders.byReference(ref);
  }

  orderList() {
    return this.#views.orderList();
  }

  paymentList(): PaymentView[] {
    return this.#views.paymentList();
  }

  paymentView(paymentId: string): PaymentView | undefined {
    const found = this.#records.payment(paymentId);
    return found && this.#views.payment(found.order, found.payment);
  }

  /** The payment a UPI link points at (by its `tr`), for the sandbox UPI app. */
  paymentByTr(tr: string): PaymentView | undefined {
    const found = this.#records.paymentByTrValue(tr);
    return found && this.#views.payment(found.order, found.payment);
  }

  /** Collect requests waiting for this VPA, newest first. */
  collectInbox(vpa: string): PaymentView[] {
    return this.#records.collectsFor(vpa).map((f) => this.#views.payment(f.order, f.payment));
  }

  /** Payments waiting for a payer, newest order first. */
  waitingPayments(limit: number): PaymentView[] {
    return this.#records.pendingNewestFirst(limit).flatMap((o) => o.payments.filter((p) => p.status === "PENDING").map((p) => this.#views.payment(o, p)));
  }

  /**
   * Create Payment's answer for the payment with this reference: the order in `{ data }`, or with
   * `payment_response: flat` the guide's QR sample, `{payment_id, status, challenge_url, image_url}`
   * (a payment still waiting says INITIATED, as the sample does).
   */
  paymentAnswer(order: SimOrder, merchantPaymentReference: string): unknown {
    if (this.#records.settings.payment_response === "wrapped") return { data: this.orderJson(order) };
    const p = order.payments.find((x) => x.merchant_payment_reference === merchantPaymentReference) ?? order.payments.at(-1)!;
    const out: Record<string, unknown> = { payment_id: p.id, status: p.status === "PENDING" ? "INITIATED" : p.status };
    if (p.challenge_url) out.challenge_url = p.challenge_url;
    if (p.upi_qr) out.image_url = this.#qr.url(p);
    return out;
  }

  /** The signed form Plural posts to the order's return URL, if it has one. */
  callbackFor(orderId: string): Callback | undefined {
    return callbackFor(this.#core, this.#orders.require(orderId));
  }

  merchant() {
    return { name: this.#records.settings.merchant_name, vpa: this.#records.settings.payee_vpa };
  }

  webhookLog(limit?: number) {
    return this.#views.webhookLog(limit);
  }

  webhookHealth(): WebhookHealth {
    return this.#outbox.health();
  }

  dashboard(limits = { orders: 30, webhooks: 40 }): DashboardView {
    return {
      settings: this.settings,
      profile: this.profile(),
      settings_overridden: this.settingsOverridden(),
      faults: this.#records.faults.length,
      tokens: this.#records.tokens.size,
      orders: { total: this.#records.orderCount, recent_charges: this.#views.recentCharges(limits.orders) },
      webhooks: { total: this.#records.deliveries.length, recent: this.#views.webhookLog(limits.webhooks), health: this.#outbox.health() },
    };
  }

  /** Everything, for the control API's `GET state`. */
  snapshot() {
    return {
      settings: this.settings,
      profile: this.profile(),
      settings_overridden: this.settingsOverridden(),
      orders: this.orderList(),
      payments: this.paymentList(),
      webhooks: this.webhookLog(),
      webhook_health: this.webhookHealth(),
      faults: this.faults(),
      tokens: this.#records.tokens.size,
    };
  }

  /* ------------------------------------------------------------- webhooks, QR, faults */

  /** Sends an event for an order as it is now (control API: any event type, even an unknown one). */
  sendEvent(orderId: string, eventType: string): Delivery | undefined {
    this.advance();
    return this.#outbox.emit(eventType, this.#orders.require(orderId));
  }

  /** Sends the latest delivery with this webhook-id again; undefined when there is none. */
  redeliver(webhookId: string): Promise<Delivery | undefined> {
    return this.#outbox.redeliver(webhookId);
  }

  /** Waits until no delivery is scheduled (tests and the control API's `flush`). */
  flush(timeoutMs = 10_000): Promise<void> {
    return this.#outbox.flush(timeoutMs);
  }

  /** The UPI link behind a QR image URL, or why it cannot be served. */
  qrLink(paymentId: string, params: URLSearchParams) {
    this.advance();
    return this.#qr.link(paymentId, params);
  }

  faults(): FaultRule[] {
    return this.#faults.list();
  }

  addFault(rule: Omit<FaultRule, "id" | "hits">): FaultRule {
    return this.#faults.add(rule);
  }

  clearFaults() {
    this.#faults.clear();
  }

  /** The fault rules that hit this call of operation `op` (each rule's counters move). */
  takeFaults(op: string): FaultRule[] {
    return this.#faults.take(op);
  }

  /* ------------------------------------------------------------------------ call counters */

  countCall(op: string) {
    this.#stats.count(op);
  }

  stats() {
    return this.#stats.read();
  }

  resetStats() {
    this.#stats.reset();
  }
}

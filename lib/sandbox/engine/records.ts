import type { Delivery, FaultRule, Settings, SimOrder, SimPayment, SimSettlement } from "../types";
import { TimerHeap } from "./heap";

/** What changed since the journal last wrote: the journal appends exactly these. */
export type Dirty = {
  reset: boolean;
  settings: boolean;
  tokens: boolean;
  faults: boolean;
  orders: Set<string>;
  deliveries: Set<Delivery>;
  settlements: Set<string>;
};

export type Found = { order: SimOrder; payment: SimPayment };

const MAX_DELIVERIES = 2000;
const paymentOrderId = (paymentId: string) => paymentId.replace(/-up-.$/, "");

/**
 * The sandbox's records and the indexes that make every lookup and every tick independent of how
 * many orders it holds: orders by id and by reference, payments by reference and by `tr`, pending
 * collect requests by VPA, open orders, and the timers of every open order in a heap. Every change
 * goes through `touchOrder` (or its siblings), which re-indexes the record and marks it for the journal.
 */
export class Records {
  readonly orders = new Map<string, SimOrder>();
  /** Order ids in creation order (newest last). */
  private created: string[] = [];
  private orderRefs = new Map<string, string>();
  private refundRefs = new Map<string, string>();
  private paymentByRef = new Map<string, string>();
  private paymentByTr = new Map<string, string>();
  private collects = new Map<string, Set<string>>();
  private pendingOrders = new Set<string>();
  private timers = new TimerHeap();
  private nextDue = new Map<string, number>();
  /** PROCESSED payments (charges and refunds) not yet in a settlement: what the next run settles. */
  readonly unsettled = new Set<string>();
  /** Settlement batches by UTR, oldest first. */
  readonly settlements = new Map<string, SimSettlement>();

  readonly tokens = new Map<string, number>();
  deliveries: Delivery[] = [];
  readonly scheduled = new Set<Delivery>();
  faults: FaultRule[] = [];
  overridden = new Set<string>();
  seq = 0;
  private deliveryKey = 0;

  dirty: Dirty = { reset: false, settings: false, tokens: false, faults: false, orders: new Set(), deliveries: new Set(), settlements: new Set() };
  /** Called after every change (the journal schedules a write). */
  onChange: () => void = () => {};

  constructor(public settings: Settings) {}

  /* ---------------------------------------------------------------------------- orders */

  order(id: string): SimOrder | undefined {
    return this.orders.get(id);
  }

  orderIdByReference(ref: string): string | undefined {
    return this.orderRefs.get(ref);
  }

  refundIdByReference(ref: string): string | undefined {
    return this.refundRefs.get(ref);
  }

  addOrder(order: SimOrder) {
    this.orders.set(order.order_id, order);
    this.created.push(order.order_id);
    if (order.type === "REFUND") {
      if (!this.refundRefs.has(order.merchant_order_reference)) this.refundRefs.set(order.merchant_order_reference, order.order_id);
    } else if (!this.orderRefs.has(order.merchant_order_reference)) this.orderRefs.set(order.merchant_order_reference, order.order_id);
    this.touchOrder(order);
  }

  /** Re-indexes an order after a change and marks it for the journal. */
  touchOrder(order: SimOrder) {
    this.index(order);
    this.dirty.orders.add(order.order_id);
    this.onChange();
  }

  /** Re-indexes an order without marking it changed (its timers after a tick). */
  reindex(order: SimOrder) {
    this.index(order);
  }

  private index(o: SimOrder) {
    for (const p of o.payments) {
      if (!this.paymentByRef.has(p.merchant_payment_reference)) this.paymentByRef.set(p.merchant_payment_reference, p.id);
      if (!this.paymentByTr.has(p.tr)) this.paymentByTr.set(p.tr, p.id);
      if (p.payer_vpa) {
        const vpa = p.payer_vpa.toLowerCase();
        let set = this.collects.get(vpa);
        if (p.txn_mode === "COLLECT" && p.status === "PENDING") {
          if (!set) this.collects.set(vpa, (set = new Set()));
          set.add(p.id);
        } else if (set?.delete(p.id) && set.size === 0) this.collects.delete(vpa);
      }
      if (p.status === "PROCESSED" && !p.settled_utr) this.unsettled.add(p.id);
      else this.unsettled.delete(p.id);
      const tr = Number(p.tr) - 100000;
      if (tr > this.seq) this.seq = tr;
    }
    if (o.type === "CHARGE" && o.status === "PENDING") this.pendingOrders.add(o.order_id);
    else this.pendingOrders.delete(o.order_id);
    const due = dueAt(o);
    if (due !== this.nextDue.get(o.order_id)) {
      if (due === undefined) this.nextDue.delete(o.order_id);
      else {
        this.nextDue.set(o.order_id, due);
        this.timers.push(due, o.order_id);
      }
    }
  }

  /* -------------------------------------------------------------------------- payments */

  payment(paymentId: string): Found | undefined {
    const order = this.orders.get(paymentOrderId(paymentId));
    const payment = order?.payments.find((p) => p.id === paymentId);
    return order && payment ? { order, payment } : undefined;
  }

  paymentByReference(ref: string): Found | undefined {
    const id = this.paymentByRef.get(ref);
    return id ? this.payment(id) : undefined;
  }

  paymentByTrValue(tr: string): Found | undefined {
    const id = this.paymentByTr.get(tr);
    return id ? this.payment(id) : undefined;
  }

  /** Pending collect requests to this VPA, newest first. */
  collectsFor(vpa: string): Found[] {
    const ids = this.collects.get(vpa.trim().toLowerCase());
    if (!ids) return [];
    return [...ids]
      .map((id) => this.payment(id))
      .filter((f): f is Found => !!f)
      .sort((a, b) => b.payment.created_at - a.payment.created_at);
  }

  /** Charge orders waiting for a payer, newest first. */
  pendingNewestFirst(limit: number): SimOrder[] {
    return [...this.pendingOrders]
      .map((id) => this.orders.get(id)!)
      .sort((a, b) => b.created_at - a.created_at)
      .slice(0, limit);
  }

  /**
   * Orders newest first, as a stable sort by `created_at` would give them (ties in creation order),
   * without sorting: records are created in time order.
   */
  *newestFirst(filter: (o: SimOrder) => boolean = () => true): Generator<SimOrder> {
    let run: SimOrder[] = [];
    for (let i = this.created.length - 1; i >= 0; i--) {
      const o = this.orders.get(this.created[i]!)!;
      if (run.length && run[0]!.created_at !== o.created_at) {
        yield* run.filter(filter);
        run = [];
      }
      run.unshift(o);
    }
    yield* run.filter(filter);
  }

  get orderCount() {
    return this.orders.size;
  }

  /* ---------------------------------------------------------------------------- timers */

  /** Takes the next order whose timer is due by `t` (each at most once per due time). */
  takeDue(t: number): SimOrder | undefined {
    for (;;) {
      const top = this.timers.peek();
      if (!top || top.at > t) return undefined;
      this.timers.pop();
      if (this.nextDue.get(top.id) !== top.at) continue; // superseded
      this.nextDue.delete(top.id);
      const order = this.orders.get(top.id);
      if (order) return order;
    }
  }

  /* ----------------------------------------------------------------------- settlements */

  addSettlement(s: SimSettlement) {
    this.settlements.set(s.utr, s);
    this.dirty.settlements.add(s.utr);
    this.onChange();
  }

  /* ------------------------------------------------------------------------ deliveries */

  addDelivery(d: Omit<Delivery, "key">): Delivery {
    const delivery = { ...d, key: ++this.deliveryKey } as Delivery;
    this.deliveries.push(delivery);
    if (delivery.state === "scheduled") this.scheduled.add(delivery);
    if (this.deliveries.length > MAX_DELIVERIES) {
      for (const old of this.deliveries.splice(0, this.deliveries.length - MAX_DELIVERIES)) {
        this.scheduled.delete(old);
        this.dirty.deliveries.delete(old);
      }
    }
    this.dirty.deliveries.add(delivery);
    this.onChange();
    return delivery;
  }

  touchDelivery(d: Delivery) {
    if (d.state === "scheduled") this.scheduled.add(d);
    else this.scheduled.delete(d);
    this.dirty.deliveries.add(d);
    this.onChange();
  }

  /** Deliveries read back from the journal, in the order they were created. */
  loadDeliveries(list: Delivery[]) {
    this.deliveries = list.slice(-MAX_DELIVERIES);
    this.scheduled.clear();
    for (const d of this.deliveries) if (d.state === "scheduled") this.scheduled.add(d);
    this.deliveryKey = Math.max(this.deliveryKey, ...this.deliveries.map((d) => d.key));
  }

  /* ----------------------------------------------------------------- settings and the rest */

  touchSettings() {
    this.dirty.settings = true;
    this.onChange();
  }

  touchTokens() {
    this.dirty.tokens = true;
    this.onChange();
  }

  touchFaults() {
    this.dirty.faults = true;
    this.onChange();
  }

  /** Forgets every order, delivery and fault (tokens stay: a reset clears data, not the merchant's sessions). */
  clear(settings: Settings, overridden: Set<string>) {
    this.orders.clear();
    this.created = [];
    this.orderRefs.clear();
    this.refundRefs.clear();
    this.paymentByRef.clear();
    this.paymentByTr.clear();
    this.collects.clear();
    this.pendingOrders.clear();
    this.timers.clear();
    this.nextDue.clear();
    this.unsettled.clear();
    this.settlements.clear();
    this.deliveries = [];
    this.scheduled.clear();
    this.faults = [];
    this.seq = 0;
    this.settings = settings;
    this.overridden = overridden;
    this.dirty = { reset: true, settings: true, tokens: true, faults: true, orders: new Set(), deliveries: new Set(), settlements: new Set() };
    this.onChange();
  }
}

/** When an order next changes by itself: an automatic answer, an expiry, or a refund settling. */
function dueAt(o: SimOrder): number | undefined {
  if (o.type === "REFUND") return o.status === "PENDING" ? o.payments[0]?.auto?.at : undefined;
  if (o.status !== "PENDING") return undefined;
  let due: number | undefined;
  for (const p of o.payments) {
    if (p.status !== "PENDING") continue;
    const at = p.auto && p.auto.at < p.expires_at ? p.auto.at : p.expires_at;
    if (due === undefined || at < due) due = at;
  }
  return due;
}

import { orderJson } from "../serialize";
import type { Delivery, Settings, SimOrder, SimPayment } from "../types";
import type { Core } from "./core";
import type { WebhookHealth } from "./outbox";
import type { QrImages } from "./qr";

/**
 * Read models: what the control API answers and the sandbox's pages show. Plain data (ISO times,
 * amounts in paise), built from the records on demand; nothing here changes anything.
 */

/** A payment as `GET /sandbox/control/payments` lists it. */
export type PaymentView = {
  order_id: string;
  id: string;
  status: SimPayment["status"];
  txn_mode: SimPayment["txn_mode"];
  upi_qr: boolean;
  amount: number;
  tr: string;
  link: string;
  expires_at: string;
  error_detail?: { code: string; message: string };
  payer_vpa?: string;
  order_status: string;
  /** The payment and its order both wait for the payer: it can be approved or declined. */
  answerable: boolean;
  created_at: string;
};

/** An order as the dashboard lists it. */
export type OrderSummary = {
  order_id: string;
  merchant_order_reference: string;
  type: SimOrder["type"];
  status: string;
  amount: number;
  pre_auth: boolean;
  refunded: number;
  created_at: string;
  payments: PaymentView[];
};

/** A webhook delivery as `GET /sandbox/control/webhooks` lists it. */
export type WebhookView = {
  id: string;
  event_type: string;
  order_id: string;
  state: Delivery["state"];
  attempts: Array<{ at: string; status: number | null; error?: string; ms: number; url?: string }>;
  next_at: string;
};

/** Everything the dashboard shows (`GET /sandbox/control/summary`). */
export type DashboardView = {
  settings: Settings;
  profile: string;
  settings_overridden: string[];
  faults: number;
  tokens: number;
  orders: { total: number; recent_charges: OrderSummary[] };
  webhooks: { total: number; recent: WebhookView[]; health: WebhookHealth };
};

const iso = (ms: number) => new Date(ms).toISOString();

export class Views {
  constructor(
    private readonly core: Core,
    private readonly qr: QrImages,
  ) {}

  /** The order exactly as Get Order returns it inside `data` (and as webhooks carry it). */
  orderJson(order: SimOrder, opts: { webhook?: boolean } = {}) {
    const { config, records } = this.core;
    return orderJson(
      order,
      { merchantId: config.merchantId, payeeVpa: records.settings.payee_vpa, imageUrl: (p) => this.qr.url(p), get: (id) => records.order(id) },
      opts,
    );
  }

  payment(order: SimOrder, p: SimPayment): PaymentView {
    const view: PaymentView = {
      order_id: order.order_id,
      id: p.id,
      status: p.status,
      txn_mode: p.txn_mode,
      upi_qr: p.upi_qr,
      amount: p.amount.value,
      tr: p.tr,
      link: p.link,
      expires_at: iso(p.expires_at),
      error_detail: p.error_detail,
      order_status: order.status,
      answerable: p.status === "PENDING" && order.status === "PENDING",
      created_at: iso(p.created_at),
    };
    if (p.payer_vpa) view.payer_vpa = p.payer_vpa;
    return view;
  }

  orderSummary(o: SimOrder): OrderSummary {
    return {
      order_id: o.order_id,
      merchant_order_reference: o.merchant_order_reference,
      type: o.type,
      status: o.status,
      amount: o.order_amount.value,
      pre_auth: o.pre_auth,
      refunded: o.refunded,
      created_at: iso(o.created_at),
      payments: o.payments.map((p) => this.payment(o, p)),
    };
  }

  webhook(d: Delivery): WebhookView {
    return {
      id: d.id,
      event_type: d.event_type,
      order_id: d.order_id,
      state: d.state,
      attempts: d.attempts.map((a) => ({ ...a, at: iso(a.at) })),
      next_at: iso(d.next_at),
    };
  }

  /** Every order (refunds too), newest first, in Plural's shape. */
  orderList() {
    return [...this.core.records.newestFirst()].map((o) => this.orderJson(o));
  }

  paymentList(): PaymentView[] {
    return [...this.core.records.newestFirst()].flatMap((o) => o.payments.map((p) => this.payment(o, p)));
  }

  /** Webhook deliveries, newest first, with every attempt's answer. */
  webhookLog(limit = Infinity): WebhookView[] {
    const list = this.core.records.deliveries;
    const out: WebhookView[] = [];
    for (let i = list.length - 1; i >= 0 && out.length < limit; i--) out.push(this.webhook(list[i]!));
    return out;
  }

  recentCharges(limit: number): OrderSummary[] {
    const out: OrderSummary[] = [];
    for (const o of this.core.records.newestFirst((x) => x.type === "CHARGE")) {
      if (out.length >= limit) break;
      out.push(this.orderSummary(o));
    }
    return out;
  }
}

import type { SimOrder, SimPayment } from "./types";

const iso = (ms: number) => new Date(ms).toISOString();

function upiBlock(p: SimPayment, withParties: boolean, payeeVpa: string) {
  const block: Record<string, unknown> = { txn_mode: p.txn_mode };
  if (p.upi_qr) block.upi_qr = true;
  const answered = withParties && p.status !== "PENDING";
  if (answered) block.payee = { reference_id: "174425", reference_type: "MERCHANT", vpa: payeeVpa, acquirer_name: "HDFC" };
  if (p.payer_vpa) block.payer = answered ? { vpa: p.payer_vpa, phone_number: "919999999999", account_type: "SAVINGS" } : { vpa: p.payer_vpa };
  return block;
}

/** A payment as Plural shows it inside `payments[]`. QR payments use `upi_data`, as the QR sample does. */
function paymentJson(p: SimPayment, payeeVpa: string, opts: { webhook?: boolean } = {}) {
  const useData = p.upi_qr || opts.webhook;
  const out: Record<string, unknown> = {
    id: p.id,
    merchant_payment_reference: p.merchant_payment_reference,
    status: p.status,
    payment_amount: p.amount,
    payment_method: "UPI",
    payment_option: { [useData ? "upi_data" : "upi_details"]: upiBlock(p, !!opts.webhook || p.status !== "PENDING", payeeVpa) },
    acquirer_data: {
      approval_code: p.status === "PROCESSED" || p.status === "AUTHORIZED" ? "00" : "",
      acquirer_reference: p.acquirer_reference ?? "",
      rrn: p.acquirer_reference ?? "",
      is_aggregator: true,
    },
    created_at: iso(p.created_at),
    updated_at: iso(p.updated_at),
  };
  if (p.error_detail) out.error_detail = p.error_detail;
  if (p.capture_data) out.capture_data = p.capture_data.map((c) => ({ ...c, created_at: iso(c.created_at) }));
  return out;
}

export type SerializeContext = { merchantId: string; payeeVpa: string; imageUrl: (p: SimPayment) => string; get: (id: string) => SimOrder | undefined };

/** The order exactly as Get Order returns it inside `data` (and as webhooks carry it). */
export function orderJson(o: SimOrder, ctx: SerializeContext, opts: { webhook?: boolean } = {}) {
  const out: Record<string, unknown> = {
    order_id: o.order_id,
    merchant_order_reference: o.merchant_order_reference,
    type: o.type,
    status: o.status,
    merchant_id: ctx.merchantId,
    order_amount: o.order_amount,
    pre_auth: o.pre_auth,
  };
  if (o.parent_order_id) out.parent_order_id = o.parent_order_id;
  if (o.notes !== undefined) out.notes = o.notes;
  if (o.callback_url) out.callback_url = o.callback_url;
  if (o.failure_callback_url) out.failure_callback_url = o.failure_callback_url;
  if (o.allowed_payment_methods) out.allowed_payment_methods = o.allowed_payment_methods;
  if (o.purchase_details) out.purchase_details = o.purchase_details;
  const active = o.payments[o.payments.length - 1];
  if (active && o.type === "CHARGE") {
    if (active.challenge_url) out.challenge_url = active.challenge_url;
    if (active.upi_qr) out.image_url = ctx.imageUrl(active);
  }
  if (o.type === "CHARGE") out.payment_retries_remaining = o.payment_retries_remaining;
  out.payments = o.payments.map((p) => paymentJson(p, ctx.payeeVpa, opts));
  if (o.refund_ids.length) {
    out.refunds = o.refund_ids
      .map((id) => ctx.get(id))
      .filter((r): r is SimOrder => !!r)
      .map((r) => orderJson(r, ctx, opts));
  }
  out.created_at = new Date(o.created_at).toISOString();
  out.updated_at = new Date(o.updated_at).toISOString();
  out.integration_mode = "SEAMLESS";
  return out;
}

/**
 * The chaos run's invariants, checked against Plural's truth (the sandbox's control API) and the
 * store's database (read directly: what the store believes, not what a page renders). Each check
 * answers a list of violations: { orderId?, what }. `gather` reads both sides once; `check` is pure.
 */

const PAID = new Set(["PROCESSED", "PARTIALLY_REFUNDED", "FULLY_REFUNDED", "AUTHORIZED", "PARTIALLY_CAPTURED"]);
const OPEN = new Set(["CREATED", "PENDING", "ATTEMPTED"]);

export const INVARIANTS = [
  ["status", "every order's status equals Plural's"],
  ["shown", "no shopper shown paid for a failed payment, or failed for a paid one"],
  ["refunds", "refunds per order ≤ paid; no refund sent twice"],
  ["late", "every late or double payment flagged (refunded when automatic refunds are on)"],
  ["webhooks", "every webhook's effect applied once (refunded amounts equal Plural's)"],
  ["stuck", "no order lost, or stuck open past the sweep's bound"],
  ["5xx", "no 5xx (or no answer) to a shopper outside the windows an instance was down"],
  ["budget", "Plural calls within budget (tokens cached)"],
];
/** The invariants that the quiet period lets converge (the others are about what happened during the run). */
export const CONVERGING = new Set(["status", "refunds", "late", "webhooks", "stuck"]);

export async function gather(w) {
  const q = (sql) => w.query(sql).then((r) => r.rows);
  const [orders, payments, refunds, events, items] = await Promise.all([
    q(
      `SELECT "id","merchantOrderReference" AS ref,"pluralOrderId","status","amountInPaise","refundedInPaise","latePayment","latePaymentOf","customerEmail","createdAt","pluralAttempt","autoRefundAt" FROM "Order"`,
    ),
    q(`SELECT "orderId","pluralPaymentId","pluralOrderId","status","upiMode","amountInPaise","createdAt","updatedAt" FROM "Payment"`),
    q(`SELECT "orderId","merchantRefundReference" AS ref,"pluralRefundId","pluralOrderId","amountInPaise","status","createdAt","updatedAt" FROM "Refund"`),
    q(`SELECT "orderId","source","externalId","type","statusFrom","statusTo","createdAt" FROM "OrderEvent" ORDER BY "createdAt"`),
    q(`SELECT "orderId", string_agg("productId" || 'x' || "quantity", ',' ORDER BY "productId") AS items FROM "OrderItem" GROUP BY "orderId"`),
  ]);
  const plural = (await w.control.get("orders")).json.orders ?? [];
  const webhooks = (await w.control.get("webhooks")).json.webhooks ?? [];
  const by = (rows, key) => {
    const m = new Map();
    for (const r of rows) (m.get(r[key]) ?? m.set(r[key], []).get(r[key])).push(r);
    return m;
  };
  const itemsOf = new Map(items.map((r) => [r.orderId, r.items]));
  return {
    orders,
    paymentsOf: by(payments, "orderId"),
    refundsOf: by(refunds, "orderId"),
    eventsOf: by(events, "orderId"),
    itemsOf,
    plural,
    pluralById: new Map(plural.map((o) => [o.order_id, o])),
    charges: plural.filter((o) => o.type === "CHARGE"),
    pluralRefunds: plural.filter((o) => o.type === "REFUND"),
    webhooksOf: by(webhooks, "order_id"),
    webhooks,
  };
}

const processedRefunds = (o) => (o?.refunds ?? []).filter((r) => r.status === "PROCESSED").reduce((n, r) => n + r.order_amount.value, 0);

/** The store's order's Plural orders: its own reference, and "<ref>_2"… for later attempts (lib/orders/payments/attempts.ts). */
function attemptsOf(d, order) {
  return d.charges.filter((p) => p.merchant_order_reference === order.ref || p.merchant_order_reference.startsWith(`${order.ref}_`));
}

export function check(w, d) {
  const v = Object.fromEntries(INVARIANTS.map(([k]) => [k, []]));
  const storeRefs = new Set(d.orders.map((o) => o.ref));
  const storeRefundRefs = new Set([...d.refundsOf.values()].flat().map((r) => r.ref));

  for (const o of d.orders) {
    const attempts = attemptsOf(d, o);
    const p = o.pluralOrderId ? d.pluralById.get(o.pluralOrderId) : undefined;
    // status
    if (o.pluralOrderId && !p) v.status.push({ orderId: o.id, what: `names Plural order ${o.pluralOrderId}, which Plural does not have` });
    else if (p && p.status !== o.status) v.status.push({ orderId: o.id, what: `ours ${o.status}, Plural's ${p.status} (${p.order_id})` });
    // stuck
    if (!o.pluralOrderId && attempts.length)
      v.stuck.push({ orderId: o.id, what: `no Plural order recorded, Plural has ${attempts.map((a) => `${a.order_id} ${a.status}`).join(", ")}` });
    else if (OPEN.has(o.status) && attempts.length && attempts.every((a) => !OPEN.has(a.status)))
      v.stuck.push({ orderId: o.id, what: `open (${o.status}) while Plural decided every attempt: ${attempts.map((a) => a.status).join(", ")}` });
    // late / double
    const paidAttempts = attempts.filter((a) => PAID.has(a.status) || a.payments.some((x) => x.status === "PROCESSED"));
    const processedPayments = attempts.flatMap((a) => a.payments.filter((x) => x.status === "PROCESSED" || x.status === "AUTHORIZED"));
    const events = d.eventsOf.get(o.id) ?? [];
    const failedThenPaid = events.some(
      (e, i) => (e.statusTo === "FAILED" || e.statusTo === "CANCELLED") && events.slice(i + 1).some((f) => PAID.has(f.statusTo)),
    );
    if ((paidAttempts.length > 1 || processedPayments.length > 1) && !o.latePayment)
      v.late.push({ orderId: o.id, what: `paid ${processedPayments.length} times at Plural (${paidAttempts.length} Plural orders), not flagged` });
    if (failedThenPaid && !o.latePayment) v.late.push({ orderId: o.id, what: `shown failed, then paid: not flagged PAID_LATE` });
    if (w.autoRefund && o.latePayment && PAID.has(o.status)) {
      const refunds = (d.refundsOf.get(o.id) ?? []).filter((r) => r.status !== "FAILED");
      if (!refunds.length) v.late.push({ orderId: o.id, what: `flagged ${o.latePayment} with automatic refunds on, but no refund was requested` });
    }
    // refunds
    const refunds = d.refundsOf.get(o.id) ?? [];
    const asked = refunds.filter((r) => r.status !== "FAILED").reduce((n, r) => n + r.amountInPaise, 0);
    const paidTotal = processedPayments.reduce((n, x) => n + x.payment_amount.value, 0);
    if (asked > paidTotal) v.refunds.push({ orderId: o.id, what: `refunds asked ${asked} paise > paid ${paidTotal}` });
    for (const a of attempts) {
      const done = processedRefunds(a);
      if (done > a.order_amount.value) v.refunds.push({ orderId: o.id, what: `Plural refunded ${done} of ${a.order_amount.value} on ${a.order_id}` });
    }
    // webhooks' effects: what the store counts as refunded is what Plural refunded on that Plural order
    if (p && o.refundedInPaise !== processedRefunds(p))
      v.webhooks.push({ orderId: o.id, what: `ours refunded ${o.refundedInPaise} paise, Plural's ${processedRefunds(p)} on ${p.order_id}` });
    const storeDone = refunds
      .filter((r) => r.status === "PROCESSED" && (!r.pluralOrderId || r.pluralOrderId === o.pluralOrderId))
      .reduce((n, r) => n + r.amountInPaise, 0);
    if (p && storeDone !== o.refundedInPaise)
      v.webhooks.push({ orderId: o.id, what: `refunded ${o.refundedInPaise} paise, but its processed refunds add up to ${storeDone}` });
    for (const r of refunds) {
      const at = d.pluralRefunds.filter((x) => x.merchant_order_reference === r.ref);
      const known = at[0];
      if (known && r.status !== known.status && !(r.status === "PENDING" && known.status === "PENDING"))
        v.webhooks.push({ orderId: o.id, what: `refund ${r.ref}: ours ${r.status}, Plural's ${known.status}` });
    }
  }
  // No refund sent twice for one request: one Plural refund per merchant reference, and every one known to the store.
  const refCount = new Map();
  for (const r of d.pluralRefunds) refCount.set(r.merchant_order_reference, (refCount.get(r.merchant_order_reference) ?? 0) + 1);
  for (const [ref, n] of refCount) {
    const parent = d.pluralById.get(d.pluralRefunds.find((r) => r.merchant_order_reference === ref)?.parent_order_id);
    const owner = d.orders.find((o) => parent && (parent.merchant_order_reference === o.ref || parent.merchant_order_reference.startsWith(`${o.ref}_`)));
    if (n > 1) v.refunds.push({ orderId: owner?.id, what: `refund ${ref} made ${n} times at Plural` });
    if (!storeRefundRefs.has(ref)) v.refunds.push({ orderId: owner?.id, what: `Plural has refund ${ref}, which the store never recorded` });
  }
  // Paid twice across orders (lib/orders/status/apply.ts, latePaymentOf): the same shopper, the same items and
  // amount, both paid and never refunded, and the first placed was still unpaid when the second was
  // placed (the shopper started again): one of the two must be flagged. Buying again after a payment is no twin.
  const paidAt = (o) => {
    const e = (d.eventsOf.get(o.id) ?? []).find((x) => PAID.has(x.statusTo));
    return e ? new Date(e.createdAt).getTime() : Infinity;
  };
  const groups = new Map();
  for (const o of d.orders) {
    if (o.status !== "PROCESSED" || o.refundedInPaise !== 0 || (d.refundsOf.get(o.id) ?? []).length) continue;
    const k = `${o.customerEmail}|${o.amountInPaise}|${d.itemsOf.get(o.id)}`;
    (groups.get(k) ?? groups.set(k, []).get(k)).push(o);
  }
  for (const g of groups.values()) {
    g.sort((a, b) => new Date(a.createdAt) - new Date(b.createdAt));
    for (let i = 0; i < g.length; i++)
      for (let j = i + 1; j < g.length; j++) {
        const [a, b] = [g[i], g[j]];
        if (paidAt(a) > new Date(b.createdAt).getTime() && !a.latePayment && !b.latePayment)
          v.late.push({ orderId: b.id, what: `placed while ${a.id} of the same shopper for the same items was unpaid; both paid, neither flagged PAID_TWICE` });
      }
  }
  // Lost: money taken on a Plural order the store does not have.
  for (const c of d.charges) {
    const ref = c.merchant_order_reference.replace(/_\d+$/, "");
    if (!storeRefs.has(ref) && !storeRefs.has(c.merchant_order_reference) && c.payments.some((x) => x.status === "PROCESSED"))
      v.stuck.push({ what: `Plural order ${c.order_id} (${c.merchant_order_reference}) was paid, and the store has no order for it` });
  }
  // What shoppers were shown, against where their orders ended.
  for (const [orderId, seen] of w.shownOf) {
    const o = d.orders.find((x) => x.id === orderId);
    if (!o) continue;
    const attempts = attemptsOf(d, o);
    // The bank said yes at some point (the acquirer's reference stays when a pre-auth is later released by the merchant).
    const approved = attempts.some((a) => a.payments.some((x) => x.status === "PROCESSED" || x.status === "AUTHORIZED" || x.acquirer_data?.acquirer_reference));
    const paidAtPlural = attempts.some((a) => PAID.has(a.status) || a.payments.some((x) => x.status === "PROCESSED" || x.status === "AUTHORIZED"));
    for (const s of seen) {
      if (PAID.has(s.status) && !approved) v.shown.push({ orderId, what: `shown ${s.status} at ${iso(s.at)}; Plural never approved a payment for it` });
      if (s.status === "FAILED" && paidAtPlural && !o.latePayment && PAID.has(o.status))
        v.shown.push({ orderId, what: `shown FAILED at ${iso(s.at)}; paid, and not flagged as paid late` });
    }
  }
  // 5xx and unanswered requests to shoppers, outside the windows in which an instance (or the database) was down.
  for (const a of w.answers) {
    if (!a.who.startsWith("shopper") || (a.status !== 0 && a.status < 500)) continue;
    if (w.inDownWindow(a.at, a.at + a.ms)) continue;
    v["5xx"].push({ what: `${a.who} ${a.what} → ${a.status || a.error} at ${iso(a.at)} (${a.ms} ms)` });
  }
  // Tokens cached: a few per process start, token expiry and sandbox restart, never one per call.
  const b = w.budget();
  if (b.tokens > b.tokenBound) v.budget.push({ what: `${b.tokens} token calls, budget ${b.tokenBound}` });
  return v;
}

const iso = (ms) => new Date(ms).toISOString().slice(11, 23);

/** An order's history: the chaos run's notes and the store's timeline beside Plural's (its orders, payments, refunds, webhooks). */
export function history(w, d, orderId) {
  const o = d.orders.find((x) => x.id === orderId);
  if (!o) return `  (no such order in the store: ${orderId})`;
  const rows = [];
  for (const n of w.notesOf.get(orderId) ?? []) rows.push([n.at, `chaos ${n.who}: ${n.what}`, ""]);
  for (const e of d.eventsOf.get(orderId) ?? [])
    rows.push([
      new Date(e.createdAt).getTime(),
      `${e.source} ${e.type}${e.statusTo ? ` ${e.statusFrom ?? ""}→${e.statusTo}` : ""}${e.externalId ? ` [${e.externalId.slice(0, 16)}]` : ""}`,
      "",
    ]);
  for (const p of d.paymentsOf.get(orderId) ?? [])
    rows.push([new Date(p.createdAt).getTime(), `payment ${p.upiMode} ${p.pluralPaymentId ?? "(no Plural id)"} now ${p.status}`, ""]);
  for (const r of d.refundsOf.get(orderId) ?? []) rows.push([new Date(r.createdAt).getTime(), `refund ${r.ref} ${r.amountInPaise} now ${r.status}`, ""]);
  for (const a of attemptsOf(d, o)) {
    rows.push([Date.parse(a.created_at), "", `order ${a.order_id} ${a.merchant_order_reference} created; now ${a.status}`]);
    for (const p of a.payments) {
      rows.push([Date.parse(p.created_at), "", `payment ${p.id} created`]);
      if (p.status !== "PENDING") rows.push([Date.parse(p.updated_at), "", `payment ${p.id} ${p.status}${p.error_detail ? ` ${p.error_detail.code}` : ""}`]);
    }
    for (const r of a.refunds ?? []) rows.push([Date.parse(r.created_at), "", `refund ${r.merchant_order_reference} ${r.order_amount.value} ${r.status}`]);
    for (const h of d.webhooksOf.get(a.order_id) ?? [])
      for (const t of h.attempts.length ? h.attempts : [{ at: h.next_at, status: null, error: h.state }])
        rows.push([Date.parse(t.at), "", `webhook ${h.event_type} [${h.id.slice(0, 16)}] ${h.state}: ${t.status ?? t.error}`]);
  }
  rows.sort((a, b) => a[0] - b[0]);
  const width = Math.max(20, ...rows.map((r) => r[1].length));
  return [
    `  order ${o.id} (${o.ref}): ours ${o.status}${o.latePayment ? ` ${o.latePayment}` : ""}, refunded ${o.refundedInPaise} of ${o.amountInPaise}`,
    `  ${"time".padEnd(12)}  ${"ours".padEnd(width)}  Plural's`,
    ...rows.map(([t, ours, theirs]) => `  ${iso(t)}  ${ours.padEnd(width)}  ${theirs}`),
  ].join("\n");
}

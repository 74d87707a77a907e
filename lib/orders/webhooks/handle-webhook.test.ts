import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { db } from "@/lib/db";
import { webhookHeaders } from "@/lib/plural/signature";
import type { Sandbox } from "@/lib/sandbox/engine";
import { TEST_CREDENTIALS } from "@/lib/testing/sandbox";
import { startTestStore } from "@/lib/testing/store";
import { startWebhookReceiver } from "@/lib/testing/webhook-receiver";
import { handleWebhook, newCheckoutKey, reconcile, setQuantity, startPayment } from "@/lib/orders";
import { testCart } from "@/lib/testing/cart";
import { TEST_FORM } from "@/lib/testing/checkout";

let server: Awaited<ReturnType<typeof startTestStore>>;
let sb: Sandbox;
let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;

beforeAll(async () => {
  server = await startTestStore();
  sb = server.sandbox;
  // Our webhook route over HTTP: the sandbox delivers to it as Plural would.
  receiver = await startWebhookReceiver();
});
afterAll(async () => {
  await server.close();
  await receiver.close();
});
beforeEach(() => {
  sb.reset();
  sb.updateSettings({
    auto_answer_ms: 20,
    refund_delay_ms: 20,
    webhook: { url: receiver.url, retry_base_ms: 20, timeout_ms: 2000 },
  });
  receiver.answers.length = 0;
});

const form = TEST_FORM;

async function pendingOrder() {
  const cart = await testCart();
  const chai = await db().product.findUniqueOrThrow({ where: { slug: "chai" } });
  await setQuantity(cart.id, chai.id, 1);
  const placed = await cart.place(form, newCheckoutKey());
  if (!placed.ok) throw new Error(placed.error);
  const p = await startPayment(placed.value.orderId, "QR");
  if (!p.ok) throw new Error(p.error);
  const order = await db().order.findUniqueOrThrow({ where: { id: placed.value.orderId } });
  const payment = await db().payment.findUniqueOrThrow({ where: { id: p.value.id } });
  return { orderId: order.id, pluralOrderId: order.pluralOrderId!, pluralPaymentId: payment.pluralPaymentId! };
}

/** A delivery as Plural would sign it. */
function delivery(body: object, opts: { id?: string; ts?: number; secret?: string } = {}) {
  const raw = JSON.stringify(body);
  const headers = webhookHeaders(
    opts.secret ?? TEST_CREDENTIALS.webhookSecret,
    opts.id ?? `msg_${Math.random().toString(36).slice(2)}`,
    opts.ts ?? Math.floor(Date.now() / 1000),
    raw,
  );
  return { raw, headers: new Headers({ "content-type": "application/json", ...headers }) };
}
const event = (eventType: string, pluralOrderId: string) => ({ event_type: eventType, data: (sb.advance(), sb.orderJson(pluralOrderId, { webhook: true })) });
const webhookEvents = (orderId: string) => db().orderEvent.findMany({ where: { orderId, source: "webhook" } });

describe("webhook route", () => {
  it("applies a valid delivery from the sandbox and records it once", async () => {
    const o = await pendingOrder();
    sb.approve(o.pluralPaymentId);
    await sb.flush();
    expect(receiver.answers).toEqual([200]);
    expect((await db().order.findUniqueOrThrow({ where: { id: o.orderId } })).status).toBe("PROCESSED");
    const events = await webhookEvents(o.orderId);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: "ORDER_PROCESSED", verified: true, statusFrom: "PENDING", statusTo: "PROCESSED" });
    expect(events[0]!.payload).not.toContain("@");
  });

  it("refuses a tampered body, a wrong secret and a stale timestamp with 401; malformed headers with 400; nothing is written", async () => {
    const o = await pendingOrder();
    sb.updateSettings({ webhook: { enabled: false } }); // before the approval: its own webhook must not race this test's
    sb.approve(o.pluralPaymentId);
    const before = await db().orderEvent.count();
    const good = delivery(event("ORDER_PROCESSED", o.pluralOrderId));
    expect((await handleWebhook(good.raw.replace("PROCESSED", "PROCESSEd"), good.headers)).status).toBe(401);
    const wrong = delivery(event("ORDER_PROCESSED", o.pluralOrderId), { secret: "not-the-secret" });
    expect((await handleWebhook(wrong.raw, wrong.headers)).status).toBe(401);
    const stale = delivery(event("ORDER_PROCESSED", o.pluralOrderId), { ts: Math.floor(Date.now() / 1000) - 301 });
    expect((await handleWebhook(stale.raw, stale.headers)).status).toBe(401);
    const noSig = new Headers(good.headers);
    noSig.delete("webhook-signature");
    expect((await handleWebhook(good.raw, noSig)).status).toBe(400);
    const notJson = delivery({});
    expect(
      (
        await handleWebhook(
          "not json",
          new Headers({
            ...Object.fromEntries(notJson.headers),
            ...webhookHeaders(TEST_CREDENTIALS.webhookSecret, "msg_x", Math.floor(Date.now() / 1000), "not json"),
          }),
        )
      ).status,
    ).toBe(400);
    expect(await db().orderEvent.count()).toBe(before);
    expect((await db().order.findUniqueOrThrow({ where: { id: o.orderId } })).status).toBe("PENDING");
  });

  it("a replay or redelivery of the same webhook-id answers 200 and changes nothing", async () => {
    const o = await pendingOrder();
    sb.approve(o.pluralPaymentId);
    await sb.flush();
    const id = sb.snapshot().webhooks[0]!.id;
    await fetch(`${server.url}/sandbox/control/webhooks/${id}/redeliver`, { method: "POST" });
    const replay = delivery(event("ORDER_PROCESSED", o.pluralOrderId), { id });
    const answer = await handleWebhook(replay.raw, replay.headers);
    expect(answer).toMatchObject({ status: 200, body: { duplicate: true } });
    expect(receiver.answers).toEqual([200, 200]);
    expect(await webhookEvents(o.orderId)).toHaveLength(1);
  });

  it("a duplicate is recognised before any write: the order, its payments and its timeline stay untouched", async () => {
    const o = await pendingOrder();
    sb.updateSettings({ webhook: { enabled: false } }); // before the approval: its own webhook must not race this test's
    sb.approve(o.pluralPaymentId);
    const d = delivery(event("ORDER_PROCESSED", o.pluralOrderId), { id: "msg_dup_untouched" });
    expect((await handleWebhook(d.raw, d.headers)).body).toMatchObject({ outcome: "applied" });
    const snapshot = async () => ({
      order: await db().order.findUniqueOrThrow({ where: { id: o.orderId }, include: { payments: true } }),
      events: await db().orderEvent.count(),
    });
    const before = await snapshot();
    for (let i = 0; i < 20; i++) {
      const again = delivery(event("ORDER_PROCESSED", o.pluralOrderId), { id: "msg_dup_untouched" });
      const answer = await handleWebhook(again.raw, again.headers);
      expect(answer).toMatchObject({ status: 200, body: { duplicate: true } });
      expect(answer.followUp).toBeUndefined();
    }
    expect(await snapshot()).toEqual(before);
  });

  it("a redelivery this process has seen costs no statement; one recorded by another process is undone at its write", async () => {
    const o = await pendingOrder();
    sb.updateSettings({ webhook: { enabled: false } });
    sb.approve(o.pluralPaymentId);
    // Written by another instance: only the database knows it.
    await db().orderEvent.create({
      data: { orderId: o.orderId, source: "webhook", type: "ORDER_PROCESSED", externalId: "msg_other_instance", verified: true, payload: "{}" },
    });
    const before = await db().order.findUniqueOrThrow({ where: { id: o.orderId }, include: { payments: true } });
    const transactions = vi.spyOn(db(), "$transaction");
    try {
      for (let i = 0; i < 3; i++) {
        const d = delivery(event("ORDER_PROCESSED", o.pluralOrderId), { id: "msg_other_instance" });
        expect((await handleWebhook(d.raw, d.headers)).body).toMatchObject({ duplicate: true });
      }
      // The first ran its transaction and met the unique webhook-id: rolled back, the id remembered.
      expect(transactions).toHaveBeenCalledTimes(1);
      expect(await db().order.findUniqueOrThrow({ where: { id: o.orderId }, include: { payments: true } })).toEqual(before);
      const fresh = delivery(event("ORDER_PROCESSED", o.pluralOrderId), { id: "msg_seen_here" });
      expect((await handleWebhook(fresh.raw, fresh.headers)).body).toMatchObject({ outcome: "applied" });
      transactions.mockClear();
      const reads = vi.spyOn(db(), "$queryRaw");
      const again = delivery(event("ORDER_PROCESSED", o.pluralOrderId), { id: "msg_seen_here" });
      expect((await handleWebhook(again.raw, again.headers)).body).toMatchObject({ duplicate: true });
      expect(transactions).not.toHaveBeenCalled();
      expect(reads).not.toHaveBeenCalled();
      reads.mockRestore();
    } finally {
      transactions.mockRestore();
    }
    expect(await webhookEvents(o.orderId)).toHaveLength(2);
  });

  it("concurrent duplicates are recorded once", async () => {
    const o = await pendingOrder();
    sb.updateSettings({ webhook: { enabled: false } }); // before the approval: its own webhook must not race this test's
    sb.approve(o.pluralPaymentId);
    const d = delivery(event("ORDER_PROCESSED", o.pluralOrderId), { id: "msg_concurrent_1" });
    const results = await Promise.all(Array.from({ length: 6 }, () => handleWebhook(d.raw, d.headers)));
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect(results.filter((r) => r.body.duplicate)).toHaveLength(5);
    expect(await webhookEvents(o.orderId)).toHaveLength(1);
  });

  it("an out-of-order pair: a late PAYMENT_FAILED never downgrades PROCESSED", async () => {
    const o = await pendingOrder();
    sb.decline(o.pluralPaymentId);
    const failed = event("PAYMENT_FAILED", o.pluralOrderId);
    const retry = await startPayment(o.orderId, "QR");
    if (!retry.ok) throw new Error(retry.error);
    sb.approve((await db().payment.findUniqueOrThrow({ where: { id: retry.value.id } })).pluralPaymentId!);
    sb.updateSettings({ webhook: { enabled: false } });
    const processed = delivery(event("ORDER_PROCESSED", o.pluralOrderId));
    const late = delivery(failed);
    expect((await handleWebhook(processed.raw, processed.headers)).status).toBe(200);
    expect((await handleWebhook(late.raw, late.headers)).body).toMatchObject({ outcome: "ignored" });
    expect((await db().order.findUniqueOrThrow({ where: { id: o.orderId } })).status).toBe("PROCESSED");
  });

  it("records and acknowledges unknown event types and unknown orders", async () => {
    const o = await pendingOrder();
    sb.updateSettings({ webhook: { enabled: false } });
    const unknown = delivery({ event_type: "SUBSCRIPTION_CHARGED", data: { order_id: o.pluralOrderId } });
    expect(await handleWebhook(unknown.raw, unknown.headers)).toMatchObject({ status: 200, body: { handled: false } });
    expect((await webhookEvents(o.orderId)).map((e) => e.type)).toEqual(["SUBSCRIPTION_CHARGED"]);
    const stranger = delivery({
      event_type: "ORDER_PROCESSED",
      data: { order_id: "v1-000000000000-aa-XXXXXX", status: "PROCESSED", order_amount: { value: 100, currency: "INR" } },
    });
    expect(await handleWebhook(stranger.raw, stranger.headers)).toMatchObject({ status: 200, body: { known: false } });
  });

  it("with duplicated and out-of-order delivery, every order ends in Plural's status with one entry per event", async () => {
    sb.updateSettings({ webhook: { duplicate: true, out_of_order: true } });
    const orders = await Promise.all(Array.from({ length: 4 }, () => pendingOrder()));
    for (const [i, o] of orders.entries()) {
      sb.decline(o.pluralPaymentId);
      if (i % 2 === 0) {
        const retry = await startPayment(o.orderId, "QR");
        if (!retry.ok) throw new Error(retry.error);
        sb.approve((await db().payment.findUniqueOrThrow({ where: { id: retry.value.id } })).pluralPaymentId!);
      }
    }
    await sb.flush(15_000);
    for (const o of orders) {
      sb.advance();
      const truth = (sb.orderView(o.pluralOrderId) as { status: string }).status;
      expect((await db().order.findUniqueOrThrow({ where: { id: o.orderId } })).status).toBe(truth);
      const ids = sb
        .webhookLog()
        .filter((d) => d.order_id === o.pluralOrderId)
        .map((d) => d.id);
      expect((await webhookEvents(o.orderId)).length).toBe(new Set(ids).size);
    }
  });

  it("refund events update the refund and the parent's status", async () => {
    const { refundOrder, newRefundKey } = await import("../console/order-actions");
    const o = await pendingOrder();
    sb.approve(o.pluralPaymentId);
    await sb.flush();
    const r = await refundOrder(o.orderId, 10000, newRefundKey());
    expect(r.ok).toBe(true);
    await vi.waitFor(async () => {
      await sb.flush();
      expect((await db().refund.findFirstOrThrow({ where: { orderId: o.orderId } })).status).toBe("PROCESSED");
    });
    // The parent is refreshed from Plural right after the webhook is answered.
    await vi.waitFor(async () =>
      expect(await db().order.findUniqueOrThrow({ where: { id: o.orderId } })).toMatchObject({
        status: "PARTIALLY_REFUNDED",
        refundedInPaise: 10000,
        followUpAt: null,
      }),
    );
  });

  it("a follow-up its process died before running is done by the sweep", async () => {
    const { refundOrder, newRefundKey } = await import("../console/order-actions");
    const o = await pendingOrder();
    sb.updateSettings({ webhook: { enabled: false } });
    sb.approve(o.pluralPaymentId);
    await reconcile({ olderThanMs: 0, now: new Date(Date.now() + 1000) });
    expect(await refundOrder(o.orderId, 10000, newRefundKey())).toMatchObject({ ok: true });
    const refundId = (await db().refund.findFirstOrThrow({ where: { orderId: o.orderId } })).pluralRefundId!;
    await vi.waitFor(() => {
      sb.advance();
      expect((sb.orderView(refundId) as { status: string }).status).toBe("PROCESSED");
    });
    // Plural's REFUND_PROCESSED arrives and is answered; then the process dies: its follow-up never runs.
    const d = delivery({ event_type: "REFUND_PROCESSED", data: sb.orderJson(refundId, { webhook: true }) });
    const answer = await handleWebhook(d.raw, d.headers);
    expect(answer.status).toBe(200);
    expect(answer.followUp).toBeDefined();
    const owed = await db().order.findUniqueOrThrow({ where: { id: o.orderId } });
    expect(owed.status).toBe("PROCESSED"); // the parent's new status comes only from Get Order
    expect(owed.followUpAt).not.toBeNull();
    // Too soon: the follow-up may still be running in its own process.
    await reconcile({ olderThanMs: 60_000, now: new Date(Date.now() + 5_000) });
    expect((await db().order.findUniqueOrThrow({ where: { id: o.orderId } })).status).toBe("PROCESSED");
    // The sweep, later: Get Order, and nothing is owed any more.
    const report = await reconcile({ olderThanMs: 60_000, now: new Date(Date.now() + 60_000) });
    expect(report.checked).toBeGreaterThanOrEqual(1);
    expect(await db().order.findUniqueOrThrow({ where: { id: o.orderId } })).toMatchObject({
      status: "PARTIALLY_REFUNDED",
      refundedInPaise: 10000,
      followUpAt: null,
    });
  });
});

describe("reconciliation", () => {
  const later = (ms: number) => new Date(Date.now() + ms);

  it("fixes an order whose webhooks never arrived (the store was down)", async () => {
    sb.updateSettings({ webhook: { url: "http://127.0.0.1:9/api/plural/webhook", retries: 0 } });
    const o = await pendingOrder();
    sb.approve(o.pluralPaymentId);
    await sb.flush();
    expect(sb.snapshot().webhooks[0]!.state).toBe("failed");
    expect((await db().order.findUniqueOrThrow({ where: { id: o.orderId } })).status).toBe("PENDING");
    const report = await reconcile({ olderThanMs: 0, now: later(1000) });
    expect(report.updated).toBeGreaterThanOrEqual(1);
    expect((await db().order.findUniqueOrThrow({ where: { id: o.orderId } })).status).toBe("PROCESSED");
  });

  it("backs off on upstream faults (5xx, timeouts) and loses nothing", async () => {
    sb.updateSettings({ webhook: { enabled: false } });
    const o = await pendingOrder();
    sb.approve(o.pluralPaymentId);
    sb.addFault({ endpoint: "getOrder", kind: "status", status: 503 });
    const first = await reconcile({ olderThanMs: 0, now: later(1000), baseBackoffMs: 60_000 });
    expect(first.failed).toBeGreaterThanOrEqual(1);
    const row = await db().order.findUniqueOrThrow({ where: { id: o.orderId } });
    expect(row.status).toBe("PENDING");
    expect(row.nextSyncAt!.getTime()).toBeGreaterThan(Date.now() + 50_000);
    // Not due yet: skipped without asking Plural.
    const hits = sb.faults()[0]!.hits;
    await reconcile({ olderThanMs: 0, now: later(2000) });
    expect(sb.faults()[0]!.hits).toBe(hits);
    sb.clearFaults();
    sb.addFault({ endpoint: "getOrder", kind: "hang", remaining: 4 });
    const slow = await reconcile({ olderThanMs: 0, now: later(120_000) });
    expect(slow.failed).toBeGreaterThanOrEqual(1);
    sb.clearFaults();
    await reconcile({ olderThanMs: 0, now: later(3_600_000) });
    expect((await db().order.findUniqueOrThrow({ where: { id: o.orderId } })).status).toBe("PROCESSED");
  }, 30_000);

  it("gives up on an order Plural never received, an hour on, once", async () => {
    sb.updateSettings({ webhook: { enabled: false } });
    const cart = await testCart();
    const chai = await db().product.findUniqueOrThrow({ where: { slug: "chai" } });
    await setQuantity(cart.id, chai.id, 1);
    await fetch(`${server.url}/sandbox/control/faults`, { method: "POST", body: JSON.stringify({ endpoint: "createOrder", kind: "status", status: 500 }) });
    const placed = await cart.place(form, newCheckoutKey());
    await fetch(`${server.url}/sandbox/control/faults`, { method: "DELETE" });
    expect(placed.ok).toBe(false);
    const order = await db().order.findFirstOrThrow({ where: { cartId: cart.id }, orderBy: { createdAt: "desc" } });
    expect(order).toMatchObject({ status: "CREATED", pluralOrderId: null });
    await reconcile({ olderThanMs: 0, now: later(1000) });
    expect((await db().order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe("CREATED"); // too early to give up
    await reconcile({ olderThanMs: 0, now: later(2 * 3_600_000) });
    await reconcile({ olderThanMs: 0, now: later(4 * 3_600_000) });
    expect((await db().order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe("FAILED");
    const events = await db().orderEvent.findMany({ where: { orderId: order.id, type: "ORDER_NOT_FOUND" } });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ statusFrom: "CREATED", statusTo: "FAILED", source: "sync" });
  });

  it("is safe to run in several processes at once: each order is checked once", async () => {
    sb.updateSettings({ webhook: { enabled: false } });
    await Promise.all(Array.from({ length: 3 }, () => pendingOrder()));
    await db().order.updateMany({ data: { nextSyncAt: null } }); // every open order is due (earlier tests left backoffs)
    const at = later(10_000_000);
    const [a, b] = await Promise.all([reconcile({ olderThanMs: 0, now: at }), reconcile({ olderThanMs: 0, now: at })]);
    const open = await db().order.count({ where: { status: { in: ["CREATED", "PENDING", "ATTEMPTED"] } } });
    expect(a.checked + b.checked).toBe(open);
  });
});

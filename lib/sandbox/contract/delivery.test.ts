/** The contract suite (harness.ts), part: Webhook delivery, injected faults, call counters and concurrency (sandbox only). */
import { rejection } from "@/lib/plural/testing/rejection";
import { describe, expect, it } from "vitest";
import { createPluralClient } from "../../plural/client";
import { TEST_CREDENTIALS } from "@/lib/testing/sandbox";
import { UAT, server, sb, client, baseUrl, hooks, reading, pay, ref, newOrder, raw, waitFor, events, underEachProfile } from "./harness";

underEachProfile(() => {
  describe.skipIf(UAT)("webhook delivery (sandbox only)", () => {
    async function approvedOrder() {
      const o = await newOrder(1100);
      const p = await pay(o.order_id, { mode: "INTENT", merchantPaymentReference: ref("pay"), amountInPaise: 1100 });
      sb.approve(p.payments[0]!.id);
      return o;
    }

    it("retries a non-2xx answer with the same webhook-id until it is accepted", async () => {
      hooks.failNext = 2;
      await approvedOrder();
      await sb.flush();
      expect(hooks.received.map((h) => h.id)).toEqual(Array(3).fill(hooks.received[0]!.id));
      const d = sb.snapshot().webhooks[0]!;
      expect(d.state).toBe("delivered");
      expect(d.attempts.map((a) => a.status)).toEqual([500, 500, 200]);
    });

    it("gives up after 3 retries (backoff), or after the documented schedule's 8 (immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h)", async () => {
      hooks.failNext = 100;
      await approvedOrder();
      await sb.flush(5000);
      const documented = reading("webhook.schedule") === "documented";
      expect(hooks.received).toHaveLength(documented ? 9 : 4);
      const d = sb.snapshot().webhooks[0]!;
      expect(d.state).toBe("failed");
      if (documented) {
        // The gaps between attempts follow the schedule (at time_scale 100,000: 10 h is 360 ms).
        const at = d.attempts.map((a) => Date.parse(a.at));
        const gaps = at.slice(1).map((t, i) => t - at[i]!);
        expect(gaps[6]).toBeGreaterThanOrEqual(360 - 50);
        expect(gaps[0]).toBeLessThan(gaps[5]!);
      }
    });

    it("retries are signed afresh (fresh), or keep the first timestamp (first): a receiver's 300 s window refuses them from the 5-minute retry on", async () => {
      // At 1,000 times real time the 5-minute retry comes 0.3 s after the first try (an hour is 3.6 s).
      sb.updateSettings({ webhook: { schedule: "documented", time_scale: 1000 } });
      hooks.failNext = 100;
      await approvedOrder();
      await waitFor(
        () => hooks.received.length,
        (n) => n >= 5,
        10_000,
      );
      sb.updateSettings({ webhook: { enabled: false } });
      const five = hooks.received.slice(0, 5);
      const stamps = five.map((h) => Number(h.headers["webhook-timestamp"]));
      const now = Math.floor(Date.now() / 1000);
      if (reading("webhook.timestamp") === "first") {
        // The first three tries (now, immediately, 5 s) are within the window; the 5-minute retry and the next are not.
        expect(five.map((h) => h.verified)).toEqual([true, true, true, false, false]);
        expect(now - stamps[4]!).toBeGreaterThan(30 * 60);
      } else {
        expect(five.every((h) => h.verified)).toBe(true);
        expect(Math.max(...stamps.map((t) => Math.abs(now - t)))).toBeLessThan(60);
      }
    });

    it("drop, duplicate and out-of-order knobs", async () => {
      sb.updateSettings({ webhook: { drop: 1 } });
      await approvedOrder();
      await sb.flush();
      expect(hooks.received).toHaveLength(0);
      expect(sb.snapshot().webhooks[0]!.state).toBe("dropped");

      sb.updateSettings({ webhook: { drop: 0, duplicate: true } });
      await approvedOrder();
      await sb.flush();
      expect(hooks.received).toHaveLength(2);
      expect(hooks.received[0]!.id).toBe(hooks.received[1]!.id);

      hooks.received.length = 0;
      sb.updateSettings({ webhook: { duplicate: false, out_of_order: true } });
      const o = await newOrder(1100);
      const p1 = await pay(o.order_id, { mode: "INTENT", merchantPaymentReference: ref("pay"), amountInPaise: 1100 });
      sb.decline(p1.payments[0]!.id);
      const p2 = await pay(o.order_id, { mode: "INTENT", merchantPaymentReference: ref("pay"), amountInPaise: 1100 });
      sb.approve(p2.payments[1]!.id);
      await sb.flush();
      expect(events()).toEqual(["ORDER_PROCESSED", "PAYMENT_FAILED"]);
    });

    it("redelivers an event on request with the same id and a fresh signature", async () => {
      await approvedOrder();
      await sb.flush();
      const id = hooks.received[0]!.id;
      const res = await fetch(`${server!.url}/sandbox/control/webhooks/${id}/redeliver`, { method: "POST" });
      expect(res.status).toBe(200);
      expect(hooks.received.map((h) => h.id)).toEqual([id, id]);
      expect(hooks.received.every((h) => h.verified)).toBe(true);
    });
  });

  describe.skipIf(UAT)("faults (sandbox only)", () => {
    const control = (path: string, body?: unknown, method = "POST") =>
      fetch(`${server!.url}/sandbox/control/${path}`, {
        method,
        headers: { "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });

    it("503 for the next 2 calls: the client retries and succeeds", async () => {
      const o = await newOrder();
      expect((await control("faults", { endpoint: "getOrder", kind: "status", status: 503, count: 2 })).status).toBe(201);
      expect((await client.getOrder(o.order_id)).order_id).toBe(o.order_id);
      expect(sb.faults()[0]).toMatchObject({ hits: 2, remaining: 0 });
    });

    it("a lost answer on create order: the retry replays the same order, never a second one", async () => {
      await control("faults", { endpoint: "createOrder", kind: "status", status: 504, count: 1, phase: "after" });
      const o = await newOrder();
      expect(sb.snapshot().orders).toHaveLength(1);
      expect(sb.snapshot().orders[0]!.order_id).toBe(o.order_id);
    });

    it("a hung request times out in the client", async () => {
      await control("faults", { endpoint: "getOrder", kind: "hang", count: 5 });
      const slow = createPluralClient({
        baseUrl,
        clientId: TEST_CREDENTIALS.clientId,
        clientSecret: TEST_CREDENTIALS.clientSecret,
        timeoutMs: 150,
        retry: { retries: 1, baseDelayMs: 1 },
      });
      const e = await rejection(slow.getOrder("v1-x"));
      expect(e.kind).toBe("timeout");
    });

    it("429 with Retry-After, latency, and clearing faults", async () => {
      await control("faults", { endpoint: "*", kind: "latency", latency_ms: 50, count: 1 });
      await control("faults", { endpoint: "token", kind: "status", status: 429, count: 1 });
      const fresh = createPluralClient({ baseUrl, clientId: TEST_CREDENTIALS.clientId, clientSecret: TEST_CREDENTIALS.clientSecret, sleep: async () => {} });
      const started = Date.now();
      expect(await fresh.getToken()).toBeTruthy();
      expect(Date.now() - started).toBeGreaterThanOrEqual(50);
      expect((await control("faults", undefined, "DELETE")).status).toBe(200);
      expect(sb.faults()).toEqual([]);
      expect((await control("faults", { kind: "status" })).status).toBe(400);
    });
  });

  describe.skipIf(UAT)("call counters (sandbox only)", () => {
    const stats = async () => (await (await fetch(`${server!.url}/sandbox/control/stats`)).json()) as { calls: Record<string, number>; since: string };

    it("counts API calls by operation after authentication, failures and injected faults included; reset starts again", async () => {
      const reset = await fetch(`${server!.url}/sandbox/control/stats/reset`, { method: "POST" });
      expect(reset.status).toBe(200);
      const zero = await stats();
      expect(zero.calls).toEqual({ token: 0, createOrder: 0, getOrder: 0, getOrderByReference: 0, createPayment: 0, capture: 0, cancel: 0, refund: 0 });
      expect(Date.parse(zero.since)).toBeGreaterThan(Date.now() - 60_000);

      const fresh = createPluralClient({ baseUrl, clientId: TEST_CREDENTIALS.clientId, clientSecret: TEST_CREDENTIALS.clientSecret, sleep: async () => {} });
      const o = await fresh.createOrder({ merchant_order_reference: ref(), order_amount: { value: 1100, currency: "INR" } });
      await fresh.createUpiPayment(o.order_id, { mode: "INTENT", merchantPaymentReference: ref("pay"), amountInPaise: 1100 });
      await fetch(`${server!.url}/sandbox/control/faults`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ endpoint: "getOrder", kind: "status", status: 503, count: 1 }),
      });
      await fresh.getOrder(o.order_id); // a 503, then the retry
      expect((await rejection(fresh.getOrderByReference("no_such_reference"))).isNotFound).toBe(true);
      expect((await raw("GET", `/api/pay/v1/orders/${o.order_id}`, undefined, "not-a-token")).status).toBe(401); // not counted
      expect((await stats()).calls).toEqual({
        token: 1,
        createOrder: 1,
        getOrder: 2,
        getOrderByReference: 1,
        createPayment: 1,
        capture: 0,
        cancel: 0,
        refund: 0,
      });

      await fetch(`${server!.url}/sandbox/control/stats/reset`, { method: "POST" });
      expect(Object.values((await stats()).calls).every((n) => n === 0)).toBe(true);
    });
  });

  describe.skipIf(UAT)("concurrency (sandbox only)", () => {
    it("50 parallel payments on 50 orders: no lost or mixed state", async () => {
      const tokensBefore = client.tokenRequestCount;
      const orders = await Promise.all(Array.from({ length: 50 }, (_, i) => newOrder(10000 + i * 100)));
      const paid = await Promise.all(
        orders.map((o, i) =>
          pay(o.order_id, {
            mode: i % 3 === 0 ? "QR" : i % 3 === 1 ? "INTENT" : "COLLECT",
            vpa: "payer@okaxis",
            merchantPaymentReference: `pay_${o.order_id.slice(-6)}_${i}`,
            amountInPaise: 10000 + i * 100,
          } as never),
        ),
      );
      paid.forEach((p, i) => {
        expect(p.order_id).toBe(orders[i]!.order_id);
        expect(p.payments).toHaveLength(1);
        expect(p.payments[0]!.id.startsWith(orders[i]!.order_id)).toBe(true);
        expect(p.order_amount.value).toBe(10000 + i * 100);
      });
      await Promise.all(paid.map(async (p, i) => (i % 2 ? sb.approve(p.payments[0]!.id) : sb.decline(p.payments[0]!.id))));
      const final = await Promise.all(orders.map((o) => client.getOrder(o.order_id)));
      final.forEach((o, i) => {
        expect(o.status).toBe(i % 2 ? "PROCESSED" : "ATTEMPTED");
        expect(o.payments[0]!.payment_amount!.value).toBe(10000 + i * 100);
      });
      expect(new Set(final.map((o) => o.order_id)).size).toBe(50);
      expect(client.tokenRequestCount - tokensBefore).toBeLessThanOrEqual(1);
    });
  });
});

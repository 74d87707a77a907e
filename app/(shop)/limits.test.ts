import type { ServerResponse } from "node:http";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { db } from "@/lib/db";
import { resetEnvCache } from "@/lib/env";
import type { Sandbox } from "@/lib/sandbox/engine";
import { exchanges } from "@/lib/security/answer-status";
import { markFrontDoorActive, PEER_HEADER } from "@/lib/security/client-address";
import { COLLECT, SHOP_LIMITS } from "@/lib/security/limits";
import { startTestStore } from "@/lib/testing/store";
import { newRequest, request } from "@/lib/testing/next-request";
import { liveStatus, newCheckoutKey } from "@/lib/orders";
import * as actions from "./actions";
import { checkoutFormData } from "@/lib/testing/shopper.mjs";

vi.mock("next/headers", () => import("@/lib/testing/next-request").then((m) => m.nextHeadersModule));
vi.mock("next/cache", () => ({ revalidatePath: () => {} }));

/**
 * Without limits a stranger could create carts, orders and payments without end, and one order could
 * send collect requests (in the merchant's name) to any number of UPI IDs. Each limit is counted in the
 * database (every instance counts the same requests) and answered with a 429 and a clear message.
 */
let server: Awaited<ReturnType<typeof startTestStore>>;
let sb: Sandbox;
beforeAll(async () => {
  server = await startTestStore();
  sb = server.sandbox;
  sb.updateSettings({ webhook: { enabled: false } });
  markFrontDoorActive();
});
afterAll(async () => {
  markFrontDoorActive(false);
  await server.close();
});
beforeEach(async () => {
  await db().$executeRawUnsafe(`DELETE FROM "RateLimit"`);
});

/** A browser at `address`: its cookies kept across requests; each call answers the action's result and its HTTP status. */
function browser(address: string) {
  const jar: Record<string, string> = {};
  return {
    jar,
    async send<T>(call: () => Promise<T>): Promise<{ value: T | string; status: number }> {
      newRequest({ ...jar }, { [PEER_HEADER]: address });
      // The front door runs every request inside its response's context (lib/security/answer-status.ts).
      let status = 200;
      const res = { headersSent: false, writeHead: (code: number) => ((status = code), res) } as unknown as ServerResponse;
      let value: T | string;
      try {
        value = await exchanges.run(res, call);
      } catch (e) {
        const digest = (e as { digest?: string }).digest;
        if (typeof digest !== "string") throw e;
        value = digest;
      }
      for (const c of request.setCookies) if (c.value) jar[c.name] = c.value;
      res.writeHead(200); // what Next writes for an action's answer
      return { value, status };
    },
  };
}
type Browser = ReturnType<typeof browser>;

const chaiId = async () => (await db().product.findUniqueOrThrow({ where: { slug: "chai" } })).id;
const addChai = async (b: Browser) => {
  const f = new FormData();
  f.set("productId", await chaiId());
  return b.send(() => actions.addToCartAction(null, f));
};
const checkout = (b: Browser, key = newCheckoutKey()) => {
  return b.send(() => actions.placeOrderAction(null, checkoutFormData(key)));
};
const orderOf = (v: unknown) => /\/orders\/([^/;]+)\/pay/.exec(String(v))?.[1];
async function placed(b: Browser): Promise<string> {
  await addChai(b);
  const r = await checkout(b);
  const id = orderOf(r.value);
  if (!id) throw new Error(JSON.stringify(r));
  return id;
}
const TOO_MANY = (what: RegExp) => ({ ok: false, error: expect.stringMatching(what) as unknown as string });

describe("carts, orders and payments per shopper", () => {
  it("new carts: 30 per address in 10 minutes, then a 429 that says how long to wait; other addresses are not affected", async () => {
    for (let i = 0; i < SHOP_LIMITS.cartsPerAddress.points; i++) {
      const r = await addChai(browser("203.0.113.5"));
      expect(r).toEqual({ value: { ok: true }, status: 200 });
    }
    const carts = await db().cart.count();
    const refused = await addChai(browser("203.0.113.5"));
    expect(refused.status).toBe(429);
    expect(refused.value).toMatchObject(TOO_MANY(/^Too many new carts from your network just now\. Please try again in (10 minutes|9 minutes)\.$/));
    expect(await db().cart.count()).toBe(carts); // nothing was created
    expect((await addChai(browser("203.0.113.6"))).status).toBe(200);
    // A shopper who has a cart is not counted again.
    const b = browser("203.0.113.6");
    await addChai(b);
    expect((await addChai(b)).status).toBe(200);
  });

  it("an IPv6 shopper is counted by its /64", async () => {
    for (let i = 0; i < SHOP_LIMITS.cartsPerAddress.points; i++) await addChai(browser(`2001:db8:5:6::${(i + 1).toString(16)}`));
    expect((await addChai(browser("2001:db8:5:6:ffff::1"))).status).toBe(429);
    expect((await addChai(browser("2001:db8:5:7::1"))).status).toBe(200);
  });

  it("orders: 10 per cart in 10 minutes", async () => {
    const b = browser("203.0.113.7");
    for (let i = 0; i < SHOP_LIMITS.ordersPerCart.points; i++) await placed(b);
    await addChai(b);
    const orders = await db().order.count();
    const calls = server.count("POST", /\/api\/pay\/v1\/orders$/);
    const refused = await checkout(b);
    expect(refused.status).toBe(429);
    expect(refused.value).toMatchObject(TOO_MANY(/^You have placed several orders in a short time\. Please try again in \d+ minutes?\.$/));
    expect(await db().order.count()).toBe(orders);
    expect(server.count("POST", /\/api\/pay\/v1\/orders$/)).toBe(calls);
  });

  it("payment starts: 30 per cart in 10 minutes", async () => {
    const b = browser("203.0.113.8");
    const orderId = await placed(b);
    for (let i = 0; i < SHOP_LIMITS.paymentsPerCart.points; i++) expect((await b.send(() => actions.startPaymentAction(orderId, "QR"))).status).toBe(200);
    const refused = await b.send(() => actions.startPaymentAction(orderId, "QR"));
    expect(refused.status).toBe(429);
    expect(refused.value).toMatchObject(TOO_MANY(/^Too many payment attempts in a short time\. Please try again in \d+ minutes?\.$/));
  });

  it("the limits live in the database: another instance of the app counts the same requests", async () => {
    for (let i = 0; i < SHOP_LIMITS.cartsPerAddress.points; i++) await addChai(browser("203.0.113.9"));
    vi.resetModules(); // another instance: nothing shared but the database
    const other = (await import("./actions")) as typeof actions;
    (await import("@/lib/env")).resetEnvCache();
    (await import("@/lib/security/client-address")).markFrontDoorActive();
    const f = new FormData();
    f.set("productId", await chaiId());
    const r = await browser("203.0.113.9").send(() => other.addToCartAction(null, f));
    expect(r.value).toMatchObject({ ok: false, error: expect.stringMatching(/^Too many new carts/) });
  });
});

describe("collect requests", () => {
  /** Create-payment calls at Plural (after the QR a test starts first, each is a collect request). */
  const collectCalls = () => server.count("POST", /\/payments$/);
  /** Time passes for the order's cooldown, as far as the order row says. */
  const cooledDown = (orderId: string) => db().order.update({ where: { id: orderId }, data: { lastCollectAt: new Date(Date.now() - COLLECT.cooldownMs - 1) } });

  it("8 UPI IDs on one order: at most 3 collect requests reach Plural", async () => {
    const b = browser("203.0.113.10");
    const orderId = await placed(b);
    await b.send(() => actions.startPaymentAction(orderId, "QR"));
    const before = collectCalls();
    const answers = [];
    for (let i = 1; i <= 8; i++) {
      answers.push(await b.send(() => actions.startPaymentAction(orderId, "COLLECT", `victim${i}@okaxis`)));
      await cooledDown(orderId);
    }
    expect(collectCalls() - before).toBe(COLLECT.payers);
    expect(answers.slice(0, 3).map((a) => a.status)).toEqual([200, 200, 200]);
    for (const a of answers.slice(3)) {
      expect(a.status).toBe(429);
      expect(a.value).toMatchObject(TOO_MANY(/gone to 3 different UPI IDs already, the most one order may use/));
    }
    // One of those three again is still possible (the shopper who mistyped, then typed it right).
    expect((await b.send(() => actions.startPaymentAction(orderId, "COLLECT", "victim1@okaxis"))).status).toBe(200);
    expect(collectCalls() - before).toBe(COLLECT.payers + 1);
  });

  it("8 UPI IDs at once: one request goes, the others are told to wait", async () => {
    const b = browser("203.0.113.11");
    const orderId = await placed(b);
    const before = collectCalls();
    const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => b.send(() => actions.startPaymentAction(orderId, "COLLECT", `rush${i}@okaxis`))));
    expect(collectCalls() - before).toBe(1);
    expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
    expect(answers.filter((a) => a.status === 429)).toHaveLength(7);
  });

  it("a cooldown between requests, and at most 6 in all", async () => {
    const b = browser("203.0.113.12");
    const orderId = await placed(b);
    expect((await b.send(() => actions.startPaymentAction(orderId, "COLLECT", "asha@okaxis"))).status).toBe(200);
    const soon = await b.send(() => actions.startPaymentAction(orderId, "COLLECT", "asha@okicici"));
    expect(soon.status).toBe(429);
    expect(soon.value).toMatchObject(TOO_MANY(/^A payment request was sent a moment ago\. You can send another in \d+ seconds?\.$/));
    const sent = [];
    const payers = ["asha@okaxis", "asha@okicici", "asha@oksbi"];
    for (let i = 1; i < COLLECT.requests + 2; i++) {
      await cooledDown(orderId);
      // Each replaces the one before (a new payment on a pending order does, at Plural).
      sent.push((await b.send(() => actions.startPaymentAction(orderId, "COLLECT", payers[i % 3]))).status);
    }
    expect(sent.filter((s) => s === 200)).toHaveLength(COLLECT.requests - 1);
    expect(sent.at(-1)).toBe(429);
  });
});

describe("the budget of Plural calls", () => {
  beforeEach(() => {
    process.env.PLURAL_CALLS_PER_MINUTE = "4";
    resetEnvCache();
  });
  afterAll(() => {
    process.env.PLURAL_CALLS_PER_MINUTE = "100000";
    resetEnvCache();
  });

  it("a flood of shoppers cannot use up the merchant's quota: past the budget, a 429 and no call", async () => {
    const created = () => server.count("POST", /\/api\/pay\/v1\/orders$/);
    const calls = created();
    for (let i = 0; i < 4; i++) expect((await checkout(await withCart(browser(`198.51.100.${i + 1}`)))).status).toBe(200);
    expect(created() - calls).toBe(4);
    const refused = await checkout(await withCart(browser("198.51.100.99")));
    expect(refused.status).toBe(429);
    expect(refused.value).toMatchObject(TOO_MANY(/^The payment service is busy right now\. Please try again in \d+ seconds?\.$/));
    expect(created() - calls).toBe(4);
    expect(await db().order.count({ where: { customerEmail: "asha@example.com", pluralOrderId: null } })).toBe(0); // refused before anything was written
  });

  it("the status route answers from the database when the budget is spent", async () => {
    process.env.PLURAL_CALLS_PER_MINUTE = "100000";
    resetEnvCache();
    const b = browser("198.51.100.200");
    const orderId = await placed(b);
    await b.send(() => actions.startPaymentAction(orderId, "QR"));
    process.env.PLURAL_CALLS_PER_MINUTE = "1";
    resetEnvCache();
    await db().$executeRawUnsafe(`UPDATE "RateLimit" SET "points" = 5 WHERE "key" = 'plural:calls:all'`);
    await db().order.update({ where: { id: orderId }, data: { lastSyncedAt: new Date(0) } });
    const calls = server.requests.length;
    expect(await liveStatus(orderId)).toMatchObject({ status: "PENDING" });
    expect(server.requests.length).toBe(calls);
  });

  async function withCart(b: Browser) {
    await addChai(b);
    return b;
  }
});

import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { db } from "@/lib/db";
import { resetEnvCache } from "@/lib/env";
import { createCart, setQuantity } from "@/lib/orders";
import { testCart } from "@/lib/testing/cart";
import { startTestStore } from "@/lib/testing/store";
import { newRequest, request } from "@/lib/testing/next-request";
import * as shop from "./(shop)/actions";
import * as admin from "./admin/actions";
import { fetchSettlements } from "./admin/settlements/actions";
import { answerPayment, redeliverWebhook, saveSettings } from "./sandbox/actions";
import { sandbox } from "@/lib/sandbox";

vi.mock("next/headers", () => import("@/lib/testing/next-request").then((m) => m.nextHeadersModule));
vi.mock("next/cache", () => ({ revalidatePath: () => {} }));

/**
 * Every server action validates its arguments and answers a clear error,
 * never a 500 (a throw that is not Next's notFound()/redirect()), and writes nothing. Each action is
 * called as an attacker may call it over HTTP: arguments missing, of the wrong type, oversized, or
 * naming someone else's order.
 */
let server: Awaited<ReturnType<typeof startTestStore>>;
let chaiId: string;
let foreignOrderId: string;
let adminCookie: Record<string, string>;
let shopperCart: string;

beforeAll(async () => {
  server = await startTestStore();
  server.sandbox.updateSettings({ webhook: { enabled: false } });
  process.env.ADMIN_PASSWORD = "s3cret-console-pass";
  resetEnvCache();
  chaiId = (await db().product.findUniqueOrThrow({ where: { slug: "chai" } })).id;
  const cart = await testCart();
  await setQuantity(cart.id, chaiId, 1);
  const placed = await cart.place();
  if (!placed.ok) throw new Error(placed.error);
  foreignOrderId = placed.value.orderId;
  const mine = await createCart();
  shopperCart = mine.token;
  await setQuantity(mine.id, chaiId, 1);
  // A console session, as a signed-in merchant's browser holds it.
  newRequest();
  const { startSession } = await import("@/lib/admin-auth");
  await startSession();
  adminCookie = Object.fromEntries(request.setCookies.map((c) => [c.name, c.value]));
});
afterAll(async () => {
  delete process.env.ADMIN_PASSWORD;
  resetEnvCache();
  await server.close();
});

const huge = "x".repeat(200_000);
const fd = (fields: Record<string, string>) => {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) f.set(k, v);
  return f;
};

/** What a caller gets: the action's answer, Next's 404 / redirect, or a crash (a 500). */
async function outcome(call: () => Promise<unknown>): Promise<string> {
  try {
    const value = await call();
    if (value === undefined) return "answer: (none)";
    const error = (value as { error?: unknown } | null)?.error;
    if (typeof error === "string" && error.length > 0 && error.length < 200) return "clear error";
    return `answer: ${JSON.stringify(value).slice(0, 120)}`;
  } catch (e) {
    const digest = (e as { digest?: unknown }).digest;
    if (typeof digest === "string" && digest.startsWith("NEXT_HTTP_ERROR_FALLBACK;404")) return "404";
    if (typeof digest === "string" && digest.startsWith("NEXT_REDIRECT")) return "redirect";
    return `crash: ${String(e).slice(0, 200)}`;
  }
}

async function rows() {
  const [carts, items, orders, payments, events, refunds] = await Promise.all([
    db().cart.count(),
    db().cartItem.count(),
    db().order.count(),
    db().payment.count(),
    db().orderEvent.count(),
    db().refund.count(),
  ]);
  return { carts, items, orders, payments, events, refunds };
}

type Case = [label: string, call: () => Promise<unknown>, cookies?: () => Record<string, string>];
const stranger = () => ({});
const shopper = () => ({ cart: shopperCart });

const cases: Case[] = [
  // addToCartAction(prev, formData)
  ["addToCart: no arguments", () => (shop.addToCartAction as (...a: unknown[]) => Promise<unknown>)(), shopper],
  ["addToCart: form is a string", () => shop.addToCartAction(null, "productId=x" as unknown as FormData), shopper],
  ["addToCart: form is an object", () => shop.addToCartAction(null, { productId: chaiId } as unknown as FormData), shopper],
  ["addToCart: no product", () => shop.addToCartAction(null, fd({})), shopper],
  ["addToCart: unknown product", () => shop.addToCartAction(null, fd({ productId: "cnotaproduct000000000000" })), shopper],
  ["addToCart: oversized product id", () => shop.addToCartAction(null, fd({ productId: huge })), shopper],
  ["addToCart: quantity not a number", () => shop.addToCartAction(null, fd({ productId: chaiId, quantity: "lots" })), shopper],
  ["addToCart: oversized quantity", () => shop.addToCartAction(null, fd({ productId: chaiId, quantity: "1e308" })), shopper],
  // setQuantityAction(productId, quantity)
  ["setQuantity: no arguments", () => (shop.setQuantityAction as (...a: unknown[]) => Promise<unknown>)(), shopper],
  ["setQuantity: unknown product (finding 4)", () => shop.setQuantityAction("cnotaproduct000000000000", 2), shopper],
  ["setQuantity: product id is a number", () => shop.setQuantityAction(123 as unknown as string, 1), shopper],
  ["setQuantity: product id is an object", () => shop.setQuantityAction({ id: chaiId } as unknown as string, 1), shopper],
  ["setQuantity: quantity is a string", () => shop.setQuantityAction(chaiId, "2" as unknown as number), shopper],
  ["setQuantity: quantity is a fraction", () => shop.setQuantityAction(chaiId, 1.5), shopper],
  ["setQuantity: quantity is NaN", () => shop.setQuantityAction(chaiId, Number.NaN), shopper],
  ["setQuantity: oversized quantity", () => shop.setQuantityAction(chaiId, 1e9), shopper],
  ["setQuantity: oversized product id", () => shop.setQuantityAction(huge, 1), shopper],
  // placeOrderAction(prev, formData)
  ["placeOrder: no arguments", () => (shop.placeOrderAction as (...a: unknown[]) => Promise<unknown>)()],
  ["placeOrder: form is a string", () => shop.placeOrderAction(null, "name=x" as unknown as FormData)],
  ["placeOrder: empty form", () => shop.placeOrderAction(null, fd({}))],
  [
    "placeOrder: oversized fields",
    () => shop.placeOrderAction(null, fd({ name: huge, email: huge, mobile: huge, checkoutKey: huge, "billing.address1": huge })),
  ],
  // startPaymentAction(orderId, mode, vpa)
  ["startPayment: no arguments", () => (shop.startPaymentAction as (...a: unknown[]) => Promise<unknown>)()],
  ["startPayment: order id is a number", () => shop.startPaymentAction(42 as unknown as string, "QR")],
  ["startPayment: unknown mode", () => shop.startPaymentAction(foreignOrderId, "BITCOIN" as "QR")],
  ["startPayment: VPA is an object", () => shop.startPaymentAction(foreignOrderId, "COLLECT", { vpa: "a@b" } as unknown as string)],
  ["startPayment: oversized order id", () => shop.startPaymentAction(huge, "QR")],
  ["startPayment: oversized VPA", () => shop.startPaymentAction(foreignOrderId, "COLLECT", `${huge}@upi`)],
  ["startPayment: someone else's order", () => shop.startPaymentAction(foreignOrderId, "COLLECT", "attacker@upi")],
  // cancelCheckoutAction(orderId)
  ["cancelCheckout: no arguments", () => (shop.cancelCheckoutAction as (...a: unknown[]) => Promise<unknown>)()],
  ["cancelCheckout: order id is an array", () => shop.cancelCheckoutAction([foreignOrderId] as unknown as string)],
  ["cancelCheckout: oversized order id", () => shop.cancelCheckoutAction(huge)],
  ["cancelCheckout: someone else's order", () => shop.cancelCheckoutAction(foreignOrderId)],
  // reorderAction(formData)
  ["reorder: no arguments", () => (shop.reorderAction as (...a: unknown[]) => Promise<unknown>)()],
  ["reorder: form is a string", () => shop.reorderAction(foreignOrderId as unknown as FormData)],
  ["reorder: no order id", () => shop.reorderAction(fd({}))],
  ["reorder: oversized order id", () => shop.reorderAction(fd({ orderId: huge }))],
  ["reorder: someone else's order", () => shop.reorderAction(fd({ orderId: foreignOrderId }))],
  // signIn(prev, formData), signOut()
  ["signIn: no arguments", () => (admin.signIn as (...a: unknown[]) => Promise<unknown>)()],
  ["signIn: form is a string", () => admin.signIn(null, "password=x" as unknown as FormData)],
  ["signIn: no password", () => admin.signIn(null, fd({}))],
  ["signIn: oversized password", () => admin.signIn(null, fd({ password: huge }))],
  ["signOut: unexpected arguments", () => (admin.signOut as (...a: unknown[]) => Promise<unknown>)("x", 1, {})],
  // adminAction(formData), without and with a console session
  ["adminAction: no session", () => admin.adminAction(fd({ orderId: foreignOrderId, action: "cancel" }))],
  ["adminAction: no arguments", () => (admin.adminAction as (...a: unknown[]) => Promise<unknown>)(), () => adminCookie],
  ["adminAction: form is a string", () => admin.adminAction("action=refund" as unknown as FormData), () => adminCookie],
  ["adminAction: unknown action", () => admin.adminAction(fd({ orderId: foreignOrderId, action: "nuke" })), () => adminCookie],
  ["adminAction: no order id", () => admin.adminAction(fd({ action: "sync" })), () => adminCookie],
  ["adminAction: unknown order", () => admin.adminAction(fd({ orderId: "cnotanorder0000000000000", action: "capture" })), () => adminCookie],
  ["adminAction: oversized order id", () => admin.adminAction(fd({ orderId: huge, action: "sync" })), () => adminCookie],
  [
    "adminAction: refund of a wrong amount",
    () => admin.adminAction(fd({ orderId: foreignOrderId, action: "refund", amount: "1e9", refundKey: "k" })),
    () => adminCookie,
  ],
  [
    "adminAction: oversized refund key",
    () => admin.adminAction(fd({ orderId: foreignOrderId, action: "refund", amount: "1", refundKey: huge })),
    () => adminCookie,
  ],
];

describe("the hand-picked cases: each action's own bad arguments", () => {
  it.each(cases)("%s", async (_label, call, cookies = stranger) => {
    newRequest(cookies(), { "x-store-peer-address": "203.0.113.99" });
    const before = await rows();
    const got = await outcome(call);
    expect(got).toMatch(/^(clear error|404|redirect)$/);
    expect(await rows()).toEqual(before);
  });
});

/**
 * Every server action, found by itself: each exported function of each `"use server"` module under app/ (a
 * new action is checked the day it is written), called with the arguments an attacker can send over HTTP
 * (React encodes strings, numbers, null, objects, arrays and FormData), by a stranger and by a signed-in
 * merchant. None may crash (a 500) or write to the store.
 */
const APP = path.resolve(__dirname);
const serverModules = readdirSync(APP, { recursive: true, encoding: "utf8" })
  .filter((f) => /\.tsx?$/.test(f) && !/\.test\.tsx?$/.test(f))
  .filter((f) => /^(\s*(\/\/[^\n]*\n|\/\*[\s\S]*?\*\/))*\s*["']use server["']/.test(readFileSync(path.join(APP, f), "utf8")))
  .sort();
const discovered: Array<{ file: string; name: string; action: (...args: unknown[]) => Promise<unknown> }> = [];
for (const file of serverModules) {
  const mod = (await import(path.join(APP, file))) as Record<string, unknown>;
  for (const [name, value] of Object.entries(mod))
    if (typeof value === "function") discovered.push({ file, name, action: value as (...args: unknown[]) => Promise<unknown> });
}

/** Junk under every field name an action reads, and each too long. */
const FIELDS = [
  "orderId",
  "productId",
  "quantity",
  "action",
  "amount",
  "refundKey",
  "password",
  "checkoutKey",
  "paymentId",
  "decision",
  "returnTo",
  "id",
  "from",
  "to",
  "grace",
  "profile",
];
const junkForm = () => fd(Object.fromEntries(FIELDS.map((k) => [k, "junk"])));
const hugeForm = () => fd(Object.fromEntries(FIELDS.map((k) => [k, huge])));
const HOSTILE: Array<[string, () => unknown[]]> = [
  ["no arguments", () => []],
  ["a string", () => ["x"]],
  ["a number", () => [42]],
  ["null", () => [null]],
  ["an object", () => [{ orderId: "x", get: "x" }]],
  ["an array", () => [["x"]]],
  ["an oversized string", () => [huge]],
  ["an empty form", () => [fd({})]],
  ["a form of junk", () => [junkForm()]],
  ["a form of oversized fields", () => [hugeForm()]],
  ["state, then a string", () => [null, "x"]],
  ["state, then a form of junk", () => [null, junkForm()]],
  ["state, then a form of oversized fields", () => [null, hugeForm()]],
  ["too many arguments", () => ["x", 1, {}, [], null]],
];

/** A fresh console session for each call (an action like signOut ends the one it is given). */
async function merchant(): Promise<Record<string, string>> {
  newRequest();
  const { startSession } = await import("@/lib/admin-auth");
  await startSession();
  return { ...Object.fromEntries(request.setCookies.map((c) => [c.name, c.value])), cart: shopperCart };
}

describe("every server action, found by itself, answers hostile arguments without a crash and writes nothing", () => {
  it('finds the server actions of every "use server" module under app/', () => {
    expect(serverModules).toEqual(
      expect.arrayContaining([path.join("(shop)", "actions.ts"), path.join("admin", "actions.ts"), path.join("sandbox", "actions.ts")]),
    );
    const names = discovered.map((d) => d.name);
    // The hand-picked cases above cover some; the sweep below covers each of these and any new one.
    for (const name of [
      "addToCartAction",
      "placeOrderAction",
      "startPaymentAction",
      "signIn",
      "adminAction",
      "fetchSettlements",
      "answerPayment",
      "saveSettings",
      "redeliverWebhook",
    ])
      expect(names).toContain(name);
  });

  const sweep = discovered.flatMap(({ file, name, action }) =>
    HOSTILE.flatMap(([label, args]) =>
      (["a stranger", "the merchant"] as const).map((who) => [`${file} ${name}: ${label}, from ${who}`, action, args, who] as const),
    ),
  );
  /** The sandbox's own pages answer only where the store serves its sandbox itself (PLURAL_BASE_URL = APP_URL/sandbox). */
  function serveOwnSandbox(on: boolean) {
    process.env.PLURAL_BASE_URL = on ? `${process.env.APP_URL}/sandbox` : server.baseUrl;
    resetEnvCache();
  }
  it.each(sweep)("%s", async (label, action, args, who) => {
    const cookies = who === "the merchant" ? await merchant() : {};
    const ownSandbox = label.startsWith(`sandbox${path.sep}`);
    if (ownSandbox) serveOwnSandbox(true);
    try {
      newRequest(cookies, { "x-store-peer-address": "127.0.0.1" });
      const before = await rows();
      const got = await outcome(() => action(...args()));
      expect(got).not.toMatch(/^crash/);
      expect(await rows()).toEqual(before);
    } finally {
      if (ownSandbox) serveOwnSandbox(false);
    }
  });
});

describe("the actions the hand-picked list missed refuse what is not a form (each crashed with a TypeError, a 500)", () => {
  const redirectOf = async (call: () => Promise<unknown>) => {
    try {
      await call();
      return undefined;
    } catch (e) {
      return String((e as { digest?: unknown }).digest ?? e);
    }
  };
  const asForm = (v: unknown) => v as FormData;

  it("fetchSettlements: the settlements page again with an error, nothing fetched", async () => {
    newRequest(await merchant());
    const before = await db().settlement.count();
    expect(await redirectOf(() => fetchSettlements(asForm("from=2026-01-01")))).toMatch(/^NEXT_REDIRECT;replace;\/admin\/settlements\?error=Not\+a\+form/);
    expect(await redirectOf(() => fetchSettlements(asForm(null)))).toMatch(/error=Not\+a\+form/);
    expect(await db().settlement.count()).toBe(before);
  });

  describe("the sandbox's pages", () => {
    beforeAll(() => {
      process.env.PLURAL_BASE_URL = `${process.env.APP_URL}/sandbox`;
      resetEnvCache();
    });
    afterAll(() => {
      process.env.PLURAL_BASE_URL = server.baseUrl;
      resetEnvCache();
    });

    it("answerPayment: back to the UPI app with an error, no payment answered", async () => {
      newRequest({}, { "x-store-peer-address": "127.0.0.1" });
      const payments = JSON.stringify(sandbox().snapshot().payments);
      expect(await redirectOf(() => answerPayment(asForm("paymentId=x&decision=approve")))).toMatch(
        /^NEXT_REDIRECT;replace;\/sandbox\/upi\?error=Not\+a\+form/,
      );
      expect(await redirectOf(() => answerPayment(asForm(undefined)))).toMatch(/error=Not\+a\+form/);
      expect(JSON.stringify(sandbox().snapshot().payments)).toBe(payments);
    });

    it("saveSettings and redeliverWebhook: nothing changed, nothing sent", async () => {
      newRequest({}, { "x-store-peer-address": "127.0.0.1" });
      const settings = JSON.stringify(sandbox().settings);
      const webhooks = JSON.stringify(sandbox().snapshot().webhooks);
      await expect(saveSettings(asForm({ profile: "strict" }))).resolves.toBeUndefined();
      await expect(saveSettings(asForm("webhook_enabled=on"))).resolves.toBeUndefined();
      await expect(redeliverWebhook(asForm(42))).resolves.toBeUndefined();
      expect(JSON.stringify(sandbox().settings)).toBe(settings);
      expect(JSON.stringify(sandbox().snapshot().webhooks)).toBe(webhooks);
    });
  });
});

import { expect, test } from "../fixtures";
import { callAction, SHOP_ACTIONS } from "../support/actions";
import { STORE_URL } from "../support/plural";
import { sendOversized } from "../../lib/testing/raw-http";

/**
 * Tried as an attacker would, over HTTP against the production build: the same requests a
 * browser sends, without the shopper's cookies. This part: bad server-action arguments and oversized bodies.
 */
test.describe("bad arguments", () => {
  test("a server action called over HTTP with bad arguments answers a clear error, never a 500", async ({ page, store }) => {
    await store.addToCart("Masala Chai Tin");
    const call = (name: string, args: unknown[], path = "/cart") => callAction(page.request, { path, file: SHOP_ACTIONS, name, args, baseURL: STORE_URL });
    const unknownProduct = await call("setQuantityAction", ["cnotaproduct000000000000", 2]);
    expect(unknownProduct.status).toBe(200);
    expect(unknownProduct.value).toMatchObject({ ok: false, error: expect.any(String) });
    for (const args of [[], [123n, 1], [new Date(0), { a: 1 }], [null, null], ["x".repeat(50_000), 1], [[1, [2, [3]]], new Map([[1, 2]])]]) {
      const r = await call("setQuantityAction", args);
      expect(r.status, JSON.stringify(args, (_k, v) => (typeof v === "bigint" ? `${v}n` : v)).slice(0, 80)).toBe(200);
      expect(r.value).toMatchObject({ ok: false, error: expect.any(String) });
    }
    await page.goto("/cart");
    await expect(page.getByTestId("cart-total")).toHaveText("₹349.00");
  });

  test("a server action posted from another site is refused with a 403, not a 500", async ({ page, store }) => {
    await store.addToCart("Masala Chai Tin");
    const r = await callAction(page.request, {
      path: "/cart",
      file: SHOP_ACTIONS,
      name: "setQuantityAction",
      args: ["cnotaproduct000000000000", 1],
      headers: { origin: "https://evil.example" },
      baseURL: STORE_URL,
    });
    expect(r.status).toBe(403);
  });
});

test.describe("oversized bodies", () => {
  const port = Number(new URL(STORE_URL).port);
  const MB50 = 50 * 1024 * 1024;

  for (const path of ["/api/plural/webhook", "/api/plural/return", "/cart", "/admin/login"]) {
    test(`50 MB to ${path} is refused with 413 before it is sent`, async () => {
      const r = await sendOversized({ port, path, total: MB50, headers: { "content-type": "application/octet-stream", "next-action": "x" } });
      expect(r.status).toBe(413);
      expect(r.sent).toBeLessThan(MB50 / 10);
    });
  }

  test("50 MB without a length: the webhook counts and stops at its limit; a page will not take it at all", async () => {
    const webhook = await sendOversized({ port, path: "/api/plural/webhook", total: MB50, chunked: true, headers: { "content-type": "application/json" } });
    expect(webhook.status).toBe(413);
    expect(webhook.sent).toBeLessThan(MB50 / 10);
    const page = await sendOversized({ port, path: "/cart", total: MB50, chunked: true, headers: { "next-action": "x" } });
    expect(page.status).toBe(411);
    expect(page.sent).toBeLessThan(MB50 / 10);
  });
});

import { request as playwrightRequest } from "@playwright/test";
import { expect, test } from "../fixtures";
import { callAction, SHOP_ACTIONS } from "../support/actions";
import { cartItemCount, orderFootprint } from "../support/db";
import { STORE_URL } from "../support/plural";

/**
 * Tried as an attacker would, over HTTP against the production build: the same requests a
 * browser sends, without the shopper's cookies. This part: a shopper's order, its ownership and its abuse.
 */
test.describe("an order belongs to the shopper who placed it", () => {
  test.afterEach(async ({ sandbox }) => {
    await sandbox.reset();
  });

  test("another browser, with only the order id, sees nothing and changes nothing", async ({ browser, page, store, pay }) => {
    await store.addToCart("Masala Chai Tin");
    await store.checkout();
    await pay.waitForQr();
    const orderId = pay.orderId;
    await page.goto("/"); // the shopper's page stops polling
    const before = await orderFootprint(orderId);
    const cartItems = await cartItemCount();

    await test.step("the pages and the status route are 404s", async () => {
      const other = await browser.newContext();
      const page = await other.newPage();
      for (const path of [`/orders/${orderId}/pay`, `/orders/${orderId}`]) {
        const res = await page.goto(STORE_URL + path);
        expect(res?.status(), path).toBe(404);
        await expect(page.getByText("This page could not be found.")).toBeVisible();
      }
      expect((await page.request.get(`${STORE_URL}/api/orders/${orderId}/status`)).status()).toBe(404);
      await other.close();
    });

    await test.step("the shopper actions, called as the browser calls them, are 404s", async () => {
      const attacker = await playwrightRequest.newContext({ baseURL: STORE_URL });
      const call = (name: string, args: unknown[], path = `/orders/${orderId}/pay`) =>
        callAction(attacker, { path, file: SHOP_ACTIONS, name, args, baseURL: STORE_URL });
      expect((await call("startPaymentAction", [orderId, "COLLECT", "attacker@upi"])).status).toBe(404);
      expect((await call("startPaymentAction", [orderId, "QR"])).status).toBe(404);
      expect((await call("cancelCheckoutAction", [orderId])).status).toBe(404);
      const fd = new FormData();
      fd.set("orderId", orderId);
      expect((await call("reorderAction", [fd], `/orders/${orderId}`)).status).toBe(404);
      await attacker.dispose();
    });

    expect(await orderFootprint(orderId)).toEqual(before);
    expect(await cartItemCount()).toBe(cartItems);
  });

  test("a shopper who comes back from Plural in another browser still sees the result", async ({ browser, page, sandbox, store }) => {
    await sandbox.settings({ challenge_mode: "landing" });
    await store.addToCart("Copper Water Bottle");
    await store.checkout();
    await expect(page).toHaveURL(/\/sandbox\/pay\//, { timeout: 15_000 });

    // Plural's page, opened in another browser on another site (localhost is not 127.0.0.1): its
    // signed form post to the return URL is cross-site, so it carries none of the store's cookies.
    const landing = new URL(page.url());
    landing.hostname = "localhost";
    const phone = await browser.newContext();
    const other = await phone.newPage();
    await other.goto(landing.toString());
    await other.getByRole("button", { name: "Approve payment" }).click();
    await expect(other).toHaveURL(new RegExp(`^${STORE_URL}/orders/[^/]+$`), { timeout: 15_000 });
    await expect(other.getByRole("heading", { name: "Payment received. Thank you!" })).toBeVisible();
    const orderId = other.url().split("/orders/")[1]!;

    const stranger = await (await browser.newContext()).newPage();
    expect((await stranger.goto(`${STORE_URL}/orders/${orderId}`))?.status()).toBe(404);
    await stranger.context().close();
    await phone.close();
  });
});

test.describe("abuse of a shopper's order", () => {
  test.afterEach(async ({ sandbox }) => {
    await sandbox.reset();
  });

  test("40 event streams on one order: at most 3 open, the others are refused with a 429", async ({ page, store, pay }) => {
    await store.addToCart("Masala Chai Tin");
    await store.checkout();
    await pay.waitForQr();
    const orderId = pay.orderId;
    await page.goto("/"); // the shopper's own pay page lets go of its stream
    const cookie = (await page.context().cookies(STORE_URL)).map((c) => `${c.name}=${c.value}`).join("; ");
    const aborts = Array.from({ length: 40 }, () => new AbortController());
    try {
      const answers = await Promise.all(aborts.map((a) => fetch(`${STORE_URL}/api/orders/${orderId}/events`, { headers: { cookie }, signal: a.signal })));
      const open = answers.filter((r) => r.status === 200).length;
      expect(open).toBeLessThanOrEqual(3);
      expect(open).toBeGreaterThan(0);
      const refused = answers.filter((r) => r.status === 429);
      expect(refused).toHaveLength(40 - open);
      expect(await refused[0]!.json()).toEqual({ error: expect.stringMatching(/^Too many live updates are open here just now/) });
    } finally {
      for (const a of aborts) a.abort();
    }
  });

  test.describe("collect requests", () => {
    test.use({ allowedConsoleErrors: [/status of 429/] });

    test("8 UPI IDs on one order: at most 3 collect requests reach Plural, and the shopper is told why", async ({ page, store, pay, request }) => {
      await store.addToCart("Brass Diya Pair");
      await store.checkout();
      await pay.waitForQr();
      const orderId = pay.orderId;
      await request.post("/sandbox/control/stats/reset", { data: {} });
      await pay.requestOn("victim1@okaxis");
      await test.step("another UPI ID at once: refused, and the page says how long to wait", async () => {
        await page.getByRole("textbox", { name: "Send to another UPI ID" }).fill("victim2@okaxis");
        const answer = page.waitForResponse((r) => r.request().method() === "POST" && r.request().headers()["next-action"] !== undefined);
        await page.getByRole("button", { name: "Send payment request" }).click();
        expect((await answer).status()).toBe(429);
        await expect(page.getByText(/A payment request was sent a moment ago\. You can send another in \d+ seconds\./)).toBeVisible();
        await expect(page.getByRole("button", { name: "Send payment request" })).toBeEnabled();
        await pay.shot("pay-collect-cooldown");
      });
      await test.step("the rest, as a script sends them", async () => {
        for (let i = 3; i <= 8; i++) {
          const r = await callAction(page.request, {
            path: `/orders/${orderId}/pay`,
            file: SHOP_ACTIONS,
            name: "startPaymentAction",
            args: [orderId, "COLLECT", `victim${i}@okaxis`],
            baseURL: STORE_URL,
          });
          expect(r.status).toBe(429);
        }
      });
      const stats = (await (await request.get("/sandbox/control/stats")).json()) as { calls: { createPayment: number } };
      expect(stats.calls.createPayment).toBeLessThanOrEqual(3);
      expect(stats.calls.createPayment).toBe(1); // the first; the others never left the store
    });
  });
});

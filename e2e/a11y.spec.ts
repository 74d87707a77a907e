import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { Console } from "./pages/console";
import { expectAccessible } from "./support/a11y";
import { phone } from "./support/devices";
import { orderRow } from "./support/db";
import { sandboxApi } from "./support/plural";
import { showResult } from "./support/result";

/**
 * The accessibility gate: every state of every page a shopper, the merchant or a
 * developer sees, scanned by axe-core, with no serious or critical violation.
 */
/** Every tab the page offers (whatever the device), so the gate follows the pay page as it changes. */
async function expectEachTab(page: Page, what: string) {
  const tabs = page.getByRole("tab");
  await expect(tabs.first()).toBeVisible();
  for (const name of (await tabs.allTextContents()).map((n) => n.trim())) {
    const tab = tabs.filter({ hasText: name });
    await tab.click();
    await expect(tab).toHaveAttribute("aria-selected", "true");
    await expectAccessible(page, `${what}, tab "${name}"`);
  }
}

test.describe("accessibility (axe)", () => {
  test.afterEach(async ({ sandbox }) => {
    await sandbox.reset();
  });

  test("shop: home, product, cart, checkout with errors, each pay tab, the UPI app, the receipt", async ({ page, store, pay, upiApp, receipt }) => {
    // Twelve axe runs, first after the servers start: a busy machine takes over a minute.
    test.slow();
    await page.goto("/");
    await expectAccessible(page, "home");
    await page.goto("/products/masala-chai-tin");
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
    await expectAccessible(page, "product");
    await page.goto("/cart");
    await expectAccessible(page, "cart (empty)");
    await store.addToCart("Masala Chai Tin", 2);
    await page.goto("/cart");
    await expect(page.getByTestId("cart-total")).toHaveText("₹698.00");
    await expectAccessible(page, "cart (filled)");
    await page.goto("/checkout");
    await expectAccessible(page, "checkout");
    await page.getByRole("button", { name: "Continue to UPI payment" }).click();
    await expect(page.getByRole("alert").first()).toBeVisible();
    await expectAccessible(page, "checkout (validation errors)");

    await store.checkout();
    const link = await pay.waitForQr();
    await expectEachTab(page, "pay page"); // the first tab with its QR showing, then every other

    await upiApp.page.goto(`/sandbox/upi?link=${encodeURIComponent(link)}`);
    await expect(upiApp.page.getByRole("button", { name: "Approve payment" })).toBeVisible();
    await expectAccessible(upiApp.page, "sandbox UPI app (a payment request)");
    await upiApp.approveLink(link);
    await expectAccessible(upiApp.page, "sandbox UPI app (approved)");
    await receipt.expectPaid("₹698.00");
    await expectAccessible(page, "result (paid)");
  });

  test.describe("on a phone", () => {
    test.use(phone("Pixel 7"));

    test("home, cart and each tab of the pay page", async ({ page, store }) => {
      await page.goto("/");
      await expectAccessible(page, "home (phone)");
      await store.addToCart("Madhubani Notebook");
      await page.goto("/cart");
      await expectAccessible(page, "cart (phone)");
      await store.checkout();
      await expect(page).toHaveURL(/\/orders\/[^/]+\/pay$/);
      await expectEachTab(page, "pay page (phone)");
    });
  });

  test("result pages of a failed attempt and of an order that can no longer be paid", async ({ page, sandbox, store, pay }) => {
    const expire = async () => sandbox.expire((await sandbox.lastPaymentOf((await orderRow(pay.orderId))!.pluralOrderId)).id);
    await store.addToCart("Terracotta Planter");
    await store.checkout();
    await pay.waitForQr();
    await expire();
    await expect.poll(async () => (await orderRow(pay.orderId))!.status).toBe("ATTEMPTED");
    await showResult(page, pay.orderId, "The payment did not go through");
    await expectAccessible(page, "result (attempt failed)");

    await sandbox.settings({ payment_retries: 1 });
    await store.checkout();
    await pay.waitForQr();
    await expire();
    await expect.poll(async () => (await orderRow(pay.orderId))!.status).toBe("FAILED");
    await showResult(page, pay.orderId, "This order could not be paid");
    await expectAccessible(page, "result (failed)");
  });

  test("console: sign-in (and its error), orders, an order paid late", async ({ page, sandbox, store, pay }) => {
    const admin = new Console(page);
    await page.goto("/admin/login");
    await expectAccessible(page, "console sign-in");
    await page.getByLabel("Password").fill("wrong");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByText("That password is not right.")).toBeVisible();
    await expectAccessible(page, "console sign-in (wrong password)");

    await store.addToCart("Madhubani Notebook");
    await store.checkout();
    await pay.waitForQr();
    const orderId = pay.orderId;
    await page.goto("/"); // the shopper leaves: the pay page would follow the order and navigate under the console
    const { id: paymentId } = await sandbox.lastPaymentOf((await orderRow(orderId))!.pluralOrderId);
    await sandbox.expire(paymentId);
    await expect.poll(async () => (await orderRow(orderId))!.status).toBe("ATTEMPTED");
    await sandbox.approveLate(paymentId);
    await expect.poll(async () => (await orderRow(orderId))!.status).toBe("PROCESSED");

    await admin.signIn();
    await expectAccessible(page, "console orders");
    await page.goto("/admin?late=1");
    await expectAccessible(page, "console orders (paid late or twice)");
    await page.goto(`/admin/orders/${orderId}`);
    await expect(page.getByTestId("late-payment")).toContainText("Paid late");
    await expectAccessible(page, "console order (paid late)");
    await page.getByText("Refund…", { exact: true }).click();
    await expect(page.getByLabel(/Amount in rupees/)).toBeVisible();
    await expectAccessible(page, "console order (refund form open)");
    await page
      .getByTestId("late-payment")
      .getByRole("button", { name: /Refund .* in full/ })
      .click();
    await expect(page.getByRole("status").first()).toContainText("requested");
    await expectAccessible(page, "console order (refund requested)");
  });

  test("sandbox: dashboard and a UPI ID's inbox", async ({ page, request }) => {
    const api = await sandboxApi(request);
    const created = await api.createOrder(12300);
    await api.pay(created.order_id, 12300, { txn_mode: "COLLECT", payer: { vpa: "asha@okaxis" } });
    await page.goto("/sandbox");
    await expect(page.getByRole("heading", { name: "Plural sandbox" })).toBeVisible();
    await expectAccessible(page, "sandbox dashboard");
    await page.goto("/sandbox/upi?vpa=asha@okaxis");
    await expect(page.getByRole("article", { name: /Payment request/ })).toBeVisible();
    await expectAccessible(page, "sandbox UPI app (collect inbox)");
    await page.goto("/sandbox/upi");
    await expectAccessible(page, "sandbox UPI app (start)");
  });
});

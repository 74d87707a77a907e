import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { Console } from "./pages/console";
import { Receipt, Store, UpiApp, PayPage } from "./pages/shop";
import { eventsOf, orderRow, paymentsOf } from "./support/db";
import { PREAUTH_URL, shotPath } from "./support/plural";
import { SandboxControl } from "./support/sandbox-control";

/**
 * Switching how to pay, and paying after lost answers. Runs in the `desktop` project (friendly
 * profile) and in the `strict` one, where Plural refuses a second payment on a pending order
 * (PAYMENT_PENDING) and answers a repeated request with DUPLICATE_REQUEST (docs/sandbox.md, "Profiles").
 */
/** The pay page's error line (Next's route announcer is an alert too). */
const payError = (page: Page) => page.getByTestId("pay-error");

test.describe("switching how to pay, and lost answers", () => {
  test.afterEach(async ({ sandbox }) => {
    await sandbox.reset();
  });

  /** The Plural orders made for a store order (its own reference, then `<ref>_2`…), oldest first. */
  async function pluralOrdersOf(sandbox: SandboxControl, reference: string) {
    return (await sandbox.orders())
      .filter((o) => o.type === "CHARGE" && (o.merchant_order_reference === reference || o.merchant_order_reference.startsWith(`${reference}_`)))
      .reverse();
  }

  test("with the answers to create order and create payment lost, a shopper switches from the QR to a collect request and pays", async ({
    page,
    sandbox,
    store,
    pay,
    receipt,
    sandboxProfile,
  }) => {
    const lose = async () => {
      await sandbox.fault({ endpoint: "createOrder", kind: "status", status: 504, count: 1, phase: "after" });
      await sandbox.fault({ endpoint: "createPayment", kind: "status", status: 504, count: 1, phase: "after" });
    };
    await lose();
    await store.addToCart("Handwoven Jute Tote");
    await store.checkout();
    await pay.waitForQr();
    await pay.shot(`switch-${sandboxProfile}-1-qr`);
    const orderId = pay.orderId;
    const { merchantOrderReference: reference } = (await orderRow(orderId))!;
    await test.step("the shopper asks for a request on their UPI ID instead (the answers lost again)", async () => {
      await lose();
      await pay.requestOn("success@sandbox");
      await expect(payError(page)).toBeEmpty();
      await pay.shot(`switch-${sandboxProfile}-2-collect-waiting`);
    });
    await receipt.expectPaid("₹599.00");
    await page.screenshot({ path: shotPath(`switch-${sandboxProfile}-3-receipt`), fullPage: true });
    await test.step("one Plural order, or (strict) a second for the collect request; one payment on each; the order paid once", async () => {
      const plural = await pluralOrdersOf(sandbox, reference);
      if (sandboxProfile === "friendly") {
        expect(plural.map((o) => [o.merchant_order_reference, o.status])).toEqual([[reference, "PROCESSED"]]);
      } else {
        expect(plural.map((o) => [o.merchant_order_reference, o.status, o.payments.length])).toEqual([
          [reference, "PENDING", 1], // the QR, still payable there until it expires
          [`${reference}_2`, "PROCESSED", 1],
        ]);
        expect((await eventsOf(orderId)).map((e) => e.type)).toContain("NEW_PLURAL_ORDER");
      }
      const row = (await orderRow(orderId))!;
      expect([row.status, row.pluralOrderId, row.latePayment]).toEqual(["PROCESSED", plural.at(-1)!.order_id, null]);
      expect((await paymentsOf(orderId)).filter((p) => p.status === "PROCESSED").map((p) => p.upiMode)).toEqual(["COLLECT"]);
    });
  });

  test("after a lost answer every retry also lost, pressing Pay again finds what was made and pays", async ({
    page,
    sandbox,
    store,
    pay,
    upiApp,
    receipt,
    sandboxProfile,
  }) => {
    await sandbox.fault({ endpoint: "createOrder", kind: "status", status: 504, count: 4, phase: "after" });
    await store.addToCart("Terracotta Planter");
    await store.checkout();
    await test.step("checkout says the order is saved, and to press again", async () => {
      await expect(page.locator("#checkout-error")).toContainText("We could not reach the payment service. Your order is saved: press Pay again in a moment.");
      await page.screenshot({ path: shotPath(`lost-${sandboxProfile}-1-checkout`), fullPage: true });
    });
    await sandbox.fault({ endpoint: "createPayment", kind: "status", status: 504, count: 4, phase: "after" });
    await page.getByRole("button", { name: "Continue to UPI payment" }).click();
    await test.step("the pay page: the order is found; the QR's answer was lost every time, so it says to try again", async () => {
      await expect(page).toHaveURL(/\/orders\/[^/]+\/pay$/);
      await expect(payError(page)).toContainText("The payment service is not answering. Please try again in a moment.");
      await pay.shot(`lost-${sandboxProfile}-2-pay-not-answering`);
    });
    const orderId = pay.orderId;
    await page.getByRole("button", { name: "Get a QR code" }).click();
    const link = await pay.waitForQr();
    await upiApp.approveLink(link);
    await receipt.expectPaid("₹449.00");
    const { merchantOrderReference: reference } = (await orderRow(orderId))!;
    const plural = await pluralOrdersOf(sandbox, reference);
    // One Plural order, one payment: what the lost answers made was found, never made twice.
    expect(plural.map((o) => [o.status, o.payments.length])).toEqual([["PROCESSED", 1]]);
    expect(await paymentsOf(orderId)).toHaveLength(1);
  });

  test("where requests to a UPI ID are not enabled, the pay page says so and offers the QR", async ({
    page,
    sandbox,
    store,
    pay,
    upiApp,
    receipt,
    sandboxProfile,
  }) => {
    await store.addToCart("Madhubani Notebook");
    await store.checkout();
    await pay.waitForQr();
    await sandbox.fault({ endpoint: "createPayment", kind: "status", status: 422, code: "PAYMENT_METHOD_NOT_ENABLED", count: 1 });
    await pay.tab("Request on my UPI ID");
    await page.getByRole("textbox", { name: "Your UPI ID" }).fill("asha@okaxis");
    await page.getByRole("button", { name: "Send payment request" }).click();
    await expect(payError(page)).toContainText("Payment requests to a UPI ID are not available in this shop. Scan the QR code or use your UPI app instead.");
    await expect(payError(page)).not.toContainText("valid UPI ID");
    await pay.shot(`collect-not-enabled-${sandboxProfile}`);
    await page.getByRole("button", { name: "Use the QR code instead" }).click();
    await expect(page.getByRole("tab", { name: "Scan QR" })).toHaveAttribute("aria-selected", "true");
    const link = await pay.waitForQr();
    await upiApp.approveLink(link);
    await receipt.expectPaid("₹249.00");
  });

  test("the QR left behind is paid too: the order is paid once, the second payment is refunded, and the console says when that refund is pending at Plural", async ({
    page,
    sandbox,
    store,
    pay,
    upiApp,
    receipt,
    sandboxProfile,
  }) => {
    test.skip(sandboxProfile === "friendly", "Friendly Plural replaces the QR with the collect request: the QR can no longer be paid");
    // Plural takes a while over refunds, and (strict) sends no webhook for them.
    await sandbox.settings({ refund_delay_ms: 4000 });
    await store.addToCart("Copper Water Bottle");
    await store.checkout();
    const qr = await pay.waitForQr();
    const orderId = pay.orderId;
    await pay.requestOn("asha@okaxis");
    const row = (await orderRow(orderId))!;
    await sandbox.approve((await sandbox.lastPaymentOf(row.pluralOrderId)).id);
    await receipt.expectPaid("₹999.00");
    await test.step("the shopper also pays the QR from earlier, still open in another app", async () => {
      await upiApp.approveLink(qr);
      await expect.poll(async () => (await orderRow(orderId))!.latePayment, { timeout: 15_000 }).toBe("PAID_TWICE");
      expect((await orderRow(orderId))!.status).toBe("PROCESSED");
    });
    const admin = new Console(page);
    await admin.signIn();
    await admin.open(row.merchantOrderReference);
    await expect(page.getByTestId("second-payments")).toContainText("The shopper paid this order twice");
    await admin.shot("console-paid-twice");
    await page.getByRole("button", { name: "Refund the second payment (₹999.00)" }).click();
    await expect(page.getByRole("status")).toContainText("Refund of ₹999.00 requested: pending at Plural.");
    await expect(page.getByTestId("refund-pending")).toContainText("pending at Plural");
    await expect(page.getByText(/A refund is still pending at Plural/)).toBeVisible();
    await admin.shot("console-refund-pending");
    await test.step("no webhook comes; the sweep asks Plural, and the page follows by itself", async () => {
      await expect(page.getByTestId("second-payments")).toContainText("refunded.", { timeout: 45_000 });
      await expect(page.getByTestId("refund-pending")).toHaveCount(0);
      await admin.shot("console-refund-done");
    });
    // The order's own amount is untouched: the refund was of the second payment.
    expect((await orderRow(orderId))!.status).toBe("PROCESSED");
  });

  test("a store set up for pre-auth, where Plural refuses pre-auth for UPI: the shopper still pays", async ({ browser, sandboxProfile }) => {
    test.skip(sandboxProfile === "friendly", "Friendly Plural honours pre-auth with UPI");
    const context = await browser.newContext({ baseURL: PREAUTH_URL });
    const page = await context.newPage();
    const control = new SandboxControl(context.request);
    await control.settings({ profile: "strict" });
    try {
      const store = new Store(page);
      await store.addToCart("Masala Chai Tin");
      await store.checkout();
      const link = await new PayPage(page).waitForQr();
      const phone = await context.newPage();
      await new UpiApp(phone).approveLink(link);
      // Captured at once: the receipt, not "authorised".
      await new Receipt(page).expectPaid("₹349.00");
    } finally {
      await control.reset();
      await context.close();
    }
  });
});

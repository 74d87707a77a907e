import { expect, test } from "./fixtures";
import { Console } from "./pages/console";
import { orderRow } from "./support/db";
import { showResult } from "./support/result";

/**
 * A payment that succeeds after the shopper was told it failed, and the same items paid on two
 * orders: the console flags each and the merchant refunds it in one click.
 */
test.describe("late payments", () => {
  test("paid after the shopper saw a failure: flagged 'Paid late', refunded in one click", async ({ page, sandbox, store, pay }) => {
    const admin = new Console(page);
    await store.addToCart("Block-Print Cotton Scarf");
    await store.checkout();
    await pay.waitForQr();
    const orderId = pay.orderId;
    const paymentId = await test.step("the payment expires", async () => {
      const { id } = await sandbox.lastPaymentOf((await orderRow(orderId))!.pluralOrderId);
      await sandbox.expire(id);
      await expect.poll(async () => (await orderRow(orderId))!.status).toBe("ATTEMPTED");
      return id;
    });
    await test.step("the shopper is told it did not go through, and that any debit will be refunded", async () => {
      await showResult(page, orderId, "The payment did not go through");
      await expect(page.getByText("If any amount was debited from your account, it will be refunded.")).toBeVisible();
      await expect(page.getByText("No money was taken")).toHaveCount(0);
    });
    const reference = (await page.locator("dd.font-mono").first().textContent())!;

    await test.step("the bank's debit arrives late: Plural says PROCESSED", async () => {
      await sandbox.approveLate(paymentId);
      await expect.poll(async () => (await orderRow(orderId))!.status).toBe("PROCESSED");
    });

    await admin.signIn();
    await test.step("the console lists it as paid late", async () => {
      await page.goto(`/admin?late=1&q=${reference}`);
      await expect(page.getByRole("row").filter({ hasText: reference })).toContainText("Paid late");
    });
    await admin.open(reference);
    const flag = page.getByTestId("late-payment");
    await expect(flag).toContainText("Paid late");
    await expect(flag).toContainText("after the shopper was told the order had failed");
    await admin.expectTimeline("PAID_LATE");
    await admin.shot("console-paid-late");
    await test.step("one click refunds it in full", async () => {
      await flag.getByRole("button", { name: "Refund ₹1,299.00 in full" }).click();
      await expect(page.getByRole("status")).toContainText("Refund of ₹1,299.00 requested");
      await admin.expectTimeline("REFUND_PROCESSED");
      await expect(page.getByTestId("refunds")).toContainText("PROCESSED");
      await expect(flag).toContainText("Refund of ₹1,299.00 done");
      await expect(flag.getByRole("button")).toHaveCount(0);
    });
    await expect.poll(async () => (await orderRow(orderId))!.status, { timeout: 15_000 }).toBe("FULLY_REFUNDED");
  });

  test("the same items paid on two orders: the later payment is flagged 'Paid twice' and refunded", async ({ page, store, pay, upiApp, receipt }) => {
    const admin = new Console(page);
    await store.addToCart("Brass Diya Pair");
    await store.checkout();
    const firstLink = await pay.waitForQr();
    const first = pay.orderId;
    await test.step("the shopper gives up on the first QR and starts again", async () => {
      await store.checkout();
      await pay.waitForQr();
      expect(pay.orderId).not.toBe(first);
    });
    const second = pay.orderId;
    await upiApp.approveLink(await pay.waitForQr());
    await receipt.expectPaid("₹899.00");
    const secondReference = (await page.locator("dd.font-mono").first().textContent())!;
    await test.step("the first payment goes through as well", async () => {
      await upiApp.approveLink(firstLink);
      await expect.poll(async () => (await orderRow(first))!.status).toBe("PROCESSED");
    });

    await admin.signIn();
    await test.step("the console flags the first order, not the second, and refunds it from the list in one click", async () => {
      await page.goto("/admin?late=1");
      const row = page.getByRole("row").filter({ hasText: "Paid twice" }).first();
      await expect(row).toContainText("₹899.00");
      await admin.shot("console-paid-twice-list");
      await row.getByRole("button", { name: "Refund ₹899.00 in full" }).click();
      await expect(page.getByRole("status")).toContainText("Refund of ₹899.00 requested");
      await expect(page).toHaveURL(new RegExp(`/admin/orders/${first}\\?`));
      const flag = page.getByTestId("late-payment");
      await expect(flag).toContainText("Paid twice");
      await expect(flag.getByRole("link", { name: secondReference })).toBeVisible();
      await admin.expectTimeline("REFUND_PROCESSED");
    });
    await expect.poll(async () => (await orderRow(first))!.status, { timeout: 15_000 }).toBe("FULLY_REFUNDED");
    expect((await orderRow(second))!.status).toBe("PROCESSED");
  });
});

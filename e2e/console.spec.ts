import { expect, test } from "./fixtures";
import { Console } from "./pages/console";
import { orderRow } from "./support/db";
import { PREAUTH_URL } from "./support/plural";

test.describe("merchant console", () => {
  test("sign in, find an order, refund part of it, and see the timeline follow", async ({ page, sandbox, store, pay, upiApp, receipt }) => {
    const admin = new Console(page);
    await test.step("a wrong password is refused", async () => {
      await page.goto("/admin/login");
      await page.getByLabel("Password").fill("wrong");
      await page.getByRole("button", { name: "Sign in" }).click();
      await expect(page.getByText("That password is not right.")).toBeVisible();
    });
    await store.addToCart("Copper Water Bottle");
    await store.checkout();
    const link = await pay.waitForQr();
    const orderId = pay.orderId;
    await upiApp.approveLink(link);
    await receipt.expectPaid("₹999.00");
    const { pluralOrderId } = (await orderRow(orderId))!;
    const reference = (await page.locator("dd.font-mono").first().textContent())!;

    await admin.signIn();
    await admin.shot("console-orders");
    await admin.open(reference);
    await expect(page.getByText(pluralOrderId, { exact: true })).toBeVisible();
    await admin.expectTimeline("ORDER_PROCESSED");
    await test.step("refund ₹250.50 of ₹999.00", async () => {
      // Plural is slow to answer Get Order: the parent's new status arrives well after the refund's webhook.
      await sandbox.fault({ endpoint: "getOrder", kind: "latency", latency_ms: 4000, count: 3 });
      await admin.act("Refund…", /Confirm refund/, "250.50");
      await expect(page.getByRole("status")).toContainText("Refund of ₹250.50 requested");
    });
    await test.step("the refund's webhook arrives and the timeline shows it", async () => {
      await admin.expectTimeline("REFUND_PROCESSED");
      await expect(page.getByTestId("refunds")).toContainText("PROCESSED");
      // No reload: the page follows by itself until the parent's status arrives.
      await expect(page.getByRole("heading", { name: reference }).locator("..")).toContainText("PARTIALLY REFUNDED");
      await sandbox.clearFaults();
    });
    await test.step("more than what remains is refused", async () => {
      await admin.act("Refund…", /Confirm refund/, "800");
      await expect(page.getByText("At most ₹748.50 can be refunded.")).toBeVisible();
    });
    await admin.shot("console-order-refunded");
    await test.step("filters and totals", async () => {
      await page.goto(`/admin?status=PARTIALLY_REFUNDED&q=${reference}`);
      await expect(page.getByTestId("admin-totals")).toHaveText("1 order · ₹999.00 ordered · ₹250.50 refunded");
      await page.goto(`/admin?status=FAILED&q=${reference}`);
      await expect(page.getByTestId("admin-totals")).toContainText("0 orders");
      await page.goto(`/admin?from=2099-01-01&q=${reference}`);
      await expect(page.getByText("No orders match.")).toBeVisible();
      await page.goto(`/admin?q=asha@example.com`);
      await expect(page.getByRole("link", { name: reference })).toBeVisible();
    });
    expect((await orderRow(orderId))!.status).toBe("PARTIALLY_REFUNDED");
    await test.step("sign out", async () => {
      await page.goto("/admin");
      await page.getByRole("button", { name: "Sign out", exact: true }).click();
      await expect(page).toHaveURL(/\/admin\/login$/);
      await page.goto("/admin");
      await expect(page).toHaveURL(/\/admin\/login$/);
    });
  });
});

test.describe("pre-auth (PLURAL_PRE_AUTH=true)", () => {
  test.use({ baseURL: PREAUTH_URL });

  for (const action of ["capture", "cancel"] as const) {
    test(`an authorised order is ${action === "capture" ? "captured" : "cancelled"} from the console`, async ({ page, store, pay, upiApp }) => {
      const admin = new Console(page);
      await store.addToCart("Brass Diya Pair");
      await store.checkout();
      const link = await pay.waitForQr();
      await upiApp.approveLink(link);
      await expect(page.getByRole("heading", { name: "Payment authorised" })).toBeVisible({ timeout: 15_000 });
      const reference = (await page.locator("dd.font-mono").first().textContent())!;
      await admin.signIn();
      await admin.open(reference);
      await expect(page.getByRole("heading", { name: reference }).locator("..")).toContainText("AUTHORIZED");
      if (action === "capture") {
        await admin.act("Capture…", /Confirm capture of ₹899.00/);
        await expect(page.getByRole("status")).toContainText("Captured ₹899.00.");
        await expect(page.getByRole("heading", { name: reference }).locator("..")).toContainText("PROCESSED");
        await admin.expectTimeline("CAPTURE");
      } else {
        await admin.act("Cancel…", /Confirm cancel/);
        await expect(page.getByRole("status")).toContainText("Order cancelled");
        await expect(page.getByRole("heading", { name: reference }).locator("..")).toContainText("CANCELLED");
      }
      await admin.shot(`console-preauth-${action}`);
    });
  }
});

import { expect, test } from "./fixtures";
import { eventsOf, orderRow, paymentsOf } from "./support/db";
import { sandboxApi, shotPath } from "./support/plural";

test.describe("UPI checkout", () => {
  test.afterEach(async ({ sandbox }) => {
    // Sandbox knobs changed by a test go back to their defaults.
    await sandbox.reset();
  });

  test("QR on desktop, approved in the sandbox UPI app, lands on a receipt", async ({ page, store, pay, upiApp, receipt }) => {
    await store.addToCart("Masala Chai Tin", 2);
    await test.step("the cart shows the server's total", async () => {
      await page.goto("/cart");
      await expect(page.getByTestId("cart-total")).toHaveText("₹698.00");
      await page.screenshot({ path: shotPath("cart"), fullPage: true });
    });
    await store.checkout();
    const link = await test.step("the pay page shows a QR for ₹698.00", async () => {
      const l = await pay.waitForQr();
      await expect(page.getByTestId("pay-amount")).toHaveText("₹698.00");
      await expect(page.getByRole("tab", { name: "Scan QR" })).toHaveAttribute("aria-selected", "true");
      await expect(page.getByTestId("pay-status")).toContainText("Waiting for your payment");
      await expect(page.getByTestId("pay-status")).toContainText(/expires in 1[45]:\d\d/);
      await pay.shot("pay-qr-desktop");
      expect(l).toMatch(/^upi:\/\/pay\?.*am=698\.00/);
      return l;
    });
    await test.step("on a desktop the app tab says the app is on the phone", async () => {
      await pay.tab("Pay with UPI app");
      await expect(page.getByTestId("app-on-phone")).toContainText("UPI apps open on a phone");
      await expect(page.getByRole("list", { name: "UPI apps" })).toHaveCount(0);
      await expect(page.getByTestId("in-app-notice")).toHaveCount(0);
      await pay.shot("pay-app-desktop");
      await page.getByRole("button", { name: "Show the QR code" }).click();
      await expect(page.getByTestId("upi-qr")).toBeVisible();
    });
    const orderId = pay.orderId;
    await upiApp.approveLink(link, "upi-app-approve");
    await receipt.expectPaid("₹698.00");
    await page.screenshot({ path: shotPath("receipt"), fullPage: true });
    await test.step("the order is PROCESSED in the database and the cart is empty", async () => {
      expect((await orderRow(orderId))!.status).toBe("PROCESSED");
      await expect(page.getByTestId("cart-link")).not.toContainText(/\d/);
    });
  });

  test("collect with an auto-approving test UPI ID", async ({ page, store, pay, receipt, sandboxProfile }) => {
    await store.addToCart("Jute", 1);
    await store.checkout();
    await pay.waitForQr();
    const orderId = pay.orderId;
    await pay.requestOn("success@sandbox");
    await pay.shot("pay-collect-waiting");
    await receipt.expectPaid("₹599.00");
    await expect(page).toHaveURL(new RegExp(`/orders/${orderId}$`));
    const payments = await paymentsOf(orderId);
    expect(payments.map((p) => [p.upiMode, p.status])).toEqual(
      sandboxProfile === "friendly"
        ? [
            ["QR", "CANCELLED"], // replaced by the collect request
            ["COLLECT", "PROCESSED"],
          ]
        : [
            ["QR", "PENDING"], // on the first Plural order, which refused a second payment: it expires there
            ["COLLECT", "FAILED"], // that refusal (PAYMENT_PENDING): never made
            ["COLLECT", "PROCESSED"], // on a new Plural order for the same store order
          ],
    );
  });

  test("collect declined, then retried on the same order and paid", async ({ page, store, pay, upiApp, receipt, sandboxProfile }) => {
    await store.addToCart("Terracotta Planter");
    await store.checkout();
    await pay.waitForQr();
    const orderId = pay.orderId;
    const pluralOrderId = (await orderRow(orderId))!.pluralOrderId;
    await pay.requestOn("decline@sandbox");
    await test.step("the result page explains and offers to try again", async () => {
      await expect(page).toHaveURL(new RegExp(`/orders/${orderId}$`), { timeout: 15_000 });
      await expect(page.getByRole("heading", { name: "The payment did not go through" })).toBeVisible();
      await expect(page.getByText("The payment was declined in your UPI app or by your bank.")).toBeVisible();
      await page.screenshot({ path: shotPath("result-declined"), fullPage: true });
      await page.getByRole("link", { name: "Try again" }).click();
    });
    const link = await pay.waitForQr();
    expect(pay.orderId).toBe(orderId);
    await upiApp.approveLink(link);
    await receipt.expectPaid("₹449.00");
    expect((await orderRow(orderId))!.pluralOrderId).toBe(pluralOrderId);
    // Friendly: the collect request replaced the QR, and a new QR paid. Strict: the collect request went on a
    // new Plural order (and was declined there); "Try again" shows the first QR, still payable, which pays.
    expect((await paymentsOf(orderId)).map((p) => p.status)).toEqual(
      sandboxProfile === "friendly" ? ["CANCELLED", "FAILED", "PROCESSED"] : ["PROCESSED", "FAILED", "FAILED"],
    );
  });

  test("an unanswered QR expires; a new QR on the same order pays", async ({ page, sandbox, store, pay, upiApp, receipt }) => {
    await sandbox.settings({ payment_expiry_seconds: 3 });
    await store.addToCart("Darjeeling");
    await store.checkout();
    const first = await pay.waitForQr();
    const orderId = pay.orderId;
    const expired = page.getByTestId("qr-expired");
    await test.step("the request expires: the pay page says so and offers a new QR", async () => {
      await expect(expired).toContainText("This QR code has expired.", { timeout: 20_000 });
      await expect(page.getByTestId("pay-status")).toContainText("The payment request expired before it was approved.");
      await expect(page).toHaveURL(new RegExp(`/orders/${orderId}/pay$`));
      await pay.shot("pay-qr-expired");
    });
    await sandbox.settings({ payment_expiry_seconds: 900 });
    await test.step("a reload says the same, and starts nothing by itself", async () => {
      await page.reload();
      await expect(expired).toBeVisible();
      await expect(page.getByTestId("pay-status")).toContainText("The payment request expired before it was approved.");
      expect(await paymentsOf(orderId)).toHaveLength(1);
    });
    await page.getByRole("button", { name: "New QR code" }).click();
    const second = await pay.waitForQr();
    expect(second).not.toBe(first);
    expect(pay.orderId).toBe(orderId);
    await expect(page.getByTestId("pay-status")).toContainText(/expires in 1[45]:\d\d/);
    await upiApp.approveLink(second);
    await receipt.expectPaid("₹749.00");
    expect((await paymentsOf(orderId)).map((p) => p.errorCode)).toEqual(["PAYMENT_EXPIRED", null]);
  });

  test("redirect flow: Plural's page posts back to the return route, which verifies and confirms", async ({ page, sandbox, store, receipt }) => {
    await sandbox.settings({ challenge_mode: "landing" });
    await store.addToCart("Copper Water Bottle");
    await store.checkout();
    await test.step("the browser is sent to Plural's checkout page", async () => {
      await expect(page).toHaveURL(/\/sandbox\/pay\//, { timeout: 15_000 });
      await page.screenshot({ path: shotPath("landing-page") });
      await page.getByRole("button", { name: "Approve payment" }).click();
    });
    await receipt.expectPaid("₹999.00");
    const orderId = page.url().split("/orders/")[1]!;
    const events = await eventsOf(orderId);
    expect(events.some((e) => e.source === "return" && e.type === "RETURN_PROCESSED" && e.verified === 1)).toBe(true);
    expect(events.some((e) => e.source === "return" && e.type === "GET_ORDER_AFTER_RETURN")).toBe(true);
  });

  test.describe(() => {
    // The browser logs the 400 of the refused return page itself.
    test.use({ allowedConsoleErrors: [/the server responded with a status of 400/] });
    test("a tampered return is rejected and changes nothing", async ({ page, request, store, pay, sandboxProfile }) => {
      test.skip(sandboxProfile !== "friendly", "the store's own checks: no reading of Plural's documents is involved");
      await store.addToCart("Brass Diya Pair");
      await store.checkout();
      await pay.waitForQr();
      const orderId = pay.orderId;
      const { pluralOrderId } = (await orderRow(orderId))!;
      const before = await eventsOf(orderId);
      const res = await request.post("/api/plural/return", {
        form: { order_id: pluralOrderId, status: "PROCESSED", signature: "A".repeat(64) },
        maxRedirects: 0,
      });
      expect(res.status()).toBe(400);
      expect(await res.text()).toContain("We could not verify this payment response");
      const unsigned = await request.post("/api/plural/return", { form: { order_id: pluralOrderId, status: "PROCESSED" }, maxRedirects: 0 });
      expect(unsigned.status()).toBe(400);
      expect((await orderRow(orderId))!.status).toBe("PENDING");
      expect(await eventsOf(orderId)).toEqual(before);
      await page.goto(`/api/plural/return?order_id=${pluralOrderId}&status=PROCESSED&signature=${"0".repeat(64)}`);
      await expect(page.getByRole("heading", { name: "We could not verify this payment response" })).toBeVisible();
      await page.screenshot({ path: shotPath("return-tampered") });
    });
  });

  test("a price sent from the browser has no effect", async ({ page, store, pay, sandboxProfile }) => {
    test.skip(sandboxProfile !== "friendly", "the store's own checks: no reading of Plural's documents is involved");
    await store.addToCart("Masala Chai Tin");
    await page.goto("/checkout");
    await page.evaluate(() => {
      const form = document.querySelector("form")!;
      for (const [name, value] of [
        ["amountInPaise", "100"],
        ["price", "1"],
        ["total", "1"],
        ["order_amount", "100"],
      ] as const) {
        const input = document.createElement("input");
        input.type = "hidden";
        input.name = name;
        input.value = value;
        form.appendChild(input);
      }
    });
    await store.checkout();
    await pay.waitForQr();
    await expect(page.getByTestId("pay-amount")).toHaveText("₹349.00");
    const api = await sandboxApi(page.request);
    const plural = await api.getOrder((await orderRow(pay.orderId))!.pluralOrderId);
    expect(plural.order_amount.value).toBe(34900);
    expect((await orderRow(pay.orderId))!.amountInPaise).toBe(34900);
  });

  test("reloading while pending shows the same payment and never charges twice", async ({ page, store, pay, upiApp, receipt }) => {
    await store.addToCart("Block-Print Cotton Scarf");
    await store.checkout();
    const first = await pay.waitForQr();
    const orderId = pay.orderId;
    await page.reload();
    expect(await pay.waitForQr()).toBe(first);
    await pay.tab("Pay with UPI app");
    await pay.tab("Scan QR");
    await test.step("the method switcher works from the keyboard", async () => {
      await page.getByRole("tab", { name: "Scan QR" }).focus();
      await page.keyboard.press("ArrowRight");
      await expect(page.getByRole("tab", { name: "Pay with UPI app" })).toBeFocused();
      await expect(page.getByRole("tab", { name: "Pay with UPI app" })).toHaveAttribute("aria-selected", "true");
      await page.keyboard.press("ArrowLeft");
      await expect(page.getByRole("tab", { name: "Scan QR" })).toHaveAttribute("aria-selected", "true");
    });
    await page.reload();
    expect(await pay.waitForQr()).toBe(first);
    expect(await paymentsOf(orderId)).toHaveLength(1);
    await upiApp.approveLink(first);
    await receipt.expectPaid("₹1,299.00");
    await page.goto(`/orders/${orderId}/pay`);
    await expect(page).toHaveURL(new RegExp(`/orders/${orderId}$`));
    expect(await paymentsOf(orderId)).toHaveLength(1);
  });

  test("cancelling goes back to the cart, cancels at Plural where it allows it, and keeps the cart", async ({ page, request, sandbox, store, pay }) => {
    await sandbox.settings({ cancel_policy: "any_open" });
    await store.addToCart("Madhubani Notebook", 2);
    await store.checkout();
    await pay.waitForQr();
    const orderId = pay.orderId;
    await page.getByRole("button", { name: "Cancel and return to the cart" }).click();
    await expect(page).toHaveURL(/\/cart\?cancelled=1$/);
    await expect(page.getByText("Payment cancelled. Your cart is as you left it.")).toBeVisible();
    await expect(page.getByTestId("cart-total")).toHaveText("₹498.00");
    expect((await orderRow(orderId))!.status).toBe("CANCELLED");
    const api = await sandboxApi(request);
    expect((await api.getOrder((await orderRow(orderId))!.pluralOrderId)).status).toBe("CANCELLED");
    await page.goto(`/orders/${orderId}/pay`);
    await expect(page.getByRole("heading", { name: "This order was cancelled" })).toBeVisible();
  });

  test("where Plural refuses to cancel a pending order, cancelling still returns to the cart", async ({ page, store, pay }) => {
    await store.addToCart("Masala Chai Tin");
    await store.checkout();
    await pay.waitForQr();
    const orderId = pay.orderId;
    await page.getByRole("button", { name: "Cancel and return to the cart" }).click();
    await expect(page).toHaveURL(/\/cart\?cancelled=1$/);
    expect((await orderRow(orderId))!.status).toBe("PENDING");
    expect((await eventsOf(orderId)).map((e) => e.type)).toContain("CHECKOUT_ABANDONED");
  });

  test("checkout errors appear inline and keep what was typed", async ({ page, store, sandboxProfile }) => {
    test.skip(sandboxProfile !== "friendly", "the store's own checks: no reading of Plural's documents is involved");
    await store.addToCart("Masala Chai Tin");
    await store.checkout({ email: "not-an-email", pincode: "12", mobile: "12345" });
    await expect(page.getByRole("alert").first()).toContainText("Please correct the highlighted fields.");
    await expect(page.getByText("Enter a valid e-mail address")).toBeVisible();
    await expect(page.getByText("Enter a 6-digit PIN code")).toBeVisible();
    await expect(page.getByText("Enter a 10-digit Indian mobile number")).toBeVisible();
    await expect(page.getByLabel("Full name", { exact: true })).toHaveValue("Asha Verma");
    await expect(page.getByLabel("E-mail", { exact: true })).toHaveAttribute("aria-invalid", "true");
    await page.screenshot({ path: shotPath("checkout-errors"), fullPage: true });
  });
});

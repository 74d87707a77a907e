import { expect, test } from "./fixtures";
import { sandboxApi, shotPath } from "./support/plural";

test.describe("Plural sandbox", () => {
  test("a payer approves a QR payment in the sandbox UPI app", async ({ page, request }) => {
    const api = await sandboxApi(request);
    const order = await test.step("merchant creates an order and a QR payment over the API", async () => {
      const created = await api.createOrder(34900);
      const paid = await api.pay(created.order_id, 34900, { txn_mode: "INTENT", upi_qr: true });
      expect(paid.status).toBe("PENDING");
      expect(paid.challenge_url).toMatch(/^upi:\/\/pay\?/);
      const img = await request.get(paid.image_url);
      expect(img.headers()["content-type"]).toBe("image/png");
      return paid;
    });
    await test.step("the payer opens the QR's link in the sandbox UPI app", async () => {
      await page.setViewportSize({ width: 390, height: 844 });
      await page.goto(`/sandbox/upi?link=${encodeURIComponent(order.challenge_url)}`);
      await expect(page.getByTestId("upi-amount")).toHaveText("₹349.00");
      await expect(page.getByText(`Payment for ${order.order_id}`)).toBeVisible();
      await page.screenshot({ path: shotPath("sandbox-upi-request") });
    });
    await test.step("approves", async () => {
      await page.getByRole("button", { name: "Approve payment" }).click();
      await expect(page.getByRole("status").first()).toContainText("Payment approved");
      await page.screenshot({ path: shotPath("sandbox-upi-approved") });
    });
    await test.step("Plural now reports the order PROCESSED", async () => {
      expect((await api.getOrder(order.order_id)).status).toBe("PROCESSED");
    });
  });

  test("a collect request waits in the VPA's inbox and can be declined", async ({ page, request }) => {
    const api = await sandboxApi(request);
    const created = await api.createOrder(12300);
    await api.pay(created.order_id, 12300, { txn_mode: "COLLECT", payer: { vpa: "asha@okaxis" } });
    await page.goto(`/sandbox/upi?vpa=asha@okaxis`);
    const req = page.getByRole("article", { name: /Payment request/ });
    await expect(req).toContainText("₹123.00");
    await req.getByRole("button", { name: "Decline" }).click();
    await expect(page.getByText("Payment declined")).toBeVisible();
    const after = await api.getOrder(created.order_id);
    expect(after.status).toBe("ATTEMPTED");
    expect(after.payments[0].error_detail.code).toBe("PAYMENT_DECLINED");
  });

  test("the dashboard lists orders and webhook deliveries", async ({ page, request }) => {
    const api = await sandboxApi(request);
    const created = await api.createOrder(10151);
    await api.pay(created.order_id, 10151, { txn_mode: "INTENT" });
    await expect.poll(async () => (await api.getOrder(created.order_id)).status, { timeout: 10_000 }).toBe("PROCESSED");
    await page.goto("/sandbox");
    await expect(page.getByRole("heading", { name: "Plural sandbox" })).toBeVisible();
    await expect(page.getByRole("row", { name: new RegExp(created.order_id) }).first()).toContainText("PROCESSED");
    await expect(page.getByRole("cell", { name: "ORDER_PROCESSED" }).first()).toBeVisible();
    await page.screenshot({ path: shotPath("sandbox-dashboard"), fullPage: true });
  });

  test("a webhook URL that does not answer shows a warning on the dashboard", async ({ page, request, sandbox }) => {
    const api = await sandboxApi(request);
    // A port of this run's range that nothing listens on.
    const dead = `http://127.0.0.1:${Number(process.env.E2E_PORT ?? 3100) + 99}/api/plural/webhook`;
    try {
      await sandbox.settings({ webhook: { url: dead, retries: 0 } });
      const created = await api.createOrder(10151);
      await api.pay(created.order_id, 10151, { txn_mode: "INTENT" });
      await expect.poll(async () => (await sandbox.webhooks()).health.state, { timeout: 15_000 }).toBe("failing");
      await page.goto("/sandbox");
      const banner = page.getByTestId("webhook-warning");
      await expect(banner).toContainText("Webhooks are not reaching the store");
      await expect(banner).toContainText(dead);
      await expect(banner).toContainText("ECONNREFUSED");
      await expect(page.getByRole("row", { name: new RegExp(created.order_id) }).filter({ hasText: "ORDER_PROCESSED" })).toContainText("failed");
      await page.screenshot({ path: shotPath("sandbox-webhook-warning"), fullPage: true });
    } finally {
      // Back to the environment's settings (the URL of this server).
      await sandbox.reset();
    }
  });
});

import { expect, test } from "./fixtures";
import { Console } from "./pages/console";
import { eventsOf, orderRow, paymentsOf } from "./support/db";
import { sandboxApi } from "./support/plural";

const today = () => new Date(Date.now() + 330 * 60_000).toISOString().slice(0, 10);

test.describe("settlements in the merchant console", () => {
  test("a settlement run reconciles the day: matched, amount differs, missing on our side; exported as CSV", async ({
    page,
    sandbox,
    store,
    pay,
    upiApp,
    receipt,
  }) => {
    test.setTimeout(120_000);
    const admin = new Console(page);
    const paidOrder = async (product: string, total: string) => {
      await store.addToCart(product);
      await store.checkout();
      const link = await pay.waitForQr();
      const orderId = pay.orderId;
      await upiApp.approveLink(link);
      await receipt.expectPaid(total);
      const [payment] = await paymentsOf(orderId);
      return { orderId, paymentId: payment!.pluralPaymentId!, reference: (await page.locator("dd.font-mono").first().textContent())! };
    };
    const matched = await paidOrder("Copper Water Bottle", "₹999.00");
    const differing = await paidOrder("Copper Water Bottle", "₹999.00");

    const plural = await sandboxApi(page.request);
    const stranger = await test.step("a payment this store never recorded, made straight at Plural", async () => {
      const order = await plural.createOrder(5000);
      const withPayment = await plural.pay(order.order_id, 5000, { txn_mode: "INTENT" });
      const id = withPayment.payments[0].id as string;
      await sandbox.approve(id);
      return id;
    });

    await test.step("Plural settles the day, misreporting one amount", async () => {
      const res = await sandbox.runSettlements({ misreport: { [differing.paymentId]: 99800 } });
      expect(res.status()).toBe(201);
    });

    await admin.signIn();
    await test.step("fetch the day's settlements from Plural", async () => {
      await page.getByRole("link", { name: "Settlements" }).click();
      await page.getByLabel("Settled from").fill(today());
      await page.getByLabel("Settled to").fill(today());
      await page.getByLabel(/Expect a payment settled after/).fill("0");
      await page.getByRole("button", { name: "Fetch from Plural" }).click();
      await expect(page.getByRole("status")).toContainText(/Fetched 1 settlement \(\d+ lines\)/);
    });
    const table = page.getByTestId("reconciliation");
    await expect(table.locator("tr", { hasText: matched.reference })).toHaveAttribute("data-status", "matched");
    await expect(table.locator("tr", { hasText: differing.reference })).toHaveAttribute("data-status", "amount_differs");
    await expect(table.locator("tr", { hasText: differing.reference })).toContainText("₹998.00");
    await expect(table.locator("tr", { hasText: stranger })).toHaveAttribute("data-status", "missing_ours");
    await admin.shot("console-settlements");

    await test.step("the CSV export carries the same lines, behind the sign-in", async () => {
      const href = (await page.getByRole("link", { name: "Export CSV" }).getAttribute("href"))!;
      const res = await page.request.get(href);
      expect(res.status()).toBe(200);
      expect(res.headers()["content-type"]).toContain("text/csv");
      const csv = await res.text();
      expect(csv.split("\r\n")[0]).toMatch(/^status,kind,utr,/);
      expect(csv).toContain(`Amount differs,payment,`);
      expect(csv).toContain(`,${differing.reference},${differing.orderId},998.00,999.00,-1.00,`);
      expect(csv).toContain(`Missing on our side,unknown,`);
      const anonymous = await page.context().browser()!.newContext();
      const refused = await anonymous.request.get(new URL(href, page.url()).toString());
      expect(refused.status()).toBe(401);
      await anonymous.close();
    });

    await test.step("a request id on the timeline leads to its order", async () => {
      await admin.open(matched.reference);
      const link = page.getByTestId("timeline").getByRole("link", { name: /^req / }).first();
      await expect(link).toBeVisible();
      const requestId = ((await link.textContent()) ?? "").replace(/^req /, "");
      expect(requestId.length).toBeGreaterThan(7);
      await link.click();
      await expect(page.getByTestId("admin-totals")).toContainText("1 order ·");
      await expect(page.getByRole("link", { name: matched.reference })).toBeVisible();
    });
    expect((await orderRow(matched.orderId))!.status).toBe("PROCESSED");
    // Every timeline entry has the id of the request (or sweep) that wrote it: server actions (checkout, payment) too.
    const events = await eventsOf(matched.orderId);
    expect(events.length).toBeGreaterThan(2);
    expect(events.filter((e) => !e.requestId)).toEqual([]);
  });
});

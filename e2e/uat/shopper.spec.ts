/**
 * The shopper's flows against Plural's UAT (PLURAL_ENV=uat, PLURAL_CLIENT_ID, PLURAL_CLIENT_SECRET;
 * see docs/uat.md, "The browser suite against UAT"). Real UAT orders and payments; the store's stored
 * status is checked against UAT's own Get Order. Paying needs either a UPI ID that UAT approves by
 * itself (E2E_UAT_COLLECT_VPA: Pine Labs publishes none) or a
 * person with a UPI app (E2E_UAT_MANUAL=1, for intent and QR: UAT has no simulator).
 * Without credentials every test here is listed and skipped with the reason.
 */
import { createPluralClient } from "../../lib/plural/client";
import { expect, test } from "../fixtures";
import { openDb } from "../support/db";

const UAT = process.env.PLURAL_ENV === "uat" && !!process.env.PLURAL_CLIENT_ID && !!process.env.PLURAL_CLIENT_SECRET;
const NO_UAT = "Runs against Plural UAT only: set PLURAL_ENV=uat, PLURAL_CLIENT_ID and PLURAL_CLIENT_SECRET (docs/uat.md).";
const MANUAL = process.env.E2E_UAT_MANUAL === "1";
const COLLECT_VPA = process.env.E2E_UAT_COLLECT_VPA;

test.skip(!UAT, NO_UAT);

const uat = () =>
  createPluralClient({
    baseUrl: process.env.PLURAL_BASE_URL ?? "https://pluraluat.v2.pinepg.in",
    clientId: process.env.PLURAL_CLIENT_ID!,
    clientSecret: process.env.PLURAL_CLIENT_SECRET!,
  });
let uatDb: ReturnType<typeof openDb> | undefined;
/** The UAT store's own database (playwright.config.ts). */
const db = () => (uatDb ??= openDb("prisma/e2e-uat.db"));

/** Our stored status and UAT's agree (Get Order is the truth; the store may be a poll behind). */
async function expectStoredMatchesUat(orderId: string) {
  const ours = db().get<{ status: string; pluralOrderId: string }>(`SELECT status, pluralOrderId FROM "Order" WHERE id = ?`, orderId);
  expect(ours?.pluralOrderId, "the store created a real UAT order").toMatch(/^v1-/);
  const theirs = await uat().getOrder(ours!.pluralOrderId);
  await expect
    .poll(async () => db().get<{ status: string }>(`SELECT status FROM "Order" WHERE id = ?`, orderId)?.status, { timeout: 30_000 })
    .toBe(theirs.status);
  return theirs;
}

test.describe("shopper flows against Plural UAT", () => {
  test("QR: a real UAT order and payment; the shopper scans it (manual step)", async ({ page, store, pay, receipt }) => {
    await store.addToCart("Copper Water Bottle");
    await store.checkout();
    const link = await pay.waitForQr();
    expect(link).toMatch(/^upi:\/\/pay\?/);
    const pending = await expectStoredMatchesUat(pay.orderId);
    expect(["PENDING", "CREATED"]).toContain(pending.status);
    test.skip(!MANUAL, "Paying a UAT QR needs a person with a UPI app (UAT has no simulator): set E2E_UAT_MANUAL=1 and scan the QR within 5 minutes.");
    test.setTimeout(6 * 60_000);
    console.log(`Scan the QR on the pay page, or open on a phone: ${link}`);
    await page.waitForURL(/\/orders\/[^/]+$/, { timeout: 5 * 60_000 });
    await receipt.expectPaid("₹999.00");
    expect((await expectStoredMatchesUat(pay.orderId)).status).toBe("PROCESSED");
  });

  test("intent: the pay page's UPI app link is UAT's challenge_url (manual step)", async ({ page, store, pay, receipt }) => {
    await store.addToCart("Copper Water Bottle");
    await store.checkout();
    await pay.waitForQr();
    await pay.tab("Pay with UPI app");
    const intent = await page.locator('a[href^="upi://"]').first().getAttribute("href");
    expect(intent).toMatch(/^upi:\/\/pay\?/);
    await expectStoredMatchesUat(pay.orderId);
    test.skip(!MANUAL, "Paying an intent link needs a phone with a UPI app: set E2E_UAT_MANUAL=1 and open the link within 5 minutes.");
    test.setTimeout(6 * 60_000);
    console.log(`Open on a phone with a UPI app: ${intent}`);
    await page.waitForURL(/\/orders\/[^/]+$/, { timeout: 5 * 60_000 });
    await receipt.expectPaid("₹999.00");
  });

  test("collect on a UAT test UPI ID: paid, confirmed by Get Order, stored", async ({ page, store, pay, receipt }) => {
    test.skip(!COLLECT_VPA, "Pine Labs publishes no UAT test UPI ID for collect: set E2E_UAT_COLLECT_VPA to one from Pine Labs support.");
    test.setTimeout(4 * 60_000);
    await store.addToCart("Copper Water Bottle");
    await store.checkout();
    await pay.waitForQr();
    await page
      .getByRole("button", { name: /UPI ID/i })
      .first()
      .click();
    await page.getByLabel(/UPI ID/i).fill(COLLECT_VPA!);
    await page
      .getByRole("button", { name: /request|send/i })
      .first()
      .click();
    await receipt.expectPaid("₹999.00");
    expect((await expectStoredMatchesUat(pay.orderId)).status).toBe("PROCESSED");
  });

  test("the return route refuses an unsigned callback for a real UAT order, and changes nothing", async ({ page, store, pay }) => {
    await store.addToCart("Copper Water Bottle");
    await store.checkout();
    await pay.waitForQr();
    const before = await expectStoredMatchesUat(pay.orderId);
    const res = await page.request.post("/api/plural/return", { form: { order_id: before.order_id, status: "PROCESSED" } });
    expect(res.status()).toBe(400);
    expect(db().get<{ status: string }>(`SELECT status FROM "Order" WHERE id = ?`, pay.orderId)?.status).toBe(before.status);
  });
});

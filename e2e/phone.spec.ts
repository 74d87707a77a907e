import { phone } from "./support/devices";
import { expect, test } from "./fixtures";
import { paymentsOf } from "./support/db";
import { shotPath } from "./support/plural";

/**
 * The pay page on phones: each profile from the catalogue to a receipt, checking that it offers the
 * button that works there (lib/plural/upi.ts). Chromium plays every phone (its user agent, screen and
 * touch; WebKit is not installed), so the device descriptors' own browser type is dropped.
 */
const INSTAGRAM_ANDROID =
  "Mozilla/5.0 (Linux; Android 13; SM-S918B Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/120.0.6099.144 Mobile Safari/537.36 Instagram 312.1.0.34.111 Android (33/13; 450dpi; 1080x2340; samsung; SM-S918B; dm3q; qcom; en_IN; 548323757)";

const IOS_PREFIXES = ["gpay://upi/pay?", "phonepe://pay?", "paytmmp://pay?", "bhim://pay?", "credpay://upi/pay?", "amazonpay://upi/pay?"];
const ANDROID_PACKAGES = [
  "com.google.android.apps.nbu.paisa.user",
  "com.phonepe.app",
  "net.one97.paytm",
  "in.org.npci.upiapp",
  "com.dreamplug.androidapp",
  "in.amazon.mShop.android.shopping",
];
const query = (upiLink: string) => upiLink.replace(/^upi:\/\/pay\?/, "");

test.describe("paying on a phone", () => {
  test.afterEach(async ({ sandbox }) => {
    await sandbox.reset();
  });

  test.describe("iPhone", () => {
    test.use(phone("iPhone 14"));

    test("one button per UPI app, each with the app's own scheme and the same payment", async ({ page, store, pay, upiApp, receipt }) => {
      await store.addToCart("Madhubani Notebook");
      await store.checkout();
      await expect(page.getByRole("tab", { name: "Pay with UPI app" })).toHaveAttribute("aria-selected", "true");
      const any = (await page.getByTestId("upi-any-app").getAttribute("href"))!;
      expect(any).toMatch(/^upi:\/\/pay\?.*am=249\.00/);
      await test.step("each app's scheme replaces upi://pay? and keeps the query", async () => {
        const buttons = await pay.appButtons();
        expect(buttons.map((b) => b.href)).toEqual(IOS_PREFIXES.map((p) => `${p}${query(any)}`));
        await expect(page.getByTestId("upi-chooser")).toHaveCount(0); // iOS has no chooser
        await expect(page.getByTestId("in-app-notice")).toHaveCount(0);
      });
      await pay.shot("pay-iphone");
      await pay.comeBack();
      await upiApp.approveLink(any);
      await receipt.expectPaid("₹249.00");
    });
  });

  test.describe("Android", () => {
    test.use(phone("Pixel 7"));

    test("the system chooser first, then an intent per app", async ({ page, store, pay, upiApp, receipt }) => {
      await store.addToCart("Terracotta Planter");
      await store.checkout();
      await expect(page.getByRole("tab", { name: "Pay with UPI app" })).toHaveAttribute("aria-selected", "true");
      const chooser = page.getByRole("link", { name: "Open my UPI app" });
      const link = (await chooser.getAttribute("href"))!;
      expect(link).toMatch(/^upi:\/\/pay\?.*am=449\.00/);
      const buttons = await pay.appButtons();
      expect(buttons.map((b) => b.href)).toEqual(ANDROID_PACKAGES.map((pkg) => `intent://pay?${query(link)}#Intent;scheme=upi;package=${pkg};end`));
      await pay.shot("pay-android");
      await upiApp.approveLink(link);
      await receipt.expectPaid("₹449.00");
      await page.screenshot({ path: shotPath("receipt-android"), fullPage: true });
    });
  });

  test.describe("Instagram's in-app browser on Android", () => {
    test.use(phone("Pixel 7", { userAgent: INSTAGRAM_ANDROID, permissions: ["clipboard-read", "clipboard-write"] }));

    test("QR first, with a way out to the browser", async ({ page, store, pay, upiApp, receipt }) => {
      await store.addToCart("Masala Chai Tin");
      await store.checkout();
      const link = await pay.waitForQr();
      const orderId = pay.orderId;
      await expect(page.getByRole("tab", { name: "Scan QR" })).toHaveAttribute("aria-selected", "true");
      const notice = page.getByTestId("in-app-notice");
      await test.step("the notice names the app and opens the page in Chrome, or copies its link", async () => {
        await expect(notice.getByRole("heading", { name: "Open this page in Chrome to pay with a UPI app" })).toBeVisible();
        await expect(notice).toContainText("Instagram's built-in browser often cannot open UPI apps.");
        const url = new URL(page.url());
        await expect(notice.getByRole("link", { name: "Open in Chrome" })).toHaveAttribute(
          "href",
          `intent://${url.host}${url.pathname}#Intent;scheme=http;package=com.android.chrome;end`,
        );
        await notice.getByRole("button", { name: "Copy link" }).click();
        await expect(notice.getByRole("status")).toHaveText("Link copied. Paste it into your browser.");
        expect(await page.evaluate(() => navigator.clipboard.readText())).toMatch(new RegExp(`/orders/${orderId}/pay$`));
      });
      await pay.shot("pay-instagram-android");
      await upiApp.approveLink(link);
      await receipt.expectPaid("₹349.00");
      expect(await paymentsOf(orderId)).toHaveLength(1);
    });
  });
});

import { expect, test, type Page } from "@playwright/test";
import { shotPath } from "../support/plural";
import { checkoutLabels } from "../../lib/testing/shopper.mjs";

/** The shopper's path through the store, as page objects. */
export class Store {
  /** `base`: the store's URL when it is not the test's baseURL (several instances behind a proxy). */
  constructor(
    readonly page: Page,
    readonly base = "",
  ) {}

  async addToCart(productName: string, times = 1) {
    await test.step(`add ${times} × ${productName} to the cart`, async () => {
      await this.page.goto(`${this.base}/`);
      const card = this.page.getByRole("listitem").filter({ hasText: productName });
      for (let i = 0; i < times; i++) {
        await card.getByRole("button", { name: "Add" }).click();
        await expect(card.getByText("Added to your cart.")).toBeVisible();
      }
    });
  }

  async checkout(details: Partial<Record<"name" | "email" | "mobile" | "address" | "city" | "state" | "pincode", string>> = {}) {
    await test.step("fill in the checkout form and continue", async () => {
      await this.page.goto(`${this.base}/checkout`);
      const { address, ...rest } = details;
      for (const [label, value] of checkoutLabels({ ...rest, ...(address === undefined ? {} : { address1: address }) }))
        await this.page.getByLabel(label, { exact: true }).fill(value);
      await this.page.getByRole("button", { name: "Continue to UPI payment" }).click();
    });
  }
}

export class PayPage {
  constructor(readonly page: Page) {}

  get orderId(): string {
    const m = /\/orders\/([^/]+)\/pay/.exec(this.page.url());
    if (!m) throw new Error(`not on a pay page: ${this.page.url()}`);
    return m[1]!;
  }

  async waitForQr(): Promise<string> {
    await expect(this.page).toHaveURL(/\/orders\/[^/]+\/pay$/);
    const qr = this.page.getByTestId("upi-qr");
    await expect(qr).toBeVisible();
    return (await qr.getAttribute("data-upi-link"))!;
  }

  async tab(name: "Scan QR" | "Pay with UPI app" | "Request on my UPI ID") {
    await this.page.getByRole("tab", { name }).click();
  }

  /** The per-app buttons of the "Pay with UPI app" tab: which app, and the link it opens. */
  async appButtons(): Promise<Array<{ app: string; href: string }>> {
    const links = this.page.getByRole("list", { name: "UPI apps" }).getByRole("link");
    await expect(links.first()).toBeVisible();
    return links.evaluateAll((as) => as.map((a) => ({ app: a.getAttribute("data-app")!, href: a.getAttribute("href")! })));
  }

  /** The shopper comes back to the tab (from the UPI app): the page checks the status at once. */
  async comeBack() {
    const check = this.page.waitForRequest((r) => /\/api\/orders\/[^/]+\/status$/.test(new URL(r.url()).pathname));
    await this.page.evaluate(() => document.dispatchEvent(new Event("visibilitychange")));
    await check;
  }

  async requestOn(vpa: string) {
    await this.tab("Request on my UPI ID");
    await this.page.getByRole("textbox", { name: "Your UPI ID" }).fill(vpa);
    await this.page.getByRole("button", { name: "Send payment request" }).click();
    await expect(this.page.getByText("Approve the request in your UPI app")).toBeVisible();
  }

  async shot(name: string) {
    await this.page.screenshot({ path: shotPath(name), fullPage: true });
  }
}

/** The sandbox UPI app, playing the shopper's phone, in its own tab. */
export class UpiApp {
  /** `sandbox`: where the sandbox is (the store itself, or a sandbox service of its own). */
  constructor(
    readonly page: Page,
    readonly sandbox = "/sandbox",
  ) {}

  async approveLink(link: string, shot?: string) {
    await test.step("approve the payment in the sandbox UPI app", async () => {
      await this.page.goto(`${this.sandbox}/upi?link=${encodeURIComponent(link)}`);
      if (shot) await this.page.screenshot({ path: shotPath(shot) });
      await this.page.getByRole("button", { name: "Approve payment" }).click();
      await expect(this.page.getByText("Payment approved")).toBeVisible();
    });
  }
}

export class Receipt {
  constructor(readonly page: Page) {}

  async expectPaid(total: string) {
    await test.step("land on the receipt", async () => {
      await expect(this.page).toHaveURL(/\/orders\/[^/]+$/, { timeout: 15_000 });
      await expect(this.page.getByRole("heading", { name: "Payment received. Thank you!" })).toBeVisible();
      await expect(this.page.getByTestId("receipt-total")).toHaveText(total);
      await expect(this.page.getByTestId("upi-reference")).toHaveText(/^\d{12}$/);
    });
  }
}

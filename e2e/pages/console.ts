import { expect, test, type Page } from "@playwright/test";
import { shotPath } from "../support/plural";

/** The merchant console, as a page object. */
export class Console {
  constructor(readonly page: Page) {}

  async signIn(password = "e2e-admin") {
    await test.step("sign in to the merchant console", async () => {
      await this.page.goto("/admin");
      await expect(this.page).toHaveURL(/\/admin\/login$/);
      await this.page.getByLabel("Password").fill(password);
      await this.page.getByRole("button", { name: "Sign in" }).click();
      if (password === "e2e-admin") await expect(this.page.getByRole("heading", { name: "Orders" })).toBeVisible();
    });
  }

  async open(reference: string) {
    await test.step(`find order ${reference}`, async () => {
      await this.page.goto("/admin");
      await this.page
        .getByRole("searchbox")
        .or(this.page.getByPlaceholder(/^Reference, e-mail/))
        .first()
        .fill(reference);
      await this.page.getByRole("button", { name: "Filter" }).click();
      await expect(this.page.getByTestId("admin-totals")).toContainText("1 order ·");
      await this.page.getByRole("link", { name: reference }).click();
      await expect(this.page.getByRole("heading", { name: reference })).toBeVisible();
    });
  }

  async act(label: "Capture…" | "Cancel…" | "Refund…", confirm: RegExp, amount?: string) {
    await this.page.getByText(label, { exact: true }).click();
    if (amount) await this.page.getByLabel(/Amount in rupees/).fill(amount);
    await this.page.getByRole("button", { name: confirm }).click();
  }

  async expectTimeline(type: string) {
    await expect(async () => {
      await this.page.reload();
      await expect(this.page.getByTestId("timeline")).toContainText(type, { timeout: 500 });
    }).toPass({ timeout: 15_000 });
  }

  async shot(name: string) {
    await this.page.screenshot({ path: shotPath(name), fullPage: true });
  }
}

import { expect, type Page } from "@playwright/test";

/**
 * Opens an order's result page and waits for this heading. The pay page follows the order and may
 * get there by itself at the same moment (a goto would then be interrupted): retried until shown.
 */
export async function showResult(page: Page, orderId: string, heading: string) {
  await expect(async () => {
    if (!page.url().endsWith(`/orders/${orderId}`)) await page.goto(`/orders/${orderId}`);
    await expect(page.getByRole("heading", { name: heading })).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 15_000 });
}

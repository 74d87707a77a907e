import { expect, test } from "@playwright/test";

test("home page shows the catalog with prices in rupees", async ({ page }) => {
  await test.step("open the store", async () => {
    await page.goto("/");
  });
  await test.step("see the catalog", async () => {
    await expect(page.getByRole("heading", { name: "Catalog" })).toBeVisible();
    const cards = page.getByRole("listitem");
    await expect(cards).toHaveCount(9);
    await expect(page.getByText("Masala Chai Tin")).toBeVisible();
    await expect(page.getByText("₹349.00")).toBeVisible();
    await expect(page.getByRole("note")).toContainText("Sandbox");
  });
  await page.screenshot({ path: "test-results/screenshots/home-desktop.png", fullPage: true });
});

test("health endpoint reports the sandbox and a reachable database", async ({ request }) => {
  const res = await request.get("/api/health");
  expect(res.status()).toBe(200);
  expect(await res.json()).toEqual({ ok: true, env: "sandbox", db: true });
});

import { expect, test } from "./fixtures";

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

test("the shop fits a 390 px phone: catalog, product, cart, checkout", async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto("/");
  await page.screenshot({ path: "test-results/screenshots/home-mobile.png", fullPage: true });
  const noHorizontalScroll = () => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
  expect(await noHorizontalScroll()).toBe(true);
  await page.getByRole("link", { name: /Brass Diya Pair/ }).click();
  await expect(page.getByRole("heading", { name: "Brass Diya Pair" })).toBeVisible();
  await page.getByRole("button", { name: "Add to cart" }).click();
  await expect(page.getByText("Added to your cart.")).toBeVisible();
  await page.screenshot({ path: "test-results/screenshots/product-mobile.png", fullPage: true });
  await page.goto("/cart");
  await page.getByRole("button", { name: "One more Brass Diya Pair" }).click();
  await expect(page.getByTestId("quantity")).toHaveText("2");
  await expect(page.getByTestId("cart-total")).toHaveText("₹1,798.00");
  expect(await noHorizontalScroll()).toBe(true);
  await page.screenshot({ path: "test-results/screenshots/cart-mobile.png", fullPage: true });
  await page.reload();
  await expect(page.getByTestId("cart-total")).toHaveText("₹1,798.00");
  await page.goto("/checkout");
  expect(await noHorizontalScroll()).toBe(true);
  await page.screenshot({ path: "test-results/screenshots/checkout-mobile.png", fullPage: true });
});

/**
 * The shopper's pages with real orders behind them, for the page benchmarks (lighthouse.mjs,
 * first-load-js.mjs): made in Chromium through the store's own forms, so they keep working when
 * the pages change underneath (only the catalog, the checkout labels and the receipt heading matter).
 */
import { approveByReference, CHROMIUM_PATH, launchChromium, pendingPayment, sandboxToken, sleep } from "./harness.mjs";
import { checkoutLabels } from "../lib/testing/shopper.mjs";

/**
 * In Chromium, as a shopper: one order left waiting on its pay page, one paid (its result page),
 * and the cart filled again (for the cart and checkout pages). Answers the URLs and the cookies.
 */
export async function shopperPages(base, executablePath = CHROMIUM_PATH) {
  const browser = await launchChromium(executablePath);
  try {
    const context = await browser.newContext();
    const page = await context.newPage();
    const addToCart = async () => {
      await page.goto(`${base}/`);
      const card = page.getByRole("listitem").filter({ hasText: "Masala Chai Tin" });
      await card.getByRole("button", { name: "Add" }).click();
      await card.getByText("Added to your cart.").waitFor();
    };
    const checkout = async () => {
      await page.goto(`${base}/checkout`);
      const reference = await page.locator('input[name="checkoutKey"]').inputValue();
      await submitCheckout(page);
      await page.waitForURL(/\/orders\/[^/]+\/pay$/);
      return { reference, pay: page.url() };
    };
    await addToCart();
    const paid = await checkout();
    // The pay page creates the UPI payment; the payer approves it at the sandbox.
    const token = await sandboxToken(base);
    for (let i = 0; i < 50 && !(await approveByReference(base, token, paid.reference)); i++) await sleep(200);
    const result = paid.pay.replace(/\/pay$/, "");
    await page.goto(result);
    await page.getByRole("heading", { name: "Payment received. Thank you!" }).waitFor({ timeout: 20_000 });
    await addToCart();
    const waiting = await checkout();
    // Its payment (the QR) exists before anything is measured: every load of the pay page then shows the same thing.
    for (let i = 0; i < 100 && !(await pendingPayment(base, token, waiting.reference)); i++) await sleep(200);
    await page.goto(`${base}/`);
    const product = await page.locator('a[href^="/products/"]').first().getAttribute("href");
    const cookie = (await context.cookies(base)).map((c) => `${c.name}=${c.value}`).join("; ");
    return {
      cookie,
      urls: { home: `${base}/`, product: base + product, cart: `${base}/cart`, checkout: `${base}/checkout`, pay: waiting.pay, result },
    };
  } finally {
    await browser.close();
  }
}

/** Fills the checkout form as a shopper types it, and sends it (the page goes on to the pay page). */
export async function submitCheckout(page) {
  for (const [label, value] of checkoutLabels()) await page.getByLabel(label, { exact: true }).fill(value);
  await page.getByRole("button", { name: "Continue to UPI payment" }).click();
}

import { test as base } from "@playwright/test";
import { PayPage, Receipt, Store, UpiApp } from "./pages/shop";

/** The shopper's page objects, and a second tab for the sandbox UPI app (the shopper's phone). */
export const test = base.extend<{ store: Store; pay: PayPage; receipt: Receipt; upiApp: UpiApp }>({
  store: async ({ page }, use) => use(new Store(page)),
  pay: async ({ page }, use) => use(new PayPage(page)),
  receipt: async ({ page }, use) => use(new Receipt(page)),
  upiApp: async ({ context }, use) => {
    const phone = await context.newPage();
    await use(new UpiApp(phone));
    await phone.close();
  },
});

export { expect } from "@playwright/test";

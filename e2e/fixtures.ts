import { test as base, expect } from "@playwright/test";
import { PayPage, Receipt, Store, UpiApp } from "./pages/shop";
import { clearRateLimits } from "./support/db";
import { SandboxControl } from "./support/sandbox-control";

/**
 * The shopper's page objects, a second tab for the sandbox UPI app (the shopper's phone), and a
 * watch on every page of the test's browser context: a console error, an uncaught exception or a
 * Content-Security-Policy violation (Chromium reports those as console errors) fails the test.
 * A test that expects one lists it: `test.use({ allowedConsoleErrors: [/.../] })`.
 * `sandbox` is the sandbox's control API on the same server (faults, settings, approvals).
 * Every test starts with no rate-limit counts (all tests come from 127.0.0.1: e2e/support/db.ts).
 */
export const test = base.extend<{
  store: Store;
  pay: PayPage;
  receipt: Receipt;
  upiApp: UpiApp;
  sandbox: SandboxControl;
  allowedConsoleErrors: RegExp[];
  /** Which profile the store's sandbox answers with (docs/sandbox.md, "Profiles"): the `strict` project runs the checkout specs under the strictest readings. */
  sandboxProfile: "friendly" | "strict";
  profileApplied: void;
}>({
  allowedConsoleErrors: [[], { option: true }],
  sandboxProfile: ["friendly", { option: true }],
  // Before each test of a project with another profile, the sandbox takes it (the spec's own reset puts the default back).
  profileApplied: [
    async ({ sandboxProfile, request }, use) => {
      if (sandboxProfile !== "friendly") await new SandboxControl(request).settings({ profile: sandboxProfile });
      await use();
    },
    { auto: true },
  ],
  context: async ({ context, allowedConsoleErrors }, use) => {
    await clearRateLimits();
    const problems: string[] = [];
    const allowed = (text: string) => allowedConsoleErrors.some((r) => r.test(text));
    context.on("console", (m) => {
      if (m.type() === "error" && !allowed(m.text()))
        problems.push(`console error on ${m.page()?.url()}: ${m.text()}${m.location().url ? ` (${m.location().url})` : ""}`);
    });
    context.on("weberror", (e) => {
      const text = String(e.error());
      if (!allowed(text)) problems.push(`uncaught on ${e.page()?.url()}: ${text}`);
    });
    await use(context);
    expect(problems, "console errors, uncaught errors and CSP violations in the browser").toEqual([]);
  },
  store: async ({ page }, use) => use(new Store(page)),
  pay: async ({ page }, use) => use(new PayPage(page)),
  receipt: async ({ page }, use) => use(new Receipt(page)),
  sandbox: async ({ request }, use) => use(new SandboxControl(request)),
  upiApp: async ({ context }, use) => {
    const phone = await context.newPage();
    await use(new UpiApp(phone));
    await phone.close();
  },
});

export { expect };

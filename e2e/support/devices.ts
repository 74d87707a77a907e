import { devices } from "@playwright/test";

/**
 * A phone's Playwright descriptor (viewport, touch, user agent) for `test.use`, with `extra` on top.
 * Its browser type is left out: every project runs Debian's Chromium (playwright.config.ts).
 */
export function phone(name: "iPhone 14" | "Pixel 7", extra: Record<string, unknown> = {}) {
  const { defaultBrowserType: _ignored, ...descriptor } = devices[name]!;
  void _ignored;
  return { ...descriptor, ...extra };
}

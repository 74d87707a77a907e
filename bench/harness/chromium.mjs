/** Debian's Chromium, launched as the browser benchmarks need it. */

/** Debian's Chromium, as the e2e suite runs it (CHROMIUM_PATH to use another). */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** The flags every browser benchmark starts it with: no sandbox (root in CI), no GPU, nothing fetched in the background. */
export const CHROMIUM_FLAGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-dev-shm-usage",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
];

/** Chromium through Playwright (the benchmarks that drive pages). */
export async function launchChromium(executablePath = CHROMIUM_PATH) {
  const { chromium } = await import("@playwright/test");
  return chromium.launch({ executablePath, args: CHROMIUM_FLAGS });
}

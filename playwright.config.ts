import { defineConfig, devices } from "@playwright/test";

const PORT = Number(process.env.E2E_PORT ?? 3100);
const BASE_URL = `http://127.0.0.1:${PORT}`;

function server(port: number, env: Record<string, string>) {
  const url = `http://127.0.0.1:${port}`;
  return {
    command: "node scripts/e2e-server.mjs",
    url: `${url}/api/health`,
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: "pipe" as const,
    stderr: "pipe" as const,
    env: { E2E_PORT: String(port), APP_URL: url, PLURAL_ENV: "sandbox", LOG_LEVEL: "warn", ADMIN_PASSWORD: "e2e-admin", RECONCILE_INTERVAL_MS: "5000", ...env },
  };
}

/** Browser tests run against a production build on its own port and its own, freshly reset database. */
export default defineConfig({
  testDir: "e2e",
  outputDir: "test-results",
  fullyParallel: false,
  workers: 1,
  forbidOnly: !!process.env.CI,
  retries: process.env.CI ? 1 : 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: process.env.PW_JSON_OUTPUT ? [["list"], ["json", { outputFile: process.env.PW_JSON_OUTPUT }]] : [["list"]],
  use: {
    baseURL: BASE_URL,
    trace: "on-first-retry",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
      ],
    },
  },
  projects: [{ name: "desktop", use: { ...devices["Desktop Chrome"], viewport: { width: 1280, height: 800 } } }],
  // Two servers on the same build: the default store, and one creating pre-auth orders.
  webServer: [
    server(PORT, { DATABASE_URL: "file:./prisma/e2e.db", SANDBOX_STATE_FILE: ".sandbox/e2e-state.json" }),
    server(PORT + 1, { DATABASE_URL: "file:./prisma/e2e-preauth.db", SANDBOX_STATE_FILE: ".sandbox/e2e-preauth-state.json", PLURAL_PRE_AUTH: "true" }),
  ],
});

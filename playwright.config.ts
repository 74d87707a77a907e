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

/**
 * PLURAL_ENV=uat with PLURAL_CLIENT_ID and PLURAL_CLIENT_SECRET: only the `uat` project runs, against
 * one server talking to Plural's UAT (README, "The browser suite against UAT"). Otherwise the sandbox
 * suite runs, and the `uat` project lists its tests and skips each with the reason.
 */
export const UAT = process.env.PLURAL_ENV === "uat" && !!process.env.PLURAL_CLIENT_ID && !!process.env.PLURAL_CLIENT_SECRET;
/**
 * The store as deployed (e2e/deploy): the standalone server on PostgreSQL, started by the spec
 * itself; with DEPLOY_URL, only it runs, against a server started elsewhere (scripts/container.mjs).
 */
const deployProject = { name: "deploy", testDir: "e2e/deploy", use: { ...devices["Desktop Chrome"], viewport: { width: 1280, height: 800 } } };
const uatProject = { name: "uat", testDir: "e2e/uat", use: { ...devices["Desktop Chrome"], viewport: { width: 1280, height: 800 } } };

/** Browser tests run against a production build on its own port and its own, freshly reset database. */
const config = defineConfig<{ sandboxProfile: "friendly" | "strict" }>({
  testDir: "e2e",
  // Browser tests are *.spec.ts; the *.test.ts under e2e/ (the fuzzers' own, e2e/fuzz) are Vitest's.
  testMatch: "**/*.spec.ts",
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
  projects: UAT
    ? [uatProject]
    : [
        { name: "desktop", testIgnore: /\/(uat|deploy)\//, use: { ...devices["Desktop Chrome"], viewport: { width: 1280, height: 800 } } },
        // The shopper's checkout again, with the sandbox answering the harshest documented reading of each
        // place where Plural's documents disagree (lib/sandbox/engine/profiles.ts; README, "Profiles").
        {
          name: "strict",
          testMatch: /\/(checkout|switching)\.spec\.ts$/,
          use: { ...devices["Desktop Chrome"], viewport: { width: 1280, height: 800 }, sandboxProfile: "strict" as const },
        },
        uatProject,
        deployProject,
      ],
  // Two servers on the same build: the default store, and one creating pre-auth orders. Against UAT: one store on UAT.
  webServer: UAT
    ? [
        {
          ...server(PORT, { DATABASE_URL: "file:./prisma/e2e-uat.db", PLURAL_ENV: "uat", LOG_LEVEL: "info" }),
          // Plural's webhooks reach the store only through a public URL (a tunnel): E2E_UAT_APP_URL.
          env: {
            ...server(PORT, {}).env,
            PLURAL_ENV: "uat",
            DATABASE_URL: "file:./prisma/e2e-uat.db",
            LOG_LEVEL: "info",
            APP_URL: process.env.E2E_UAT_APP_URL ?? BASE_URL,
            PLURAL_CLIENT_ID: process.env.PLURAL_CLIENT_ID!,
            PLURAL_CLIENT_SECRET: process.env.PLURAL_CLIENT_SECRET!,
            ...(process.env.PLURAL_SECRET_KEY ? { PLURAL_SECRET_KEY: process.env.PLURAL_SECRET_KEY } : {}),
            ...(process.env.PLURAL_WEBHOOK_SECRET ? { PLURAL_WEBHOOK_SECRET: process.env.PLURAL_WEBHOOK_SECRET } : {}),
          },
        },
      ]
    : [
        server(PORT, { DATABASE_URL: "file:./prisma/e2e.db", SANDBOX_STATE_FILE: ".sandbox/e2e-state.json" }),
        // The pre-auth store also runs behind "a load balancer" on loopback (TRUSTED_PROXIES), as a deployment behind one would.
        server(PORT + 1, {
          DATABASE_URL: "file:./prisma/e2e-preauth.db",
          SANDBOX_STATE_FILE: ".sandbox/e2e-preauth-state.json",
          PLURAL_PRE_AUTH: "true",
          TRUSTED_PROXIES: "127.0.0.1/32",
        }),
      ],
});

export default process.env.DEPLOY_URL ? { ...config, projects: [deployProject], webServer: [] } : config;

import { resetEnvCache } from "@/lib/env";
import { forgetProcessGlobal } from "@/lib/process-global";
import { startSandboxServer, TEST_CREDENTIALS } from "@/lib/testing/sandbox";
import { createTestDatabase } from "./db";

/**
 * The store wired to a real sandbox over HTTP and a fresh database, for route and domain tests.
 * Returns the sandbox server; call `close()` afterwards.
 */
export async function startTestStore(sandbox: Parameters<typeof startSandboxServer>[0] = {}) {
  const server = await startSandboxServer(sandbox);
  const databaseUrl = await createTestDatabase();
  Object.assign(process.env, {
    PLURAL_ENV: "sandbox",
    PLURAL_BASE_URL: server.baseUrl,
    PLURAL_CLIENT_ID: TEST_CREDENTIALS.clientId,
    PLURAL_CLIENT_SECRET: TEST_CREDENTIALS.clientSecret,
    PLURAL_SECRET_KEY: TEST_CREDENTIALS.clientSecret,
    PLURAL_WEBHOOK_SECRET: TEST_CREDENTIALS.webhookSecret,
    PLURAL_TIMEOUT_MS: "2000",
    APP_URL: "http://store.test",
    DATABASE_URL: databaseUrl,
    // Suites make hundreds of checkouts a minute; the budget's own tests set theirs (app/(shop)/limits.test.ts).
    PLURAL_CALLS_PER_MINUTE: "100000",
  });
  resetEnvCache();
  const { closeDb, db } = await import("@/lib/db");
  await closeDb();
  forgetProcessGlobal("pluralClient");
  await db().product.createMany({
    data: [
      { slug: "chai", name: "Masala Chai Tin", description: "tea", priceInPaise: 34900, image: "/products/masala-chai-tin.svg" },
      { slug: "diya", name: "Brass Diya Pair", description: "lamps", priceInPaise: 89900, image: "/products/brass-diya-pair.svg" },
    ],
  });
  return server;
}

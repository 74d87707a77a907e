import { describe, expect, it } from "vitest";
import { ConfigError, parseEnv } from "@/lib/env";

/** Serverless mode (docs/deploy.md): what start-up refuses, and what it turns off. */
const PG = "postgresql://store@db.example:5432/store";
const UAT = { PLURAL_ENV: "uat", PLURAL_CLIENT_ID: "id", PLURAL_CLIENT_SECRET: "0123456789abcdef0123456789abcdef" };
const SECRET = "a-cron-secret-of-some-length";

const problems = (source: Record<string, string>) => {
  try {
    parseEnv(source);
    return [];
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    return e.problems;
  }
};

describe("serverless mode", () => {
  it("is off on a server, on where asked or where the host says so, and SERVERLESS=0 wins", () => {
    expect(parseEnv({})).toMatchObject({ serverless: false, liveUpdates: "stream", cronBudgetMs: 45_000 });
    const on = { ...UAT, DATABASE_URL: PG, CRON_SECRET: SECRET };
    expect(parseEnv({ ...on, SERVERLESS: "1" })).toMatchObject({ serverless: true, liveUpdates: "poll", cronSecret: SECRET });
    expect(parseEnv({ ...on, VERCEL: "1" }).serverless).toBe(true);
    expect(parseEnv({ ...on, AWS_LAMBDA_FUNCTION_NAME: "store" }).serverless).toBe(true);
    expect(parseEnv({ VERCEL: "1", SERVERLESS: "0" }).serverless).toBe(false);
    expect(parseEnv({ ...on, SERVERLESS: "1", LIVE_UPDATES: "stream" }).liveUpdates).toBe("stream");
    expect(parseEnv({ LIVE_UPDATES: "poll" }).liveUpdates).toBe("poll");
  });

  it("refuses SQLite, with the fix", () => {
    const p = problems({ ...UAT, SERVERLESS: "1", CRON_SECRET: SECRET });
    expect(p).toHaveLength(1);
    expect(p[0]).toMatch(/SERVERLESS=1, and DATABASE_URL is SQLite \(file:\.\.\.\).*Set DATABASE_URL to a PostgreSQL URL/);
    expect(problems({ ...UAT, VERCEL: "1", CRON_SECRET: SECRET })[0]).toMatch(/^This host is serverless, and DATABASE_URL is SQLite/);
  });

  it("needs a CRON_SECRET of at least 16 characters", () => {
    expect(problems({ ...UAT, SERVERLESS: "1", DATABASE_URL: PG })).toEqual([expect.stringMatching(/set CRON_SECRET \(at least 16 characters\)/)]);
    expect(problems({ ...UAT, SERVERLESS: "1", DATABASE_URL: PG, CRON_SECRET: "short" })).toHaveLength(1);
  });

  it("refuses to serve the sandbox itself, pointing at a sandbox service or UAT; a separate sandbox is fine", () => {
    const p = problems({ SERVERLESS: "1", DATABASE_URL: PG, CRON_SECRET: SECRET });
    expect(p).toEqual([expect.stringMatching(/npm run sandbox.*PLURAL_BASE_URL.*PLURAL_ENV=uat.*docs\/adr\/serverless-sandbox\.md/)]);
    expect(parseEnv({ SERVERLESS: "1", DATABASE_URL: PG, CRON_SECRET: SECRET, PLURAL_BASE_URL: "https://sandbox.example/sandbox" })).toMatchObject({
      serverless: true,
      sandboxServed: false,
    });
  });

  it("bounds the pool, the cron budget and the shutdown", () => {
    expect(problems({ DATABASE_POOL_SIZE: "0" })).toHaveLength(1);
    expect(problems({ CRON_BUDGET_MS: "10" })).toHaveLength(1);
    expect(problems({ SHUTDOWN_TIMEOUT_MS: "30000" })).toEqual([expect.stringContaining("SHUTDOWN_TIMEOUT_MS")]);
    expect(problems({ DATABASE_POOL_SIZE: "1", SHUTDOWN_TIMEOUT_MS: "5000", CRON_BUDGET_MS: "20000" })).toEqual([]);
  });
});

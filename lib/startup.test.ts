import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { env, parseEnv, resetEnvCache } from "@/lib/env";
import { forgetProcessGlobal } from "@/lib/process-global";
import { startSandboxServer, TEST_CREDENTIALS } from "@/lib/testing/sandbox";
import { checkPreAuth, checkSandbox } from "./startup";

describe("start-up check of the sandbox address (any port, no surprises)", () => {
  let server: Awaited<ReturnType<typeof startSandboxServer>>;
  beforeAll(async () => {
    server = await startSandboxServer();
  });
  afterAll(async () => {
    await server.close();
  });
  const creds = { PLURAL_CLIENT_ID: TEST_CREDENTIALS.clientId, PLURAL_CLIENT_SECRET: TEST_CREDENTIALS.clientSecret, LOG_LEVEL: "silent" };

  it("is quiet when the store reaches a sandbox", async () => {
    expect(await checkSandbox(parseEnv({ ...creds, PLURAL_BASE_URL: server.baseUrl }))).toBeUndefined();
  });

  it("says so, with the fix, when nothing answers at APP_URL", async () => {
    const problem = await checkSandbox(parseEnv({ ...creds, APP_URL: "http://127.0.0.1:9" }));
    expect(problem).toMatch(/cannot reach its Plural sandbox at http:\/\/127\.0\.0\.1:9\/sandbox/);
    expect(problem).toMatch(/Unset APP_URL/);
  });

  it("asks again while nothing answers (next dev compiling the route), and is quiet once the sandbox answers", async () => {
    let refused = 0;
    const slowToStart: typeof fetch = (input, init) => (refused++ < 2 ? Promise.reject(new TypeError("fetch failed")) : fetch(input, init));
    const e = parseEnv({ ...creds, PLURAL_BASE_URL: server.baseUrl });
    expect(await checkSandbox(e, slowToStart, { patienceMs: 5_000, retryEveryMs: 10 })).toBeUndefined();
    expect(refused).toBe(3);
  });

  it("says so when APP_URL reaches another server's sandbox instead of this one's", async () => {
    // This process serves a sandbox of its own (sandboxServed), but APP_URL leads to the test server's.
    const e = { ...parseEnv({ ...creds, APP_URL: server.url }), sandboxServed: true, baseUrl: server.baseUrl };
    expect(await checkSandbox(e)).toMatch(/another server's Plural sandbox/);
  });
});

describe("start-up check of pre-auth (PLURAL_PRE_AUTH=true, where Plural documents it for cards only)", () => {
  const saved = { ...process.env };
  afterAll(() => {
    forgetProcessGlobal<{ close(): void }>("pluralSandbox")?.close();
    process.env = saved;
    resetEnvCache();
  });

  it("is an error at start-up when this process's sandbox refuses pre-auth with UPI (strict), a warning otherwise", async () => {
    for (const [profile, expected] of [
      ["strict", "refused"],
      ["friendly", "unknown"],
    ] as const) {
      forgetProcessGlobal<{ close(): void }>("pluralSandbox")?.close();
      Object.assign(process.env, { SANDBOX_PROFILE: profile, SANDBOX_STATE_FILE: "none", PLURAL_PRE_AUTH: "true", LOG_LEVEL: "silent" });
      delete process.env.PLURAL_BASE_URL;
      delete process.env.APP_URL;
      resetEnvCache();
      expect(await checkPreAuth(env())).toBe(expected);
    }
  });
});

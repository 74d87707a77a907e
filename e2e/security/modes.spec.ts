import { spawn, type ChildProcess } from "node:child_process";
import { expect, test } from "../fixtures";
import { STORE_URL } from "../support/plural";

/**
 * Tried as an attacker would, over HTTP against the production build: the same requests a
 * browser sends, without the shopper's cookies. This part: a UAT store has no sandbox and no bench routes.
 */
test.describe("a UAT store has no sandbox and no bench routes", () => {
  const port = Number(new URL(STORE_URL).port) + 2;
  const uatEnv = {
    ...process.env,
    E2E_PORT: String(port),
    APP_URL: `http://127.0.0.1:${port}`,
    PLURAL_ENV: "uat",
    PLURAL_CLIENT_ID: "uat-dummy-client",
    PLURAL_CLIENT_SECRET: "00112233445566778899aabbccddeeff",
    PLURAL_BASE_URL: "http://127.0.0.1:9/",
    ADMIN_PASSWORD: "e2e-admin",
    LOG_LEVEL: "silent",
    DATABASE_URL: "file:./prisma/e2e-uat-store.db",
    RECONCILE_INTERVAL_MS: "0",
  } as NodeJS.ProcessEnv;
  delete uatEnv.SANDBOX_STATE_FILE;
  delete uatEnv.BENCH_ROUTES;

  test("no sandbox page for a client navigation (RSC with a router tree naming the sandbox), no sandbox route, no bench route", async () => {
    test.setTimeout(120_000);
    const server: ChildProcess = spawn(process.execPath, ["scripts/e2e-server.mjs"], { env: uatEnv, detached: true, stdio: "ignore" });
    try {
      const url = `http://127.0.0.1:${port}`;
      await expect.poll(async () => (await fetch(`${url}/api/health`).catch(() => null))?.status ?? 0, { timeout: 60_000 }).toBe(200);
      // The router states a client would send (Next 16's shape): on the home page, or on a sandbox page,
      // the sandbox layout already there (Next then renders the page alone, without the layout's check).
      const trees = [
        ["", { children: ["__PAGE__", {}] }, null, null],
        ["", { children: ["sandbox", { children: ["__PAGE__", {}] }] }, null, null],
        ["", { children: ["sandbox", { children: ["upi", { children: ["__PAGE__", {}] }] }] }, null, null],
        ["", { children: ["sandbox", { children: ["pay", { children: [["paymentId", "pay_1", "d", null], { children: ["__PAGE__", {}] }] }] }] }, null, null],
      ];
      for (const path of ["/sandbox", "/sandbox/upi", "/sandbox/upi?vpa=success%40sandbox", "/sandbox/pay/pay_1"]) {
        for (const tree of [undefined, ...trees]) {
          const headers: Record<string, string> = tree ? { rsc: "1", "next-router-state-tree": encodeURIComponent(JSON.stringify(tree)) } : {};
          const res = await fetch(url + path, { headers }); // Next answers an RSC request without `_rsc` with a 307 to it: followed
          const body = await res.text();
          expect(res.status, `${path} ${tree ? "as RSC" : ""}`).toBe(404);
          expect(body).not.toMatch(/Sandbox UPI|success@sandbox|Plural sandbox/);
        }
      }
      for (const [method, path] of [
        ["GET", "/sandbox/control/state"],
        ["POST", "/sandbox/api/auth/v1/token"],
        ["GET", "/sandbox/openapi.json"],
        ["GET", "/api/bench/status?id=x"],
        ["POST", "/api/bench/webhook-fresh"],
      ] as const) {
        expect((await fetch(url + path, { method, body: method === "POST" ? "{}" : undefined })).status, path).toBe(404);
      }
    } finally {
      try {
        process.kill(-server.pid!, "SIGKILL");
      } catch {
        /* gone */
      }
    }
  });

  test("BENCH_ROUTES outside sandbox mode stops the start-up with a clear message", async () => {
    test.setTimeout(120_000);
    const child = spawn(process.execPath, ["node_modules/next/dist/bin/next", "start", "-H", "127.0.0.1", "-p", String(port)], {
      env: { ...uatEnv, NODE_ENV: "production", BENCH_ROUTES: "1" },
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout!.on("data", (d: Buffer) => (output += d));
    child.stderr!.on("data", (d: Buffer) => (output += d));
    try {
      const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
      expect(code).not.toBe(0);
      expect(output).toContain("BENCH_ROUTES=1 serves /api/bench/*");
      expect(output).toContain("never with PLURAL_ENV=uat");
    } finally {
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        /* gone */
      }
    }
  });
});

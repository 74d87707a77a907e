import { spawn, type ChildProcess } from "node:child_process";
import { rmSync } from "node:fs";
import { expect, test } from "../fixtures";
import { STORE_URL } from "../support/plural";

/**
 * Tried as an attacker would, over HTTP against the production build: the same requests a
 * browser sends, without the shopper's cookies. This part: the content security policy and transport security.
 */
test.describe("content security policy and transport security", () => {
  const directives = (csp: string) =>
    new Map(
      csp
        .split(";")
        .map((d) => d.trim().split(/\s+/))
        .map(([name, ...values]) => [name!, values]),
    );

  test("every page has a strict CSP, and each of its scripts carries that response's fresh nonce", async ({ page, store, pay }) => {
    await store.addToCart("Masala Chai Tin");
    await store.checkout();
    await pay.waitForQr();
    const orderId = pay.orderId;
    const paths = [
      "/",
      "/products/masala-chai-tin",
      "/cart",
      "/checkout",
      `/orders/${orderId}/pay`,
      `/orders/${orderId}`,
      "/admin/login",
      "/sandbox",
      "/sandbox/upi",
      "/no-such-page",
    ];
    const nonces = new Set<string>();
    for (const path of paths) {
      const res = await page.request.get(path);
      const csp = res.headers()["content-security-policy"] ?? "";
      expect(csp, path).not.toBe("");
      const d = directives(csp);
      const scripts = d.get("script-src") ?? [];
      const nonce = scripts.find((v) => v.startsWith("'nonce-"))?.slice(7, -1) ?? "";
      expect(nonce, `${path}: ${csp}`).toMatch(/^[A-Za-z0-9+/]{22,}={0,2}$/);
      expect(scripts, path).toContain("'strict-dynamic'");
      expect(
        scripts.some((v) => /unsafe-inline|unsafe-eval|^\*$|^https?:$/.test(v)),
        `${path}: ${scripts.join(" ")}`,
      ).toBe(false);
      expect(d.get("object-src"), path).toEqual(["'none'"]);
      expect(d.get("base-uri"), path).toEqual(["'none'"]);
      expect(d.get("frame-ancestors"), path).toEqual(["'none'"]);
      nonces.add(nonce);
      const html = await res.text();
      const tags = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
      expect(tags.length, path).toBeGreaterThan(0);
      for (const tag of tags) expect(tag, path).toContain(`nonce="${nonce}"`);
    }
    expect(nonces.size).toBe(paths.length);
  });

  test("HSTS is sent on every response when APP_URL is https, and never over plain http", async ({ request }) => {
    test.setTimeout(120_000);
    for (const path of ["/", "/api/health", "/cart"]) expect((await request.get(path)).headers()["strict-transport-security"], path).toBeUndefined();

    const port = Number(new URL(STORE_URL).port) + 3;
    const server: ChildProcess = spawn(process.execPath, ["scripts/e2e-server.mjs"], {
      env: {
        ...process.env,
        E2E_PORT: String(port),
        APP_URL: `https://127.0.0.1:${port}`,
        PLURAL_ENV: "sandbox",
        LOG_LEVEL: "silent",
        DATABASE_URL: "file:./prisma/e2e-https.db",
        SANDBOX_STATE_FILE: ".sandbox/e2e-https-state.json",
        RECONCILE_INTERVAL_MS: "0",
      },
      detached: true,
      stdio: "ignore",
    });
    try {
      const url = `http://127.0.0.1:${port}`;
      await expect.poll(async () => (await fetch(`${url}/api/health`).catch(() => null))?.status ?? 0, { timeout: 60_000 }).toBe(200);
      for (const path of ["/", "/api/health", "/cart", "/products/masala-chai-tin", "/no-such-page"]) {
        const res = await fetch(url + path);
        expect(res.headers.get("strict-transport-security"), path).toMatch(/^max-age=\d{8,}; includeSubDomains$/);
      }
      const csp = (await fetch(url)).headers.get("content-security-policy") ?? "";
      expect(csp).toContain("upgrade-insecure-requests");
    } finally {
      try {
        process.kill(-server.pid!, "SIGKILL");
      } catch {
        /* gone */
      }
      rmSync(".sandbox/e2e-https-state.json", { force: true });
    }
  });
});

import { spawn, type ChildProcess } from "node:child_process";
import { rmSync } from "node:fs";
import { request as playwrightRequest } from "@playwright/test";
import { expect, test } from "./fixtures";
import { ADMIN_ACTIONS, callAction, SHOP_ACTIONS } from "./support/actions";
import { cartItemCount, clearRateLimits, orderFootprint } from "./support/db";
import { PREAUTH_URL, STORE_URL } from "./support/plural";
import { sendOversized } from "../lib/testing/raw-http";

/**
 * Issue #8, tried as an attacker would, over HTTP against the production build: the same requests a
 * browser sends, without the shopper's cookies.
 */
test.describe("an order belongs to the shopper who placed it", () => {
  test.afterEach(async ({ sandbox }) => {
    await sandbox.reset();
  });

  test("another browser, with only the order id, sees nothing and changes nothing", async ({ browser, page, store, pay }) => {
    await store.addToCart("Masala Chai Tin");
    await store.checkout();
    await pay.waitForQr();
    const orderId = pay.orderId;
    await page.goto("/"); // the shopper's page stops polling
    const before = await orderFootprint(orderId);
    const cartItems = await cartItemCount();

    await test.step("the pages and the status route are 404s", async () => {
      const other = await browser.newContext();
      const page = await other.newPage();
      for (const path of [`/orders/${orderId}/pay`, `/orders/${orderId}`]) {
        const res = await page.goto(STORE_URL + path);
        expect(res?.status(), path).toBe(404);
        await expect(page.getByText("This page could not be found.")).toBeVisible();
      }
      expect((await page.request.get(`${STORE_URL}/api/orders/${orderId}/status`)).status()).toBe(404);
      await other.close();
    });

    await test.step("the shopper actions, called as the browser calls them, are 404s", async () => {
      const attacker = await playwrightRequest.newContext({ baseURL: STORE_URL });
      const call = (name: string, args: unknown[], path = `/orders/${orderId}/pay`) =>
        callAction(attacker, { path, file: SHOP_ACTIONS, name, args, baseURL: STORE_URL });
      expect((await call("startPaymentAction", [orderId, "COLLECT", "attacker@upi"])).status).toBe(404);
      expect((await call("startPaymentAction", [orderId, "QR"])).status).toBe(404);
      expect((await call("cancelCheckoutAction", [orderId])).status).toBe(404);
      const fd = new FormData();
      fd.set("orderId", orderId);
      expect((await call("reorderAction", [fd], `/orders/${orderId}`)).status).toBe(404);
      await attacker.dispose();
    });

    expect(await orderFootprint(orderId)).toEqual(before);
    expect(await cartItemCount()).toBe(cartItems);
  });

  test("a shopper who comes back from Plural in another browser still sees the result", async ({ browser, page, sandbox, store }) => {
    await sandbox.settings({ challenge_mode: "landing" });
    await store.addToCart("Copper Water Bottle");
    await store.checkout();
    await expect(page).toHaveURL(/\/sandbox\/pay\//, { timeout: 15_000 });

    // Plural's page, opened in another browser on another site (localhost is not 127.0.0.1): its
    // signed form post to the return URL is cross-site, so it carries none of the store's cookies.
    const landing = new URL(page.url());
    landing.hostname = "localhost";
    const phone = await browser.newContext();
    const other = await phone.newPage();
    await other.goto(landing.toString());
    await other.getByRole("button", { name: "Approve payment" }).click();
    await expect(other).toHaveURL(new RegExp(`^${STORE_URL}/orders/[^/]+$`), { timeout: 15_000 });
    await expect(other.getByRole("heading", { name: "Payment received. Thank you!" })).toBeVisible();
    const orderId = other.url().split("/orders/")[1]!;

    const stranger = await (await browser.newContext()).newPage();
    expect((await stranger.goto(`${STORE_URL}/orders/${orderId}`))?.status()).toBe(404);
    await stranger.context().close();
    await phone.close();
  });
});

test.describe("console sign-in", () => {
  test.afterEach(clearRateLimits);

  /** One sign-in as the login form's action, from `base`, with whatever X-Forwarded-For the client sends. */
  const signInAt = (base: string) => {
    const attacker = playwrightRequest.newContext({ baseURL: base });
    return async (password: string, xff: string): Promise<"signed in" | string> => {
      const fd = new FormData();
      fd.set("password", password);
      const r = await callAction(await attacker, {
        path: "/admin/login",
        file: ADMIN_ACTIONS,
        name: "signIn",
        args: [null, fd],
        headers: { "x-forwarded-for": xff },
        baseURL: base,
      });
      if (r.redirect?.startsWith("/admin")) return "signed in";
      expect([200, 429]).toContain(r.status);
      return (r.value as { error?: string } | null)?.error ?? r.text;
    };
  };

  test("200 wrong passwords, each with a new X-Forwarded-For, are locked out; the right password then too", async () => {
    test.setTimeout(120_000);
    const signIn = signInAt(STORE_URL); // X-Forwarded-For is not believed here: every attempt is 127.0.0.1
    const answers: string[] = [];
    for (let i = 0; i < 200; i++) answers.push(await signIn("guess", `10.${i >> 8}.${i & 255}.1`));
    expect(answers.slice(0, 5)).toEqual(Array(5).fill("That password is not right."));
    expect(answers.slice(5).filter((a) => !/^Too many attempts/.test(a))).toEqual([]);
    expect(await signIn("e2e-admin", "198.51.100.7")).toMatch(/^Too many attempts/);
  });

  test("issue #18: 60 wrong guesses from 12 addresses behind the load balancer, then the merchant's password from a 13th: signed in", async () => {
    test.setTimeout(120_000);
    const signIn = signInAt(PREAUTH_URL); // TRUSTED_PROXIES=127.0.0.1/32: each X-Forwarded-For is a client
    const guesses = await Promise.all(
      Array.from({ length: 12 }, async (_, a) => {
        const said: string[] = [];
        for (let i = 0; i < 5; i++) said.push(await signIn(`guess-${a}-${i}`, `203.0.113.${a + 1}`));
        return said;
      }),
    );
    expect(new Set(guesses.flat())).toEqual(new Set(["That password is not right."]));
    expect(await signIn("e2e-admin", "203.0.113.1")).toMatch(/^Too many attempts/); // the per-address lock stays
    const t0 = Date.now();
    expect(await signIn("e2e-admin", "198.51.100.13")).toBe("signed in");
    expect(Date.now() - t0).toBeLessThan(10_000); // slowed down by a few seconds at most, never refused
  });

  test("issue #18: signing out ends the session on the server, for every copy of its cookie", async ({ browser, page }) => {
    await page.goto("/admin/login");
    await page.getByLabel("Password").fill("e2e-admin");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("heading", { name: "Orders" })).toBeVisible();
    const session = (await page.context().cookies()).find((c) => c.name === "admin_session")!;
    expect(session.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // A copy of the cookie (stolen, or another tab) works until the merchant signs out.
    const thief = await browser.newContext();
    await thief.addCookies([session]);
    const stolen = await thief.newPage();
    await stolen.goto(`${STORE_URL}/admin`);
    await expect(stolen.getByRole("heading", { name: "Orders" })).toBeVisible();
    await page.getByRole("button", { name: "Sign out", exact: true }).click();
    await expect(page).toHaveURL(/\/admin\/login$/);
    await stolen.goto(`${STORE_URL}/admin`);
    await expect(stolen).toHaveURL(/\/admin\/login$/);
    await expect(stolen.getByRole("heading", { name: "Merchant console" })).toBeVisible();
    await thief.close();
  });
});

test.describe("issue #18: abuse of a shopper's order", () => {
  test.afterEach(async ({ sandbox }) => {
    await sandbox.reset();
  });

  test("40 event streams on one order: at most 3 open, the others are refused with a 429", async ({ page, store, pay }) => {
    await store.addToCart("Masala Chai Tin");
    await store.checkout();
    await pay.waitForQr();
    const orderId = pay.orderId;
    await page.goto("/"); // the shopper's own pay page lets go of its stream
    const cookie = (await page.context().cookies(STORE_URL)).map((c) => `${c.name}=${c.value}`).join("; ");
    const aborts = Array.from({ length: 40 }, () => new AbortController());
    try {
      const answers = await Promise.all(aborts.map((a) => fetch(`${STORE_URL}/api/orders/${orderId}/events`, { headers: { cookie }, signal: a.signal })));
      const open = answers.filter((r) => r.status === 200).length;
      expect(open).toBeLessThanOrEqual(3);
      expect(open).toBeGreaterThan(0);
      const refused = answers.filter((r) => r.status === 429);
      expect(refused).toHaveLength(40 - open);
      expect(await refused[0]!.json()).toEqual({ error: expect.stringMatching(/^Too many live updates are open here just now/) });
    } finally {
      for (const a of aborts) a.abort();
    }
  });

  test.describe("collect requests", () => {
    test.use({ allowedConsoleErrors: [/status of 429/] });

    test("8 UPI IDs on one order: at most 3 collect requests reach Plural, and the shopper is told why", async ({ page, store, pay, request }) => {
      await store.addToCart("Brass Diya Pair");
      await store.checkout();
      await pay.waitForQr();
      const orderId = pay.orderId;
      await request.post("/sandbox/control/stats/reset", { data: {} });
      await pay.requestOn("victim1@okaxis");
      await test.step("another UPI ID at once: refused, and the page says how long to wait", async () => {
        await page.getByRole("textbox", { name: "Send to another UPI ID" }).fill("victim2@okaxis");
        const answer = page.waitForResponse((r) => r.request().method() === "POST" && r.request().headers()["next-action"] !== undefined);
        await page.getByRole("button", { name: "Send payment request" }).click();
        expect((await answer).status()).toBe(429);
        await expect(page.getByText(/A payment request was sent a moment ago\. You can send another in \d+ seconds\./)).toBeVisible();
        await expect(page.getByRole("button", { name: "Send payment request" })).toBeEnabled();
        await pay.shot("pay-collect-cooldown");
      });
      await test.step("the rest, as a script sends them", async () => {
        for (let i = 3; i <= 8; i++) {
          const r = await callAction(page.request, {
            path: `/orders/${orderId}/pay`,
            file: SHOP_ACTIONS,
            name: "startPaymentAction",
            args: [orderId, "COLLECT", `victim${i}@okaxis`],
            baseURL: STORE_URL,
          });
          expect(r.status).toBe(429);
        }
      });
      const stats = (await (await request.get("/sandbox/control/stats")).json()) as { calls: { createPayment: number } };
      expect(stats.calls.createPayment).toBeLessThanOrEqual(3);
      expect(stats.calls.createPayment).toBe(1); // the first; the others never left the store
    });
  });
});

test.describe("issue #18: a UAT store has no sandbox and no bench routes", () => {
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

test.describe("bad arguments", () => {
  test("a server action called over HTTP with bad arguments answers a clear error, never a 500", async ({ page, store }) => {
    await store.addToCart("Masala Chai Tin");
    const call = (name: string, args: unknown[], path = "/cart") => callAction(page.request, { path, file: SHOP_ACTIONS, name, args, baseURL: STORE_URL });
    const unknownProduct = await call("setQuantityAction", ["cnotaproduct000000000000", 2]);
    expect(unknownProduct.status).toBe(200);
    expect(unknownProduct.value).toMatchObject({ ok: false, error: expect.any(String) });
    for (const args of [[], [123n, 1], [new Date(0), { a: 1 }], [null, null], ["x".repeat(50_000), 1], [[1, [2, [3]]], new Map([[1, 2]])]]) {
      const r = await call("setQuantityAction", args);
      expect(r.status, JSON.stringify(args, (_k, v) => (typeof v === "bigint" ? `${v}n` : v)).slice(0, 80)).toBe(200);
      expect(r.value).toMatchObject({ ok: false, error: expect.any(String) });
    }
    await page.goto("/cart");
    await expect(page.getByTestId("cart-total")).toHaveText("₹349.00");
  });

  test("a server action posted from another site is refused with a 403, not a 500", async ({ page, store }) => {
    await store.addToCart("Masala Chai Tin");
    const r = await callAction(page.request, {
      path: "/cart",
      file: SHOP_ACTIONS,
      name: "setQuantityAction",
      args: ["cnotaproduct000000000000", 1],
      headers: { origin: "https://evil.example" },
      baseURL: STORE_URL,
    });
    expect(r.status).toBe(403);
  });
});

test.describe("oversized bodies", () => {
  const port = Number(new URL(STORE_URL).port);
  const MB50 = 50 * 1024 * 1024;

  for (const path of ["/api/plural/webhook", "/api/plural/return", "/cart", "/admin/login"]) {
    test(`50 MB to ${path} is refused with 413 before it is sent`, async () => {
      const r = await sendOversized({ port, path, total: MB50, headers: { "content-type": "application/octet-stream", "next-action": "x" } });
      expect(r.status).toBe(413);
      expect(r.sent).toBeLessThan(MB50 / 10);
    });
  }

  test("50 MB without a length: the webhook counts and stops at its limit; a page will not take it at all", async () => {
    const webhook = await sendOversized({ port, path: "/api/plural/webhook", total: MB50, chunked: true, headers: { "content-type": "application/json" } });
    expect(webhook.status).toBe(413);
    expect(webhook.sent).toBeLessThan(MB50 / 10);
    const page = await sendOversized({ port, path: "/cart", total: MB50, chunked: true, headers: { "next-action": "x" } });
    expect(page.status).toBe(411);
    expect(page.sent).toBeLessThan(MB50 / 10);
  });
});

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

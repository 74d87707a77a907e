import { request as playwrightRequest } from "@playwright/test";
import { expect, test } from "../fixtures";
import { ADMIN_ACTIONS, callAction } from "../support/actions";
import { clearRateLimits } from "../support/db";
import { PREAUTH_URL, STORE_URL } from "../support/plural";

/**
 * Tried as an attacker would, over HTTP against the production build: the same requests a
 * browser sends, without the shopper's cookies. This part: the console's sign-in and sessions.
 */
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

  test("60 wrong guesses from 12 addresses behind the load balancer, then the merchant's password from a 13th: signed in", async () => {
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

  test("signing out ends the session on the server, for every copy of its cookie", async ({ browser, page }) => {
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

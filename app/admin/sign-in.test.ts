import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { db } from "@/lib/db";
import { resetEnvCache } from "@/lib/env";
import { markFrontDoorActive, PEER_HEADER } from "@/lib/security/client-address";
import { SIGN_IN } from "@/lib/security/limits";
import { beginSignIn, slowdown } from "@/lib/security/throttle";
import { startTestStore } from "@/lib/testing/store";
import { newRequest, nextSignal, request } from "@/lib/testing/next-request";

vi.mock("next/headers", () => import("@/lib/testing/next-request").then((m) => m.nextHeadersModule));
/** The sign-in's waits, recorded instead of slept through (the test checks them; the e2e suite sits through real ones). */
const waits: number[] = [];
vi.mock("@/lib/security/throttle", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/lib/security/throttle")>()),
  pause: async (ms: number) => void waits.push(ms),
}));

/**
 * The console's lockout must be keyed by the connection's address (the front door records
 * it), believe X-Forwarded-For only from listed proxies, and live in the database so that every
 * instance shares it. Failures from a spread of addresses must never lock the merchant
 * out (they slow sign-ins down instead), and sessions live on the server, so that signing out or
 * changing the password ends them everywhere.
 */
const PASSWORD = "s3cret-console-pass";
let server: Awaited<ReturnType<typeof startTestStore>>;
beforeAll(async () => {
  server = await startTestStore();
  process.env.ADMIN_PASSWORD = PASSWORD;
  resetEnvCache();
  markFrontDoorActive(); // this process plays the front door: PEER_HEADER is the socket's address
});
afterAll(async () => {
  markFrontDoorActive(false);
  delete process.env.ADMIN_PASSWORD;
  delete process.env.TRUSTED_PROXIES;
  resetEnvCache();
  await server.close();
});
beforeEach(async () => {
  delete process.env.TRUSTED_PROXIES;
  process.env.APP_URL = "http://store.test";
  resetEnvCache();
  waits.length = 0;
  await db().$executeRawUnsafe(`DELETE FROM "RateLimit"`);
  await db().$executeRawUnsafe(`DELETE FROM "AdminSession"`);
});

/** One sign-in attempt from `peer` (the TCP address), with whatever headers the client adds. */
async function attempt(password: string, peer: string, headers: Record<string, string> = {}, fresh = false): Promise<"signed in" | string> {
  if (fresh) vi.resetModules(); // another instance of the app: nothing shared but the database
  const { signIn } = await import("./actions");
  (await import("@/lib/env")).resetEnvCache(); // the instance's own copy of lib/env reads process.env afresh
  newRequest({}, { [PEER_HEADER]: peer, ...headers });
  const fd = new FormData();
  fd.set("password", password);
  let answer: Awaited<ReturnType<typeof signIn>> | undefined;
  const signal = await nextSignal(signIn(null, fd).then((a) => void (answer = a)));
  if (signal?.startsWith("NEXT_REDIRECT") && signal.includes("/admin")) return "signed in";
  return answer?.error ?? String(signal);
}

/** Signs in and answers the session cookie the browser would keep. */
async function signedIn(): Promise<{ name: string; value: string; options?: Record<string, unknown> }> {
  expect(await attempt(PASSWORD, "203.0.113.200")).toBe("signed in");
  const cookie = request.setCookies.find((c) => /admin_session$/.test(c.name));
  expect(cookie?.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
  return cookie!;
}

/** Whether a browser holding `cookies` is signed in. */
async function admitted(cookies: Record<string, string>): Promise<boolean> {
  const { isAdmin } = await import("@/lib/admin-auth");
  (await import("@/lib/env")).resetEnvCache(); // the copy of lib/env this module sees (after vi.resetModules, not the test's own)
  newRequest(cookies);
  return isAdmin();
}

const TOO_MANY = /^Too many attempts\. Try again in \d+ minutes?\.$/;
const WRONG = "That password is not right.";

describe("console sign-in throttling", () => {
  it("200 wrong passwords, each with a new X-Forwarded-For, are locked out after 5; then the right one is refused too", async () => {
    const answers: string[] = [];
    for (let i = 0; i < 200; i++)
      answers.push(await attempt("guess", "203.0.113.7", { "x-forwarded-for": `10.${i >> 8}.${i & 255}.1`, "x-real-ip": `10.9.${i}.1` }));
    expect(answers.slice(0, 5)).toEqual(Array(5).fill(WRONG));
    expect(answers.slice(5).every((a) => TOO_MANY.test(a))).toBe(true);
    expect(await attempt(PASSWORD, "203.0.113.7", { "x-forwarded-for": "198.51.100.99" })).toMatch(TOO_MANY);
    // Someone else, elsewhere, is not affected.
    expect(await attempt(PASSWORD, "198.51.100.8")).toBe("signed in");
  });

  it("each failure from an address makes its next attempt wait longer, before the password is checked", async () => {
    for (let i = 0; i < 5; i++) expect(await attempt("guess", "203.0.113.9")).toBe(WRONG);
    expect(waits).toEqual([250, 500, 1000, 2000]); // the first attempt waits for nothing
  });

  it("the lockout holds in every instance of the app", async () => {
    for (let i = 0; i < 5; i++) expect(await attempt("guess", "203.0.113.20", {}, true)).toBe(WRONG);
    expect(await attempt(PASSWORD, "203.0.113.20", {}, true)).toMatch(TOO_MANY);
  });

  it("an IPv6 client is counted by its /64, so it cannot rotate addresses", async () => {
    for (let i = 1; i <= 5; i++) expect(await attempt("guess", `2001:db8:1:2::${i.toString(16)}`)).toBe(WRONG);
    expect(await attempt(PASSWORD, "2001:db8:1:2:ffff::1")).toMatch(TOO_MANY);
    expect(await attempt(PASSWORD, "2001:db8:1:3::1")).toBe("signed in");
  });

  it("X-Forwarded-For is believed only from TRUSTED_PROXIES, and only up to the first untrusted hop", async () => {
    process.env.TRUSTED_PROXIES = "10.0.0.0/8, 192.0.2.10";
    resetEnvCache();
    // Behind the proxy: the client's own X-Forwarded-For value comes first, the proxy appends the real one.
    for (let i = 0; i < 5; i++) {
      expect(await attempt("guess", "10.0.0.5", { "x-forwarded-for": `6.6.6.${i}, 198.51.100.1, 10.1.1.1` })).toBe(WRONG);
    }
    expect(await attempt(PASSWORD, "10.0.0.5", { "x-forwarded-for": "7.7.7.7, 198.51.100.1" })).toMatch(TOO_MANY);
    expect(await attempt(PASSWORD, "10.0.0.5", { "x-forwarded-for": "198.51.100.2" })).toBe("signed in");
    // From an address that is not a listed proxy, the header means nothing.
    for (let i = 0; i < 5; i++) await attempt("guess", "203.0.113.30", { "x-forwarded-for": `198.51.100.${100 + i}` });
    expect(await attempt(PASSWORD, "203.0.113.30", { "x-forwarded-for": "198.51.100.200" })).toMatch(TOO_MANY);
  });

  it("a success clears the address's failures", async () => {
    for (let i = 0; i < 4; i++) await attempt("guess", "203.0.113.40");
    expect(await attempt(PASSWORD, "203.0.113.40")).toBe("signed in");
    for (let i = 0; i < 4; i++) expect(await attempt("guess", "203.0.113.40")).toBe(WRONG);
  });

  it("60 wrong guesses from 12 addresses, then the right password from a 13th: signed in, after a wait of a few seconds at most", async () => {
    process.env.TRUSTED_PROXIES = "127.0.0.1/32"; // behind a load balancer, as a real deployment may be
    resetEnvCache();
    const from = (ip: string) => ({ "x-forwarded-for": ip });
    await Promise.all(
      Array.from({ length: 12 }, async (_, a) => {
        for (let i = 0; i < 5; i++) expect(await attempt("guess", "127.0.0.1", from(`198.18.${a}.${a + 1}`))).toBe(WRONG);
      }),
    );
    waits.length = 0;
    expect(await attempt(PASSWORD, "127.0.0.1", from("198.19.0.1"))).toBe("signed in");
    expect(waits).toHaveLength(1);
    expect(waits[0]).toBeLessThanOrEqual(SIGN_IN.maxDelayMs);
    // And so does anyone else after them: however many guesses, the right password only waits.
    for (let a = 0; a < 12; a++) await Promise.all(Array.from({ length: 10 }, (_, i) => attempt("guess", "127.0.0.1", from(`100.64.${a}.${i}`))));
    expect(await attempt(PASSWORD, "127.0.0.1", from("198.19.0.2"))).toBe("signed in");
  });

  it("the wait grows with failures and is capped", () => {
    expect([1, 2, 3, 4, 5].map((n) => slowdown(n, 1, 1))).toEqual([0, 250, 500, 1000, 2000]);
    expect(slowdown(6, 1, 1)).toBe(SIGN_IN.maxDelayMs);
    expect([10, 11, 20, 21, 31, 41, 51, 5000].map((n) => slowdown(n, 10, 10))).toEqual([0, 250, 250, 500, 1000, 2000, 3000, 3000]);
  });

  it("however many attempts arrive at once, only the allowed number reach the password check", async () => {
    const gates = await Promise.all(Array.from({ length: 40 }, () => beginSignIn("203.0.113.60")));
    expect(gates.filter((g) => g.allowed)).toHaveLength(SIGN_IN.address.points);
  });

  it("a window runs out, and its row expires", async () => {
    const t0 = Date.parse("2026-01-01T10:00:00Z");
    for (let i = 0; i < SIGN_IN.address.points; i++) expect((await beginSignIn("203.0.113.70", t0)).allowed).toBe(true);
    expect(await beginSignIn("203.0.113.70", t0 + 60_000)).toEqual({ allowed: false, retryInMinutes: 14 });
    expect((await beginSignIn("203.0.113.70", t0 + SIGN_IN.address.windowMs)).allowed).toBe(true);
    const { sweepExpiredLimits } = await import("@/lib/security/throttle");
    expect(await sweepExpiredLimits(t0 + 2 * SIGN_IN.address.windowMs + 60_001)).toBe(3);
    expect(await db().rateLimit.count()).toBe(0);
  });
});

describe("console sessions", () => {
  it("live on the server: signing out ends the session for every copy of its cookie", async () => {
    const cookie = await signedIn();
    expect(cookie).toMatchObject({ name: "admin_session", options: { httpOnly: true, sameSite: "strict", path: "/admin" } });
    const stolen = { [cookie.name]: cookie.value };
    expect(await admitted(stolen)).toBe(true);
    const { signOut } = await import("./actions");
    newRequest(stolen);
    expect(await nextSignal(signOut())).toMatch(/^NEXT_REDIRECT.*\/admin\/login/);
    expect(await admitted(stolen)).toBe(false);
    expect(await db().adminSession.count()).toBe(0);
  });

  it("'sign out everywhere' ends every session", async () => {
    const a = await signedIn();
    const b = await signedIn();
    expect(await admitted({ [b.name]: b.value })).toBe(true);
    const { signOutEverywhere } = await import("./actions");
    newRequest({ [a.name]: a.value });
    await nextSignal(signOutEverywhere());
    expect(await admitted({ [a.name]: a.value })).toBe(false);
    expect(await admitted({ [b.name]: b.value })).toBe(false);
  });

  it("a new ADMIN_PASSWORD ends every session opened with the old one", async () => {
    const cookie = await signedIn();
    process.env.ADMIN_PASSWORD = "another-console-pass";
    resetEnvCache();
    try {
      expect(await admitted({ [cookie.name]: cookie.value })).toBe(false);
    } finally {
      process.env.ADMIN_PASSWORD = PASSWORD;
      resetEnvCache();
    }
    expect(await admitted({ [cookie.name]: cookie.value })).toBe(true); // and only that: the row was never changed
  });

  it("a forged or expired cookie opens nothing", async () => {
    const cookie = await signedIn();
    expect(await admitted({ [cookie.name]: "A".repeat(43) })).toBe(false);
    expect(await admitted({ [cookie.name]: `${cookie.value}x` })).toBe(false);
    const { isAdmin } = await import("@/lib/admin-auth");
    (await import("@/lib/env")).resetEnvCache();
    newRequest({ [cookie.name]: cookie.value });
    expect(await isAdmin(Date.now() + 8 * 3600_000 + 1)).toBe(false);
  });

  it("is a __Host- cookie on https", async () => {
    process.env.APP_URL = "https://shop.example";
    resetEnvCache();
    const cookie = await signedIn();
    expect(cookie).toMatchObject({ name: "__Host-admin_session", options: { secure: true, path: "/", httpOnly: true, sameSite: "strict" } });
    expect(await admitted({ "__Host-admin_session": cookie.value })).toBe(true);
    expect(await admitted({ admin_session: cookie.value })).toBe(false);
  });
});

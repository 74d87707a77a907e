import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { db } from "@/lib/db";
import { resetEnvCache } from "@/lib/env";
import { markFrontDoorActive, PEER_HEADER } from "@/lib/security/client-address";
import { SIGN_IN } from "@/lib/security/limits";
import { beginSignIn } from "@/lib/security/throttle";
import { startTestStore } from "@/lib/testing/store";
import { newRequest, nextSignal } from "@/lib/testing/next-request";

vi.mock("next/headers", () => import("@/lib/testing/next-request").then((m) => m.nextHeadersModule));

/**
 * Finding 2 of issue #8: the console's lockout was keyed by X-Forwarded-For, which the client
 * writes, and kept in one process's memory. It must be keyed by the connection's address (the front
 * door records it), believe X-Forwarded-For only from listed proxies, stop everyone after a global
 * number of failures, and live in the database so that every instance shares it.
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
  resetEnvCache();
  await db()
    .$executeRawUnsafe(`DELETE FROM "SignInThrottle"`)
    .catch(() => {});
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

const TOO_MANY = /^Too many attempts\. Try again in \d+ minutes?\.$/;

describe("console sign-in throttling", () => {
  it("200 wrong passwords, each with a new X-Forwarded-For, are locked out after 5; then the right one is refused too", async () => {
    const answers: string[] = [];
    for (let i = 0; i < 200; i++)
      answers.push(await attempt("guess", "203.0.113.7", { "x-forwarded-for": `10.${i >> 8}.${i & 255}.1`, "x-real-ip": `10.9.${i}.1` }));
    expect(answers.slice(0, 5)).toEqual(Array(5).fill("That password is not right."));
    expect(answers.slice(5).every((a) => TOO_MANY.test(a))).toBe(true);
    expect(await attempt(PASSWORD, "203.0.113.7", { "x-forwarded-for": "198.51.100.99" })).toMatch(TOO_MANY);
    // Someone else, elsewhere, is not affected.
    expect(await attempt(PASSWORD, "203.0.113.8")).toBe("signed in");
  });

  it("the lockout holds in every instance of the app", async () => {
    for (let i = 0; i < 5; i++) expect(await attempt("guess", "203.0.113.20", {}, true)).toBe("That password is not right.");
    expect(await attempt(PASSWORD, "203.0.113.20", {}, true)).toMatch(TOO_MANY);
  });

  it("an IPv6 client is counted by its /64, so it cannot rotate addresses", async () => {
    for (let i = 1; i <= 5; i++) expect(await attempt("guess", `2001:db8:1:2::${i.toString(16)}`)).toBe("That password is not right.");
    expect(await attempt(PASSWORD, "2001:db8:1:2:ffff::1")).toMatch(TOO_MANY);
    expect(await attempt(PASSWORD, "2001:db8:1:3::1")).toBe("signed in");
  });

  it("X-Forwarded-For is believed only from TRUSTED_PROXIES, and only up to the first untrusted hop", async () => {
    process.env.TRUSTED_PROXIES = "10.0.0.0/8, 192.0.2.10";
    resetEnvCache();
    // Behind the proxy: the client's own X-Forwarded-For value comes first, the proxy appends the real one.
    for (let i = 0; i < 5; i++) {
      expect(await attempt("guess", "10.0.0.5", { "x-forwarded-for": `6.6.6.${i}, 198.51.100.1, 10.1.1.1` })).toBe("That password is not right.");
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
    for (let i = 0; i < 4; i++) expect(await attempt("guess", "203.0.113.40")).toBe("That password is not right.");
  });

  it("a global ceiling: failures from many addresses together stop every sign-in for a while", async () => {
    let first = -1;
    for (let i = 1; i <= 120 && first < 0; i++) if (TOO_MANY.test(await attempt("guess", `198.18.${i}.1`))) first = i;
    expect(first).toBeGreaterThan(10);
    expect(await attempt(PASSWORD, "198.18.250.1")).toMatch(TOO_MANY);
  });

  it("however many attempts arrive at once, only the allowed number reach the password check", async () => {
    const gates = await Promise.all(Array.from({ length: 40 }, () => beginSignIn("203.0.113.60")));
    expect(gates.filter((g) => g.allowed)).toHaveLength(SIGN_IN.perAddress);
  });

  it("a window runs out", async () => {
    const t0 = new Date("2026-01-01T10:00:00Z");
    for (let i = 0; i < SIGN_IN.perAddress; i++) expect((await beginSignIn("203.0.113.70", t0)).allowed).toBe(true);
    expect(await beginSignIn("203.0.113.70", new Date(t0.getTime() + 60_000))).toEqual({ allowed: false, retryInMinutes: 14 });
    expect((await beginSignIn("203.0.113.70", new Date(t0.getTime() + SIGN_IN.windowMs))).allowed).toBe(true);
  });
});

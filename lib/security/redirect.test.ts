import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { resetEnvCache } from "@/lib/env";
import { nextSignal } from "@/lib/testing/next-request";
import { TRICKY_TARGETS } from "@/e2e/fuzz/targets";
import { safeRedirectPath } from "./redirect";

vi.mock("next/cache", () => ({ revalidatePath: () => {} }));
vi.mock("next/headers", () => import("@/lib/testing/next-request").then((m) => m.nextHeadersModule));

/**
 * A `returnTo=/sandbox/..//evil.example` must never lead to `//evil.example`: a redirect target must be checked after normalisation, and only a path on
 * this origin may pass.
 */

const STORE = "http://store.test";
const REFERRER = `${STORE}/sandbox/pay/pay_x`;

/** The target of a redirect() thrown by a server action. */
function target(digest: string | undefined): string {
  const m = /^NEXT_REDIRECT;(?:replace|push);([\s\S]*);(\d{3});$/.exec(digest ?? "");
  if (!m) throw new Error(`not a redirect: ${digest}`);
  return m[1]!;
}

/** Where a browser on REFERRER goes when told to go to `location` (the WHATWG URL parser strips tabs, turns \ into /, ...). */
const browserGoesTo = (location: string) => new URL(location, REFERRER);

let answerPayment: (fd: FormData) => Promise<void>;
beforeAll(async () => {
  Object.assign(process.env, { PLURAL_ENV: "sandbox", SANDBOX_STATE_FILE: "none", APP_URL: STORE, PLURAL_BASE_URL: "" });
  resetEnvCache();
  ({ answerPayment } = await import("@/app/sandbox/actions"));
});
afterAll(() => {
  delete process.env.SANDBOX_STATE_FILE;
  resetEnvCache();
});

describe("the sandbox payer page's redirect", () => {
  it.each(TRICKY_TARGETS.map((t) => [JSON.stringify(t).slice(0, 60), t]))("returnTo=%s stays on this origin, under /sandbox", async (_label, returnTo) => {
    const fd = new FormData();
    fd.set("paymentId", "pay_unknown");
    fd.set("decision", "approve");
    fd.set("returnTo", returnTo);
    const location = target(await nextSignal(answerPayment(fd)));
    const url = browserGoesTo(location);
    expect(url.origin).toBe(STORE);
    expect(url.pathname === "/sandbox" || url.pathname.startsWith("/sandbox/")).toBe(true);
    expect(location).toMatch(/^\/(?![/\\])/);
  });
});

describe("safeRedirectPath", () => {
  it.each(TRICKY_TARGETS.map((t) => [JSON.stringify(t).slice(0, 60), t]))("%s is refused or kept on this origin", (_label, t) => {
    const out = safeRedirectPath(t, { fallback: "/fallback" });
    expect(browserGoesTo(out).origin).toBe(STORE);
    expect(out).toMatch(/^\/(?![/\\])/);
  });

  it("keeps ordinary paths, normalised, with their query and fragment", () => {
    const ok = (v: string, within?: string) => safeRedirectPath(v, { fallback: "/fallback", within });
    expect(ok("/sandbox/upi?link=upi%3A%2F%2Fpay%3Fpa%3Dx&done=approved")).toBe("/sandbox/upi?link=upi%3A%2F%2Fpay%3Fpa%3Dx&done=approved");
    expect(ok("/sandbox/pay/pay_123", "/sandbox")).toBe("/sandbox/pay/pay_123");
    expect(ok("/sandbox", "/sandbox")).toBe("/sandbox");
    expect(ok("/sandbox/upi/../pay/x", "/sandbox")).toBe("/sandbox/pay/x");
    expect(ok("/orders/abc#receipt")).toBe("/orders/abc#receipt");
    expect(ok("/sandboxed", "/sandbox")).toBe("/fallback");
    expect(ok("/sandbox/../admin", "/sandbox")).toBe("/fallback");
    expect(ok("/x".repeat(1100))).toBe("/fallback");
    for (const wrong of [undefined, null, 42, {}, ["/a"], new Blob(["/a"])]) expect(safeRedirectPath(wrong, { fallback: "/f" })).toBe("/f");
  });
});

import { afterEach, describe, expect, it, vi } from "vitest";
import { resetEnvCache } from "@/lib/env";
import { forgetProcessGlobal, peekProcessGlobal } from "@/lib/process-global";
import { handleSandboxHttp, sandbox } from "@/lib/sandbox";
import { markFrontDoorActive, PEER_HEADER } from "@/lib/security/client-address";
import { newRequest, nextSignal } from "@/lib/testing/next-request";
import { answerPayment, resetSandbox, saveSettings } from "./actions";
import SandboxDashboard from "./page";
import LandingPage from "./pay/[paymentId]/page";
import SandboxUpiApp from "./upi/page";

vi.mock("next/headers", () => import("@/lib/testing/next-request").then((m) => m.nextHeadersModule));
vi.mock("next/cache", () => ({ revalidatePath: () => {} }));

/**
 * What this guards against: in a UAT store, a sandbox page rendered for a client navigation (the
 * layout, were it the only one to check the mode, is skipped when the client says it has it) would
 * build a sandbox holding the store's real secrets; a production build's sandbox would be anyone's,
 * and its control API could point webhooks at any address (SSRF).
 */
const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
  resetEnvCache();
  markFrontDoorActive(false);
  forgetProcessGlobal<{ close(): void }>("pluralSandbox")?.close();
});
const use = (vars: Record<string, string | undefined>) => {
  process.env = { ...saved, SANDBOX_STATE_FILE: "none", ...vars };
  for (const [k, v] of Object.entries(vars)) if (v === undefined) delete process.env[k];
  resetEnvCache();
};
const UAT = { PLURAL_ENV: "uat", PLURAL_CLIENT_ID: "id", PLURAL_CLIENT_SECRET: "00112233445566778899aabbccddeeff", PLURAL_BASE_URL: undefined };
const NOT_FOUND = "NEXT_HTTP_ERROR_FALLBACK;404";
const TOKEN = "control-token-0123456789abcdef";

describe("every sandbox page and action checks the mode itself", () => {
  it("in a UAT store each page is a 404 on its own (no layout needed), and no sandbox is ever built", async () => {
    use(UAT);
    newRequest({}, { rsc: "1" });
    expect(await nextSignal(SandboxDashboard())).toBe(NOT_FOUND);
    expect(await nextSignal(SandboxUpiApp({ searchParams: Promise.resolve({}) }))).toBe(NOT_FOUND);
    expect(await nextSignal(LandingPage({ params: Promise.resolve({ paymentId: "pay_1" }), searchParams: Promise.resolve({}) }))).toBe(NOT_FOUND);
    const fd = new FormData();
    fd.set("paymentId", "pay_1");
    fd.set("decision", "approve");
    expect(await nextSignal(answerPayment(fd))).toBe(NOT_FOUND);
    expect(await nextSignal(resetSandbox())).toBe(NOT_FOUND);
    expect(() => sandbox()).toThrow(/exists only when PLURAL_ENV=sandbox/);
    expect(peekProcessGlobal("pluralSandbox")).toBeUndefined();
  });
});

describe("a production build's sandbox", () => {
  const call = (path: string, peer: string, init: RequestInit = {}) =>
    handleSandboxHttp(new Request(`http://127.0.0.1:3000${path}`, { ...init, headers: { [PEER_HEADER]: peer, ...(init.headers as Record<string, string>) } }));

  it("answers only this machine unless it is public", async () => {
    use({ NODE_ENV: "production", PLURAL_ENV: "sandbox", APP_URL: "http://127.0.0.1:3000", PLURAL_BASE_URL: undefined });
    markFrontDoorActive();
    expect((await call("/sandbox/control/identity", "127.0.0.1")).status).toBe(200);
    expect((await call("/sandbox/control/identity", "::1")).status).toBe(200);
    expect((await call("/sandbox/control/identity", "203.0.113.5")).status).toBe(404);
    expect((await call("/sandbox/api/auth/v1/token", "203.0.113.5", { method: "POST" })).status).toBe(404);
    newRequest({}, { [PEER_HEADER]: "203.0.113.5" });
    expect(await nextSignal(SandboxUpiApp({ searchParams: Promise.resolve({}) }))).toBe(NOT_FOUND);
  });

  it("public: its control API needs the token, and webhooks go only to the store's own origin", async () => {
    use({
      NODE_ENV: "production",
      PLURAL_ENV: "sandbox",
      APP_URL: "http://127.0.0.1:3000",
      PLURAL_BASE_URL: undefined,
      SANDBOX_PUBLIC: "true",
      SANDBOX_CONTROL_TOKEN: TOKEN,
    });
    markFrontDoorActive();
    const patch = (url: string, auth?: string) =>
      call("/sandbox/control/settings", "203.0.113.5", {
        method: "PATCH",
        headers: { "content-type": "application/json", ...(auth ? { authorization: `Bearer ${auth}` } : {}) },
        body: JSON.stringify({ webhook: { url } }),
      });
    expect((await call("/sandbox/control/identity", "203.0.113.5")).status).toBe(401);
    expect((await call("/sandbox/control/identity", "203.0.113.5", { headers: { authorization: "Bearer wrong" } })).status).toBe(401);
    expect((await call("/sandbox/control/identity", "203.0.113.5", { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
    expect((await patch("http://169.254.169.254/latest/meta-data")).status).toBe(401);
    const ssrf = await patch("http://169.254.169.254/latest/meta-data", TOKEN);
    expect(ssrf.status).toBe(400);
    expect(await ssrf.json()).toMatchObject({ message: expect.stringContaining("only to the store's own origin") });
    expect((await patch("http://127.0.0.1:3000/api/plural/webhook", TOKEN)).status).toBe(200);
    expect(sandbox().settings.webhook.url).toBe("http://127.0.0.1:3000/api/plural/webhook");
    // Its API and its UPI app are the public demo; the dashboard's controls are the control API's.
    expect((await call("/sandbox/api/auth/v1/token", "203.0.113.5", { method: "POST", body: "{}" })).status).toBe(400);
    newRequest({}, { [PEER_HEADER]: "203.0.113.5" });
    await expect(saveSettings(new FormData())).rejects.toThrow(/controls are off on a public sandbox/);
  });
});

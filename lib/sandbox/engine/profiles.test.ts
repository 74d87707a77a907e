/**
 * Profiles: every documented reading of Plural's API is a setting (profiles.ts); `friendly` and
 * `strict` set them all, chosen by SANDBOX_PROFILE at start-up or through the control API, and the
 * docs/sandbox.md documents each one.
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parseEnv } from "@/lib/env";
import { routeSandbox } from "../http";
import { testConfig } from "@/lib/testing/sandbox";
import { Sandbox } from "./index";
import { PROFILE_NAMES, READINGS, SANDBOX_INVENTIONS } from "./profiles";

const open: Sandbox[] = [];
const start = (extra: Parameters<typeof testConfig>[0] = {}) => {
  const sb = new Sandbox(testConfig(extra));
  open.push(sb);
  return sb;
};
afterEach(() => {
  for (const sb of open.splice(0)) sb.close();
});
const control = (sb: Sandbox, method: string, p: string, body?: unknown) =>
  routeSandbox(
    sb,
    new Request(`http://localhost/sandbox/control/${p}`, {
      method,
      headers: { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    }),
  );

describe("profiles", () => {
  it("friendly is the default; strict is the harshest documented reading of each, and differs where the documents do", () => {
    expect(start().profile()).toBe("friendly");
    const strict = start({ profile: "strict" });
    expect(strict.profile()).toBe("strict");
    expect(strict.settings).toMatchObject({
      idempotency: "reject",
      pending_payment_policy: "reject",
      payment_response: "flat",
      pre_auth_upi: "refused",
      order_not_found_status: 422,
      error_body: "html",
      retry_after: "absent",
      partial_capture_refunds: "refused",
      refund_webhooks: "none",
      webhook: { schedule: "documented", timestamp: "first" },
      settlement: { refunds: "deductions" },
    });
    // Every reading cites where it comes from and says what the store does.
    for (const r of READINGS) {
      expect(r.source, r.key).toMatch(/"[A-Z][^"]+"/);
      expect(r.docs.length, r.key).toBeGreaterThan(20);
      expect(r.store.length, r.key).toBeGreaterThan(20);
    }
  });

  it("SANDBOX_PROFILE is read by lib/env.ts: friendly by default, strict, and nothing else", () => {
    expect(parseEnv({}).sandboxProfile).toBe("friendly");
    expect(parseEnv({ SANDBOX_PROFILE: "" }).sandboxProfile).toBe("friendly");
    expect(parseEnv({ SANDBOX_PROFILE: "strict" }).sandboxProfile).toBe("strict");
    expect(() => parseEnv({ SANDBOX_PROFILE: "lenient" })).toThrow(/SANDBOX_PROFILE/);
  });

  it("the control API switches the profile, keys on top of it make it custom, GET profiles lists both", async () => {
    const sb = start();
    const res = await control(sb, "PATCH", "settings", { profile: "strict" });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ profile: "strict", idempotency: "reject" });
    const custom = await (await control(sb, "PATCH", "settings", { idempotency: "replay" })).json();
    expect(custom).toMatchObject({ profile: "custom", idempotency: "replay", pending_payment_policy: "reject" });
    const both = (await (await control(sb, "GET", "profiles")).json()) as {
      active: string;
      profiles: Record<string, Record<string, unknown>>;
      readings: unknown[];
      inventions: string[];
    };
    expect(both.active).toBe("custom");
    expect(Object.keys(both.profiles)).toEqual([...PROFILE_NAMES]);
    expect(both.profiles.strict!["webhook.timestamp"]).toBe("first");
    expect(both.readings).toHaveLength(READINGS.length);
    expect(both.inventions).toEqual([...SANDBOX_INVENTIONS]);
    expect((await control(sb, "PATCH", "settings", { profile: "lenient" })).status).toBe(400);
    // A reset goes back to the profile the sandbox started with.
    sb.reset();
    expect(sb.profile()).toBe("friendly");
  });

  it("a profile chosen through the control API outlives a restart; otherwise SANDBOX_PROFILE decides at each start", () => {
    const stateFile = path.join(mkdtempSync(path.join(tmpdir(), "sbx-profile-")), "state.json");
    let sb = start({ stateFile });
    sb.updateSettings({ payment_expiry_seconds: 60 });
    sb.close();
    sb = start({ stateFile, profile: "strict" });
    expect(sb.profile()).toBe("strict");
    expect(sb.settings.payment_expiry_seconds).toBe(60);
    sb.close();
    sb = start({ stateFile });
    expect(sb.profile()).toBe("friendly");
    sb.updateSettings({ profile: "strict" });
    sb.close();
    sb = start({ stateFile, profile: "friendly" });
    expect(sb.profile()).toBe("strict");
    expect(sb.settingsOverridden()).toContain("idempotency");
  });

  it("docs/sandbox.md has the table: every reading, each profile's value, and the inventions", () => {
    const readme = readFileSync(path.resolve(__dirname, "../../../docs/sandbox.md"), "utf8");
    const start = readme.indexOf("\n## Profiles\n");
    const end = readme.indexOf("\n## ", start + 1);
    const section = readme.slice(start, end === -1 ? undefined : end);
    expect(section.length).toBeGreaterThan(1000);
    for (const r of READINGS) {
      const row = section.split("\n").find((l) => l.startsWith(`| \`${r.key}\``));
      expect(row, r.key).toBeDefined();
      expect(row, r.key).toContain(`\`${r.friendly}\``);
      expect(row, r.key).toContain(`\`${r.strict}\``);
    }
    for (const code of ["PAYMENT_CANCELLED", "REFUND_FAILED", "USER_CANCELLED"]) expect(section, code).toContain(`\`${code}\``);
  });
});

describe("readings the API shows", () => {
  const api = async (sb: Sandbox, method: string, p: string) => {
    const token = sb.issueToken(testConfig().clientId, testConfig().clientSecret).access_token;
    return routeSandbox(sb, new Request(`http://localhost/sandbox/api/${p}`, { method, headers: { authorization: `Bearer ${token}` } }));
  };

  it("error_body: an unknown path and an injected fault answer Plural's JSON, or a gateway's HTML page", async () => {
    const sb = start();
    expect((await api(sb, "GET", "pay/v1/nothing")).headers.get("content-type")).toBe("application/json");
    sb.updateSettings({ error_body: "html" });
    const page = await api(sb, "GET", "pay/v1/nothing");
    expect(page.status).toBe(404);
    expect(page.headers.get("content-type")).toBe("text/html");
    expect(await page.text()).toContain("<h1>404 Not Found</h1>");
    sb.addFault({ endpoint: "getOrder", kind: "status", status: 502, remaining: 1 });
    const fault = await api(sb, "GET", "pay/v1/orders/v1-x");
    expect([fault.status, fault.headers.get("content-type")]).toEqual([502, "text/html"]);
    // A real ORDER_NOT_FOUND stays Plural's JSON.
    const missing = await api(sb, "GET", "pay/v1/orders/v1-000000000000-aa-NOPE00");
    expect(await missing.json()).toMatchObject({ code: "ORDER_NOT_FOUND" });
  });

  it("retry_after: Retry-After on an injected 429 is sent, or absent", async () => {
    const sb = start();
    sb.addFault({ endpoint: "getOrder", kind: "status", status: 429, remaining: 2 });
    expect((await api(sb, "GET", "pay/v1/orders/v1-x")).headers.get("retry-after")).toBe("1");
    sb.updateSettings({ retry_after: "absent" });
    expect((await api(sb, "GET", "pay/v1/orders/v1-x")).headers.get("retry-after")).toBeNull();
  });

  it("partial_capture_refunds: a partially captured order can be refunded, or not", () => {
    const sb = start();
    const partial = () => {
      const { order } = sb.createOrder({
        merchant_order_reference: `pc_${Math.random().toString(36).slice(2, 10)}`,
        order_amount: { value: 5000, currency: "INR" },
        pre_auth: true,
      });
      const paid = sb.createPayment(
        order.order_id,
        { merchant_payment_reference: `pcp_${order.order_id.slice(-6)}`, amount: 5000, txn_mode: "INTENT", upi_qr: false },
        "h",
      );
      sb.approve(paid.order.payments[0]!.id);
      sb.capture(order.order_id, { merchant_capture_reference: `cap_${order.order_id.slice(-6)}`, capture_amount: { value: 3000, currency: "INR" } });
      return order.order_id;
    };
    const a = partial();
    expect(sb.refund(a, { merchant_order_reference: `rf_${a.slice(-6)}`, amount: 1000 }, "h").refund.status).toBe("PENDING");
    sb.updateSettings({ partial_capture_refunds: "refused" });
    const b = partial();
    expect(() => sb.refund(b, { merchant_order_reference: `rf_${b.slice(-6)}`, amount: 1000 }, "h")).toThrow(/precondition/);
  });
});

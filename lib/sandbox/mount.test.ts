import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { resetEnvCache } from "@/lib/env";
import { forgetProcessGlobal } from "@/lib/process-global";
import { resetShutdownState, shutdown } from "@/lib/server/shutdown";
import { handleSandboxHttp, sandbox } from "./index";
import { Sandbox } from "./engine";

const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
  resetEnvCache();
});

describe("mounting", () => {
  it("every /sandbox path is a 404 unless PLURAL_ENV=sandbox", async () => {
    process.env.PLURAL_ENV = "uat";
    process.env.PLURAL_CLIENT_ID = "id";
    process.env.PLURAL_CLIENT_SECRET = "00112233445566778899aabbccddeeff";
    resetEnvCache();
    for (const [method, path] of [
      ["POST", "/sandbox/api/auth/v1/token"],
      ["GET", "/sandbox/api/pay/v1/orders/x"],
      ["POST", "/sandbox/control/reset"],
      ["GET", "/sandbox/qr/x.png"],
    ] as const) {
      const res = await handleSandboxHttp(new Request(`http://localhost${path}`, { method }));
      expect(res.status, path).toBe(404);
    }
  });

  it("is served in sandbox mode, with the store's own credentials", async () => {
    process.env.PLURAL_ENV = "sandbox";
    process.env.SANDBOX_STATE_FILE = "none";
    resetEnvCache();
    const res = await handleSandboxHttp(
      new Request("http://localhost/sandbox/api/auth/v1/token", {
        method: "POST",
        body: JSON.stringify({ client_id: "sandbox-merchant-0001", client_secret: "5a4e3b2c1d0f9e8d7c6b5a4938271605", grant_type: "client_credentials" }),
      }),
    );
    expect(res.status).toBe(200);
    sandbox().close();
  });
});

describe("QR image URL", () => {
  it("expires 1200 s after the payment, like the pre-signed S3 URL", () => {
    let now = Date.parse("2026-01-01T00:00:00Z");
    const sb = new Sandbox({
      merchantId: "1",
      clientId: "c",
      clientSecret: "s",
      secretKey: "00",
      webhookSecret: "w",
      webhookSecretFormat: "raw",
      appUrl: "http://x",
      publicUrl: "http://x/sandbox",
      stateFile: null,
      now: () => now,
      background: false,
    });
    const { order } = sb.createOrder({ merchant_order_reference: "r1", order_amount: { value: 100, currency: "INR" } });
    const { order: paid } = sb.createPayment(order.order_id, { merchant_payment_reference: "p1", amount: 100, txn_mode: "INTENT", upi_qr: true }, "h");
    const url = new URL(sb.orderJson(paid).image_url as string);
    const id = decodeURIComponent(
      url.pathname
        .split("/")
        .pop()!
        .replace(/\.png$/, ""),
    );
    expect(sb.qrLink(id, url.searchParams)).toMatchObject({ ok: true });
    now += 1_199_000;
    expect(sb.qrLink(id, url.searchParams).ok).toBe(true);
    now += 2_000;
    expect(sb.qrLink(id, url.searchParams)).toMatchObject({ ok: false, status: 403 });
    sb.close();
  });

  it("survives a restart when it has a state file", async () => {
    const { mkdtempSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const file = `${mkdtempSync(`${tmpdir()}/sbx-`)}/state.json`;
    const cfg = {
      merchantId: "1",
      clientId: "c",
      clientSecret: "s",
      secretKey: "00",
      webhookSecret: "w",
      webhookSecretFormat: "raw" as const,
      appUrl: "http://x",
      publicUrl: "http://x/sandbox",
      stateFile: file,
      background: false,
    };
    const a = new Sandbox(cfg);
    const { order } = a.createOrder({ merchant_order_reference: "keep", order_amount: { value: 100, currency: "INR" } });
    a.close();
    const b = new Sandbox(cfg);
    expect(b.orderByReference("keep").order_id).toBe(order.order_id);
    b.close();
  });
});

describe("stopping", () => {
  it("on SIGTERM, writes what it answered to its state file before the process exits", async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), "sandbox-stop-")), "state.json");
    process.env.PLURAL_ENV = "sandbox";
    process.env.SANDBOX_STATE_FILE = file;
    resetEnvCache();
    resetShutdownState();
    forgetProcessGlobal("pluralSandbox");
    try {
      const res = await handleSandboxHttp(
        new Request("http://localhost/sandbox/control/settings", { method: "PATCH", body: JSON.stringify({ payment_retries: 2 }) }),
      );
      expect(res.status).toBe(200);
      // What is on disk at the moment the process exits (the journal writes after a short debounce).
      let atExit: string | undefined;
      await shutdown("SIGTERM", { timeoutMs: 2_000, exit: () => void (atExit ??= readFileSync(file, "utf8")) });
      expect(atExit).toMatch(/"payment_retries":2/);
    } finally {
      resetShutdownState();
      forgetProcessGlobal("pluralSandbox");
    }
  });
});

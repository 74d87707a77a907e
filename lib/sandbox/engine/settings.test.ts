/** Settings that come from the environment follow it at every start, unless changed through the control API. */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { routeSandbox } from "../http";
import { testConfig } from "@/lib/testing/sandbox";
import { Sandbox } from "./index";

const file = () => path.join(mkdtempSync(path.join(tmpdir(), "sbx-settings-")), "state.json");
const open: Sandbox[] = [];
const start = (stateFile: string, appUrl: string, extra: Parameters<typeof testConfig>[0] = {}) => {
  const sb = new Sandbox(testConfig({ stateFile, appUrl, publicUrl: `${appUrl}/sandbox`, ...extra }));
  open.push(sb);
  return sb;
};
const restart = (sb: Sandbox, stateFile: string, appUrl: string, extra: Parameters<typeof testConfig>[0] = {}) => {
  sb.close();
  return start(stateFile, appUrl, extra);
};
afterEach(() => {
  for (const sb of open.splice(0)) sb.close();
});

describe("settings from the environment", () => {
  it("the webhook URL follows APP_URL at each start; other changed settings are kept", () => {
    const f = file();
    let sb = start(f, "http://localhost:3000");
    expect(sb.settings.webhook.url).toBe("http://localhost:3000/api/plural/webhook");
    sb.updateSettings({ payment_expiry_seconds: 120, webhook: { retries: 1 } });
    sb = restart(sb, f, "http://127.0.0.1:3150");
    expect(sb.settings.webhook.url).toBe("http://127.0.0.1:3150/api/plural/webhook");
    expect(sb.settings.payment_expiry_seconds).toBe(120);
    expect(sb.settings.webhook.retries).toBe(1);
    expect(sb.settingsOverridden()).toEqual([]);
  });

  it("merchant name and VPA follow the configuration too", () => {
    const f = file();
    let sb = start(f, "http://a.test", { merchantName: "Chai Shop" });
    expect(sb.merchant().name).toBe("Chai Shop");
    sb = restart(sb, f, "http://a.test", { merchantName: "Diya Shop", payeeVpa: "diya@hdfcbank" });
    expect(sb.merchant()).toEqual({ name: "Diya Shop", vpa: "diya@hdfcbank" });
  });

  it("a value set through PATCH /sandbox/control/settings is recorded as overridden and kept across starts", async () => {
    const f = file();
    let sb = start(f, "http://localhost:3000");
    const res = await routeSandbox(
      sb,
      new Request("http://localhost:3000/sandbox/control/settings", {
        method: "PATCH",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ merchant_name: "Tea Stall", webhook: { url: "https://hooks.example/plural" } }),
      }),
    );
    expect(res.status).toBe(200);
    expect(sb.settingsOverridden().sort()).toEqual(["merchant_name", "webhook.url"]);
    sb = restart(sb, f, "http://127.0.0.1:3999");
    expect(sb.settings.webhook.url).toBe("https://hooks.example/plural");
    expect(sb.merchant().name).toBe("Tea Stall");
    expect(sb.merchant().vpa).toBe("plural.sandbox@hdfcbank"); // not overridden: still the environment's
    const state = (await (await routeSandbox(sb, new Request("http://localhost/sandbox/control/state"))).json()) as { settings_overridden: string[] };
    expect(state.settings_overridden.sort()).toEqual(["merchant_name", "webhook.url"]);
  });

  it("a reset without keep_settings forgets the overrides: the environment rules again", () => {
    const f = file();
    let sb = start(f, "http://localhost:3000");
    sb.updateSettings({ webhook: { url: "https://hooks.example/plural" } });
    sb.reset(true);
    expect(sb.settings.webhook.url).toBe("https://hooks.example/plural");
    sb.reset(false);
    expect(sb.settingsOverridden()).toEqual([]);
    sb = restart(sb, f, "http://127.0.0.1:3001");
    expect(sb.settings.webhook.url).toBe("http://127.0.0.1:3001/api/plural/webhook");
  });
});

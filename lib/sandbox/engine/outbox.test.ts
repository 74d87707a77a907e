/** An undeliverable webhook is visible (read model, control API) and warned about once a minute per URL. */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { log } from "../../log";
import { routeSandbox } from "../http";
import { testConfig } from "@/lib/testing/sandbox";
import { Sandbox } from "./index";

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

let receiver: Server | undefined;
let answer = 500;
async function startReceiver(): Promise<string> {
  receiver = createServer((req, res) => {
    req.resume();
    req.on("end", () => res.writeHead(answer).end());
  });
  await new Promise<void>((r) => receiver!.listen(0, "127.0.0.1", r));
  return `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
}

let now = Date.parse("2026-03-01T00:00:00Z");
let sb: Sandbox;
let warn: { mock: { calls: unknown[][] } };
beforeEach(() => {
  warn = vi.spyOn(log, "warn").mockImplementation(() => {});
});
afterEach(async () => {
  sb?.close();
  vi.restoreAllMocks();
  if (receiver) await new Promise<void>((r) => receiver!.close(() => r()));
  receiver = undefined;
});

function paidOrder(i: number) {
  const { order } = sb.createOrder({ merchant_order_reference: `w_${i}_${now}`, order_amount: { value: 1100, currency: "INR" } });
  const { order: paying } = sb.createPayment(
    order.order_id,
    { merchant_payment_reference: `wp_${i}_${now}`, amount: 1100, txn_mode: "INTENT", upi_qr: false },
    "h",
  );
  sb.approve(paying.payments[0]!.id);
}
const warningsFor = (url: string) => warn.mock.calls.filter((call: unknown[]) => (call[1] as { url?: string } | undefined)?.url === url);

describe("undeliverable webhooks", () => {
  it("connection refused: failing with the URL and the last error, one warning per URL per minute", async () => {
    const appUrl = `http://127.0.0.1:${await closedPort()}`;
    const url = `${appUrl}/api/plural/webhook`;
    sb = new Sandbox(testConfig({ appUrl, now: () => now }));
    sb.updateSettings({ webhook: { retries: 2, retry_base_ms: 0 } });
    expect(sb.webhookHealth()).toMatchObject({ url, state: "idle" });

    for (let i = 0; i < 3; i++) paidOrder(i);
    await sb.flush();
    const health = sb.webhookHealth();
    expect(health).toMatchObject({
      url,
      state: "failing",
      undelivered: 3,
      last_error: { error: expect.stringContaining("ECONNREFUSED"), event_type: "ORDER_PROCESSED" },
    });
    expect(sb.webhookLog().every((d) => d.state === "failed" && d.attempts.length === 3 && d.attempts.every((a) => a.url === url))).toBe(true);
    // 9 failed attempts, one warning.
    expect(warningsFor(url)).toHaveLength(1);
    expect(warningsFor(url)[0]![1]).toMatchObject({ url, error: expect.stringContaining("ECONNREFUSED") });

    // The control API and the dashboard's read model say the same.
    const res = await routeSandbox(sb, new Request("http://x/sandbox/control/webhooks"));
    expect(((await res.json()) as { health: unknown }).health).toEqual(health);
    expect(sb.dashboard().webhooks.health).toEqual(health);

    now += 61_000;
    paidOrder(3);
    await sb.flush();
    expect(warningsFor(url)).toHaveLength(2);
    expect(warningsFor(url)[1]![1]).toMatchObject({ failures_since_last_warning: 8 });
  });

  it("non-2xx answers: retrying while retries remain, failing after; fine again once the store answers 2xx", async () => {
    const appUrl = await startReceiver();
    const url = `${appUrl}/api/plural/webhook`;
    answer = 503;
    sb = new Sandbox(testConfig({ appUrl, now: () => now }));
    sb.updateSettings({ webhook: { retries: 1, retry_base_ms: 30_000 } });
    paidOrder(1);
    await sb.tick();
    expect(sb.webhookHealth()).toMatchObject({ state: "retrying", last_error: { error: "HTTP 503" }, undelivered: 0 });
    now += 30_000; // the retry is due; still within the minute of the first warning
    await sb.flush();
    expect(sb.webhookHealth()).toMatchObject({ state: "failing", undelivered: 1 });
    expect(warningsFor(url)).toHaveLength(1);

    answer = 200;
    paidOrder(2);
    await sb.flush();
    expect(sb.webhookHealth()).toMatchObject({ url, state: "ok", undelivered: 0 });
    expect(sb.webhookHealth().last_error).toBeUndefined();
  });

  it("warns for each failing URL separately", async () => {
    const a = `http://127.0.0.1:${await closedPort()}/a`;
    const b = `http://127.0.0.1:${await closedPort()}/b`;
    sb = new Sandbox(testConfig({ now: () => now }));
    sb.updateSettings({ webhook: { url: a, retries: 0 } });
    paidOrder(1);
    await sb.flush();
    sb.updateSettings({ webhook: { url: b } });
    paidOrder(2);
    paidOrder(3);
    await sb.flush();
    expect(warningsFor(a)).toHaveLength(1);
    expect(warningsFor(b)).toHaveLength(1);
    expect(sb.webhookHealth()).toMatchObject({ url: b, undelivered: 2 });
  });
});

/** The state file: the same state after a restart, at most the debounce window lost in a crash, old and broken files handled. */
import { appendFileSync, copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { log } from "../../log";
import { testConfig } from "@/lib/testing/sandbox";
import { Sandbox } from "./index";

let dir: string;
let file: string;
const open: Sandbox[] = [];
const start = (overrides: Parameters<typeof testConfig>[0] = {}) => {
  const sb = new Sandbox(testConfig({ stateFile: file, ...overrides }));
  open.push(sb);
  return sb;
};
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), "sbx-journal-"));
  file = path.join(dir, "state.json");
});
afterEach(() => {
  for (const sb of open.splice(0)) sb.close();
  vi.restoreAllMocks();
});

/** Orders in every state: paid, declined, refunded, pending collect, with webhooks, a fault, a token and changed settings. */
async function populate(sb: Sandbox, n = 30) {
  sb.updateSettings({ payment_expiry_seconds: 600, webhook: { url: "http://127.0.0.1:9/hook", retries: 0 } });
  sb.issueToken(testConfig().clientId, testConfig().clientSecret);
  sb.addFault({ endpoint: "getOrder", kind: "status", status: 503, remaining: 2 });
  for (let i = 0; i < n; i++) {
    const { order } = sb.createOrder({ merchant_order_reference: `o_${i}`, order_amount: { value: 10_000 + i, currency: "INR" } });
    const { order: paying } = sb.createPayment(
      order.order_id,
      { merchant_payment_reference: `p_${i}`, amount: 10_000 + i, txn_mode: "COLLECT", upi_qr: false, vpa: `payer${i % 3}@okaxis` },
      `h${i}`,
    );
    const paymentId = paying.payments[0]!.id;
    if (i % 3 === 0) {
      sb.approve(paymentId);
      if (i % 2 === 0) sb.refund(order.order_id, { merchant_order_reference: `r_${i}`, amount: 500 }, `rh${i}`);
    } else if (i % 3 === 1) sb.decline(paymentId);
  }
}

/** Everything the control API can see. */
const visible = (sb: Sandbox) => ({ ...sb.snapshot(), webhook_health: undefined, overridden: sb.settingsOverridden() });

describe("state file", () => {
  it("a restart from the file gives the same state, after the journal and after a compaction", async () => {
    const a = start();
    await populate(a);
    await a.persisted();
    const before = visible(a);
    a.close();
    expect(visible(start())).toEqual(before);

    const b = open.at(-1)!;
    await b.compactStateFile();
    expect(b.persistenceStats().compactions).toBe(1);
    b.close();
    expect(visible(start())).toEqual(before);
    // The compacted file is one line per live record.
    const lines = readFileSync(file, "utf8").trim().split("\n");
    expect(lines.length).toBe(4 + before.orders.length + before.webhooks.length);
  });

  it("close() writes what is still waiting for the debounce, synchronously", () => {
    const a = start();
    a.createOrder({ merchant_order_reference: "just-before-close", order_amount: { value: 100, currency: "INR" } });
    a.close();
    expect(start().orderByReference("just-before-close").merchant_order_reference).toBe("just-before-close");
  });

  it("writes off the request path: the answer comes first, the file follows within the debounce window", async () => {
    const a = start();
    await a.persisted();
    const size = readFileSync(file).length;
    a.createOrder({ merchant_order_reference: "later", order_amount: { value: 100, currency: "INR" } });
    expect(readFileSync(file).length).toBe(size); // nothing written synchronously
    await vi.waitFor(() => expect(readFileSync(file, "utf8")).toContain('"later"'), { timeout: 2000, interval: 5 });
  });

  it("a crash loses at most what changed within the debounce window", async () => {
    const a = start();
    await populate(a, 10);
    await a.persisted();
    const settled = visible(a);
    a.createOrder({ merchant_order_reference: "in-the-window", order_amount: { value: 100, currency: "INR" } });
    // The disk as a crash (SIGKILL) right now would leave it:
    const crashed = path.join(dir, "crashed.json");
    copyFileSync(file, crashed);
    const b = new Sandbox(testConfig({ stateFile: crashed }));
    open.push(b);
    expect(visible(b)).toEqual(settled);
    // Once the window has passed, the change is on disk too.
    await a.persisted();
    const later = path.join(dir, "later.json");
    copyFileSync(file, later);
    const c = new Sandbox(testConfig({ stateFile: later }));
    open.push(c);
    expect(c.orderByReference("in-the-window").order_amount.value).toBe(100);
  });

  it("a torn last line (a crash mid-write) is ignored", async () => {
    const a = start();
    await populate(a, 5);
    await a.persisted();
    const before = visible(a);
    a.close();
    appendFileSync(file, '{"k":"order","r":999999,"v":{"order_id":"v1-x","merch');
    expect(visible(start())).toEqual(before);
  });

  it("reset is journaled: a restart after a reset has no old orders", async () => {
    const a = start();
    await populate(a, 5);
    a.reset();
    a.createOrder({ merchant_order_reference: "after-reset", order_amount: { value: 100, currency: "INR" } });
    await a.persisted();
    a.close();
    const b = start();
    expect(b.orderList().map((o) => o.merchant_order_reference)).toEqual(["after-reset"]);
    expect(b.faults()).toEqual([]);
  });

  it("a corrupted file: a fresh start, a warning, and the file kept aside", () => {
    writeFileSync(file, "{ this is not json");
    const warn = vi.spyOn(log, "warn").mockImplementation(() => {});
    const sb = start();
    expect(sb.orderList()).toEqual([]);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining("unreadable"), expect.objectContaining({ file }));
    expect(readdirSync(dir).some((f) => f.startsWith("state.json.corrupt-"))).toBe(true);
    sb.createOrder({ merchant_order_reference: "fresh", order_amount: { value: 100, currency: "INR" } });
    sb.close();
    expect(start().orderByReference("fresh")).toBeTruthy();
  });

  it("reads a version 1 file (one JSON document) and converts it", async () => {
    const t = Date.parse("2026-01-01T00:00:00Z");
    const order = {
      order_id: "v1-260101000000-aa-OLD001",
      merchant_order_reference: "from-v1",
      request_hash: "h",
      type: "CHARGE",
      status: "PENDING",
      order_amount: { value: 34900, currency: "INR" },
      pre_auth: false,
      payment_retries_remaining: 3,
      payments: [
        {
          id: "v1-260101000000-aa-OLD001-up-a",
          merchant_payment_reference: "pay-v1",
          request_hash: "h",
          status: "PENDING",
          amount: { value: 34900, currency: "INR" },
          txn_mode: "COLLECT",
          upi_qr: false,
          payer_vpa: "old@okaxis",
          tr: "100007",
          link: "upi://pay?tr=100007",
          created_at: t,
          updated_at: t,
          expires_at: t + 10 * 365 * 86_400_000,
        },
      ],
      refund_ids: [],
      refunded: 0,
      created_at: t,
      updated_at: t,
    };
    const settings = { payment_expiry_seconds: 42, webhook: { url: "http://localhost:3000/api/plural/webhook", retries: 2 } };
    const delivery = {
      id: "msg_1",
      event_type: "ORDER_PROCESSED",
      order_id: order.order_id,
      body: "{}",
      state: "delivered",
      attempts: [],
      next_at: t,
      created_at: t,
    };
    writeFileSync(
      file,
      JSON.stringify({
        version: 1,
        orders: { [order.order_id]: order },
        order_refs: { "from-v1": order.order_id },
        refund_refs: {},
        tokens: {},
        deliveries: [delivery],
        faults: [],
        settings,
        seq: 7,
      }),
    );
    const sb = start({ appUrl: "http://127.0.0.1:4321" });
    expect(sb.orderByReference("from-v1").order_id).toBe(order.order_id);
    expect(sb.collectInbox("old@okaxis").map((p) => p.id)).toEqual([order.payments[0]!.id]);
    expect(sb.webhookLog()).toHaveLength(1);
    expect(sb.settings.payment_expiry_seconds).toBe(42);
    expect(sb.settings.webhook.retries).toBe(2);
    // The v1 file stored the webhook URL of its first start; the environment wins now.
    expect(sb.settings.webhook.url).toBe("http://127.0.0.1:4321/api/plural/webhook");
    // Converted at start-up, before anything is appended to the old document.
    expect(readFileSync(file, "utf8").split("\n")[0]).toContain('"k":"meta"');
    sb.close();
    expect(start().orderByReference("from-v1").order_id).toBe(order.order_id);
  });

  it("without a state file nothing is written", () => {
    const sb = new Sandbox(testConfig());
    open.push(sb);
    sb.createOrder({ merchant_order_reference: "memory", order_amount: { value: 100, currency: "INR" } });
    sb.close();
    expect(existsSync(file)).toBe(false);
  });
});

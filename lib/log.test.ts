import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createPino, wrap } from "./log";
import { redactDeep, redactText } from "./redact";
import { runWithRequestId, withRequestId } from "./request-context";

function memoryLogger() {
  const lines: Array<Record<string, unknown>> = [];
  const raw: string[] = [];
  const pino = createPino({
    destination: {
      write(s: string) {
        raw.push(s);
        lines.push(JSON.parse(s));
      },
    },
  });
  return { log: wrap(() => pino), lines, raw };
}

let level: string | undefined;
beforeEach(() => {
  level = process.env.LOG_LEVEL;
  process.env.LOG_LEVEL = "info";
});
afterEach(() => {
  process.env.LOG_LEVEL = level;
});

describe("log", () => {
  it("writes one JSON object per line: level, ISO time, msg, then the fields", () => {
    const { log, lines, raw } = memoryLogger();
    log.info("checkout.placed", { orderId: "o1", amountInPaise: 34900 });
    expect(raw[0]!.endsWith("\n")).toBe(true);
    expect(lines[0]).toMatchObject({ level: "info", msg: "checkout.placed", orderId: "o1", amountInPaise: 34900 });
    expect(new Date(lines[0]!.time as string).toISOString()).toBe(lines[0]!.time);
  });

  it("honours LOG_LEVEL at every call", () => {
    const { log, lines } = memoryLogger();
    process.env.LOG_LEVEL = "warn";
    log.info("quiet");
    log.warn("loud");
    process.env.LOG_LEVEL = "silent";
    log.error("gone");
    expect(lines.map((l) => l.msg)).toEqual(["loud"]);
  });

  it("redacts secrets, tokens, signatures, UPI IDs, phone numbers and e-mails at any depth, in objects and arrays", () => {
    const { log, raw } = memoryLogger();
    const jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl";
    log.warn("webhook.rejected", {
      headers: { authorization: `Bearer ${jwt}`, "webhook-signature": "v1,abcdef==", accept: "application/json" },
      order: {
        purchase_details: { customer: { email_id: "asha@example.com", mobile_number: "9876543210", first_name: "Asha" } },
        payments: [{ id: "p1", payment_option: { upi_data: { payer: { vpa: "asha@okicici", phone_number: "919999999999" } } } }],
      },
      list: [[{ client_secret: "s3cr3t" }], "reach me at +91 98765 43210 or asha@example.com", "9876543210"],
      error: new Error(`Plural refused token ${jwt} for asha@okicici`),
      note: `Bearer ${jwt}`,
    });
    const text = raw.join("");
    for (const secret of [jwt, "abcdef==", "asha@example.com", "9876543210", "asha@okicici", "919999999999", "s3cr3t", "98765 43210"]) {
      expect(text, secret).not.toContain(secret);
    }
    const line = JSON.parse(raw[0]!);
    expect(line.headers.accept).toBe("application/json");
    expect(line.order.purchase_details.customer.first_name).toBe("Asha");
    expect(line.order.payments[0].id).toBe("p1");
    expect(line.list[0][0].client_secret).toBe("[redacted]");
    expect(line.error.message).toContain("[redacted-token]");
  });

  it("keeps what is not personal: UTRs, order ids, amounts, URLs without users", () => {
    expect(redactDeep({ utr: "410092786849", orderId: "v1-241008182747-aa-8JwMy9", url: "https://example.com/a?b=1", amount: 100 })).toEqual({
      utr: "410092786849",
      orderId: "v1-241008182747-aa-8JwMy9",
      url: "https://example.com/a?b=1",
      amount: 100,
    });
    expect(redactText("order v1-1 paid")).toBe("order v1-1 paid");
  });

  it("survives cycles and very deep values", () => {
    const a: Record<string, unknown> = { name: "a" };
    a.self = a;
    let deep: Record<string, unknown> = { leaf: true };
    for (let i = 0; i < 20; i++) deep = { deep };
    expect(() => JSON.stringify(redactDeep({ a, deep }))).not.toThrow();
    expect((redactDeep(a) as Record<string, unknown>).self).toBe("[circular]");
  });

  it("carries the request id on every line written while a request runs", async () => {
    const { log, lines } = memoryLogger();
    log.info("outside");
    await runWithRequestId("req-12345678", async () => {
      log.info("inside");
      await new Promise((r) => setTimeout(r, 1));
      log.warn("later, still inside");
    });
    expect(lines.map((l) => [l.msg, l.requestId])).toEqual([
      ["outside", undefined],
      ["inside", "req-12345678"],
      ["later, still inside", "req-12345678"],
    ]);
  });
});

describe("withRequestId", () => {
  const handler = withRequestId(async () => {
    const { currentRequestId } = await import("./request-context");
    return Response.json({ seen: currentRequestId() });
  });

  it("keeps a valid incoming x-request-id and answers with it", async () => {
    const res = await handler(new Request("http://x/", { headers: { "x-request-id": "lb-0123456789abcdef" } }));
    expect(res.headers.get("x-request-id")).toBe("lb-0123456789abcdef");
    expect(await res.json()).toEqual({ seen: "lb-0123456789abcdef" });
  });

  it("makes one when the incoming id is missing or not acceptable", async () => {
    for (const bad of [undefined, "short", "has spaces in it", "x".repeat(200), "<script>alert(1)</script>"]) {
      const res = await handler(new Request("http://x/", { headers: bad ? { "x-request-id": bad } : {} }));
      const id = res.headers.get("x-request-id")!;
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
      expect(await res.json()).toEqual({ seen: id });
    }
  });

  it("works on a redirect's immutable headers", async () => {
    const res = await withRequestId(async () => Response.redirect("http://x/next", 303))(new Request("http://x/"));
    expect(res.status).toBe(303);
    expect(res.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });
});

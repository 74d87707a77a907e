/** Retries, timeouts and how every failure becomes a PluralError. */
import { describe, expect, it } from "vitest";
import { rejection } from "./testing/rejection";
import { sendJson, sequence } from "./testing/scripted-server";
import { ok, orderPath, scriptedPlural } from "./testing/scripted-plural";
import { createPluralClient } from "./client";
import { ERROR_CODES } from "./constants";

const fake = scriptedPlural();

describe("retries", () => {
  for (const status of [429, 502, 503, 504]) {
    it(`retries a GET on ${status} and succeeds`, async () => {
      fake.server.on(
        "GET",
        orderPath,
        sequence(
          (_q, res) => sendJson(res, status, { code: "X", message: "try later" }),
          (_q, res) => sendJson(res, status, { code: "X", message: "again" }),
          ok(),
        ),
      );
      const c = fake.client();
      const order = await c.getOrder("v1-1");
      expect(order.status).toBe("CREATED");
      expect(fake.server.count("GET", orderPath)).toBe(3);
      expect(c.delays.length).toBe(2);
    });
  }

  it("stops after 3 retries and reports a retryable error", async () => {
    fake.server.on("GET", orderPath, (_q, res) => sendJson(res, 503, { code: "INTERNAL_ERROR", message: "Payment processor is unavailable" }));
    const c = fake.client();
    const e = await rejection(c.getOrder("v1-1"));
    expect(fake.server.count("GET", orderPath)).toBe(4);
    expect(e).toMatchObject({ status: 503, code: "INTERNAL_ERROR", retryable: true, kind: "http" });
    expect(e.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("backs off exponentially with jitter and honours Retry-After", async () => {
    fake.server.on("GET", orderPath, (_q, res) => sendJson(res, 429, { code: "API_RATE_LIMIT", message: "slow down" }, { "retry-after": "2" }));
    const c = fake.client({ random: () => 0.5, retry: { baseDelayMs: 100, maxDelayMs: 10_000 } });
    await rejection(c.getOrder("v1-1"));
    expect(c.delays).toEqual([2000, 2000, 2000]);
    const d = fake.client({ random: () => 1, retry: { baseDelayMs: 100, maxDelayMs: 300 } });
    fake.server.reset();
    fake.server.on("POST", "/api/auth/v1/token", (_q, res) => sendJson(res, 200, { access_token: "t", expires_in: 3600 }));
    fake.server.on("GET", orderPath, (_q, res) => sendJson(res, 502, {}));
    await rejection(d.getOrder("v1-1"));
    expect(d.delays).toEqual([100, 200, 300]);
  });

  it("does not retry a 500 or a 4xx", async () => {
    fake.server.on("GET", orderPath, (_q, res) => sendJson(res, 500, { code: "INTERNAL_ERROR", message: "Internal Server Error" }));
    await rejection(fake.client().getOrder("v1-1"));
    expect(fake.server.count("GET", orderPath)).toBe(1);
  });

  it("retries idempotent writes (create order carries its merchant reference)", async () => {
    fake.server.on(
      "POST",
      "/api/pay/v1/orders",
      sequence((_q, res) => sendJson(res, 502, {}), ok()),
    );
    await fake.client().createOrder({ merchant_order_reference: "ref-1", order_amount: { value: 1100, currency: "INR" } });
    expect(fake.server.count("POST", "/api/pay/v1/orders")).toBe(2);
    const bodies = fake.server.requests.filter((r) => r.path === "/api/pay/v1/orders").map((r) => r.body);
    expect(bodies[0]).toBe(bodies[1]);
  });

  it("never retries cancel (not idempotent)", async () => {
    fake.server.on("PUT", "/api/pay/v1/orders/v1-1/cancel", (_q, res) => sendJson(res, 503, {}));
    await rejection(fake.client().cancel("v1-1"));
    expect(fake.server.count("PUT", "/api/pay/v1/orders/v1-1/cancel")).toBe(1);
  });

  it("times out a hung request and retries it", async () => {
    fake.server.on(
      "GET",
      orderPath,
      sequence(() => {}, ok()),
    );
    const c = fake.client({ timeoutMs: 200 });
    const order = await c.getOrder("v1-1");
    expect(order.order_id).toBeDefined();
    expect(fake.server.count("GET", orderPath)).toBe(2);
  });

  it("reports a timeout when every attempt hangs", async () => {
    fake.server.on("GET", orderPath, () => {});
    const c = fake.client({ timeoutMs: 150, retry: { retries: 1 } });
    const e = await rejection(c.getOrder("v1-1"));
    expect(e).toMatchObject({ kind: "timeout", code: "TIMEOUT", status: 0, retryable: true });
    expect(fake.server.count("GET", orderPath)).toBe(2);
  });

  it("reports a network error when nothing listens, after retrying", async () => {
    const c = createPluralClient({ baseUrl: "http://127.0.0.1:9", clientId: "x", clientSecret: "y", sleep: async () => {} });
    const e = await rejection(c.getToken());
    expect(e).toMatchObject({ kind: "network", code: "NETWORK_ERROR", retryable: true });
  });
});

describe("error mapping", () => {
  for (const [code, status] of Object.entries(ERROR_CODES)) {
    it(`maps ${status} ${code}`, async () => {
      fake.server.on("GET", orderPath, (_q, res) => sendJson(res, status, { code, message: `message for ${code}` }));
      const e = await rejection(fake.client({ retry: { retries: 0 } }).getOrder("v1-1"));
      expect(e.status).toBe(status);
      expect(e.code).toBe(code);
      expect(e.message).toContain(`message for ${code}`);
      expect(e.kind).toBe("http");
    });
  }

  it("treats ORDER_NOT_FOUND as not-found whether it comes as 404 or 422", async () => {
    fake.server.on("GET", "/api/pay/v1/orders/a", (_q, res) =>
      sendJson(res, 404, { code: "ORDER_NOT_FOUND", message: "No order with specified order-id exists in the system" }),
    );
    fake.server.on("GET", "/api/pay/v1/orders/b", (_q, res) =>
      sendJson(res, 422, { code: "ORDER_NOT_FOUND", message: "No order with specified order-id exists in the system" }),
    );
    const c = fake.client();
    expect((await rejection(c.getOrder("a"))).isNotFound).toBe(true);
    expect((await rejection(c.getOrder("b"))).isNotFound).toBe(true);
  });

  it("a 404 without Plural's ORDER_NOT_FOUND (a proxy's HTML page, an empty body, a gateway's own JSON) is an upstream fault", async () => {
    fake.server.on("GET", "/api/pay/v1/orders/html", (_q, res) => {
      res.writeHead(404, { "content-type": "text/html" });
      res.end("<html><head><title>404 Not Found</title></head><body><center><h1>404 Not Found</h1></center><hr><center>nginx</center></body></html>");
    });
    fake.server.on("GET", "/api/pay/v1/orders/bare", (_q, res) => {
      res.writeHead(404);
      res.end();
    });
    fake.server.on("GET", "/api/pay/v1/orders/gateway", (_q, res) => sendJson(res, 404, { code: "NOT_FOUND", message: "Not Found" }));
    fake.server.on("GET", "/api/pay/v1/orders/html502", (_q, res) => {
      res.writeHead(502, { "content-type": "text/html" });
      res.end("<html><body><h1>502 Bad Gateway</h1></body></html>");
    });
    const c = fake.client({ retry: { retries: 0 } });
    for (const id of ["html", "bare", "gateway"]) {
      const e = await rejection(c.getOrder(id));
      expect(e, id).toMatchObject({ kind: "http", status: 404, retryable: true });
      expect(e.isNotFound, id).toBe(false);
      expect(e.code, id).not.toBe("ORDER_NOT_FOUND");
    }
    const html = await rejection(c.getOrder("html"));
    expect(html.code).toBe("HTTP_404");
    expect(html.message).toContain("without its JSON error");
    expect(await rejection(c.getOrder("html502"))).toMatchObject({ status: 502, code: "HTTP_502", retryable: true });
  });

  it("keeps VPAs and tokens out of error messages", async () => {
    fake.server.on("GET", orderPath, (_q, res) =>
      sendJson(res, 422, { code: "INVALID_USER_ACCOUNT", message: "VPA kevin.bob@okicici invalid for Bearer abc.def.ghi" }),
    );
    const e = await rejection(fake.client().getOrder("v1-1"));
    expect(e.message).not.toContain("kevin.bob@okicici");
    expect(e.message).not.toContain("abc.def.ghi");
  });

  it("rejects an answer that is not JSON or not an order", async () => {
    fake.server.on("GET", orderPath, (_q, res) => {
      res.writeHead(200, { "content-type": "text/html" });
      res.end("<html>");
    });
    expect((await rejection(fake.client().getOrder("v1-1"))).code).toBe("INVALID_RESPONSE");
    fake.server.on("GET", orderPath, (_q, res) => sendJson(res, 200, { data: { nope: true } }));
    expect((await rejection(fake.client().getOrder("v1-1"))).code).toBe("INVALID_RESPONSE");
  });
});

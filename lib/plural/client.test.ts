/** The client's token cache and the headers it sends, against a scripted Plural on 127.0.0.1. */
import { describe, expect, it } from "vitest";
import { rejection } from "./testing/rejection";
import { sendJson, sequence } from "./testing/scripted-server";
import { ok, orderPath, scriptedPlural, SECRET } from "./testing/scripted-plural";
import { DOC_CREATE_ORDER_RESPONSE } from "./testing/doc-samples";

const fake = scriptedPlural();

describe("token", () => {
  it("is requested with client_credentials and cached across calls", async () => {
    fake.server.on("GET", orderPath, ok());
    const c = fake.client();
    await c.getOrder("v1-1");
    await c.getOrder("v1-1");
    expect(fake.server.count("POST", "/api/auth/v1/token")).toBe(1);
    const tokenReq = fake.server.requests.find((r) => r.path === "/api/auth/v1/token")!;
    expect(tokenReq.json).toEqual({ client_id: "client-1", client_secret: SECRET, grant_type: "client_credentials" });
    const orderReqs = fake.server.requests.filter((r) => r.path === orderPath);
    expect(orderReqs.map((r) => r.headers.authorization)).toEqual(["Bearer tok-1", "Bearer tok-1"]);
  });

  it("makes exactly one token request for 100 concurrent calls on a cold cache", async () => {
    fake.server.on("POST", "/api/auth/v1/token", async (_req, res) => {
      await new Promise((r) => setTimeout(r, 50));
      sendJson(res, 200, { access_token: "tok-slow", expires_in: 3600 });
    });
    fake.server.on("GET", orderPath, ok());
    const c = fake.client();
    await Promise.all(Array.from({ length: 100 }, () => c.getOrder("v1-1")));
    expect(fake.server.count("POST", "/api/auth/v1/token")).toBe(1);
    expect(fake.server.count("GET", orderPath)).toBe(100);
    expect(c.tokenRequestCount).toBe(1);
  });

  it("is refreshed shortly before expires_in runs out", async () => {
    let now = 1_000_000;
    fake.server.on("POST", "/api/auth/v1/token", (_q, res) => sendJson(res, 200, { access_token: `t${fake.nextToken()}`, expires_in: 600 }));
    const c = fake.client({ now: () => now });
    expect(await c.getToken()).toBe("t1");
    now += 500_000; // 100 s left: still good (skew is 60 s)
    expect(await c.getToken()).toBe("t1");
    now += 50_000; // 50 s left: refresh
    expect(await c.getToken()).toBe("t2");
  });

  it("accepts expires_at instead of expires_in", async () => {
    let now = Date.parse("2026-01-01T00:00:00.000Z");
    fake.server.on("POST", "/api/auth/v1/token", (_q, res) =>
      sendJson(res, 200, { access_token: `t${fake.nextToken()}`, expires_at: "2026-01-01T00:10:00.000000Z" }),
    );
    const c = fake.client({ now: () => now });
    expect(await c.getToken()).toBe("t1");
    now += 9 * 60_000 - 1; // within skew of expiry (60 s before 10 min)
    expect(await c.getToken()).toBe("t1");
    now += 2;
    expect(await c.getToken()).toBe("t2");
  });

  it("falls back to 3600 s when the answer has no expiry", async () => {
    let now = 0;
    fake.server.on("POST", "/api/auth/v1/token", (_q, res) => sendJson(res, 200, { access_token: `t${fake.nextToken()}` }));
    const c = fake.client({ now: () => now });
    await c.getToken();
    now = 3_500_000;
    expect(await c.getToken()).toBe("t1");
    now = 3_541_000;
    expect(await c.getToken()).toBe("t2");
  });

  it("refreshes the token once on a 401 and retries the call once", async () => {
    fake.server.on("GET", orderPath, (req, res) =>
      req.headers.authorization === "Bearer tok-1"
        ? sendJson(res, 401, { code: "UNAUTHORIZED", message: "Unauthorized" })
        : sendJson(res, 200, DOC_CREATE_ORDER_RESPONSE),
    );
    const c = fake.client();
    const order = await c.getOrder("v1-1");
    expect(order.order_id).toBe("v1-4405071524-aa-qlAtAf");
    expect(fake.server.count("POST", "/api/auth/v1/token")).toBe(2);
    expect(fake.server.requests.filter((r) => r.path === orderPath).map((r) => r.headers.authorization)).toEqual(["Bearer tok-1", "Bearer tok-2"]);
  });

  it("gives up after one refresh when the API keeps answering 401", async () => {
    fake.server.on("GET", orderPath, (_q, res) => sendJson(res, 401, { code: "UNAUTHORIZED", message: "Unauthorized" }));
    const c = fake.client();
    const e = await rejection(c.getOrder("v1-1"));
    expect(e.status).toBe(401);
    expect(e.code).toBe("UNAUTHORIZED");
    expect(fake.server.count("GET", orderPath)).toBe(2);
    expect(fake.server.count("POST", "/api/auth/v1/token")).toBe(2);
  });

  it("reports bad credentials as UNAUTHORIZED without echoing the secret", async () => {
    const c = fake.client({ clientSecret: "wrong-secret-123" });
    const e = await rejection(c.getToken());
    expect(e.status).toBe(401);
    expect(e.code).toBe("UNAUTHORIZED");
    expect(JSON.stringify(e) + e.message + e.stack).not.toContain("wrong-secret-123");
  });
});

describe("headers", () => {
  it("sends Bearer, a UUID Request-ID and an ISO Request-Timestamp on every call, a new Request-ID per attempt", async () => {
    fake.server.on(
      "GET",
      orderPath,
      sequence((_q, res) => sendJson(res, 503, { code: "INTERNAL_ERROR", message: "busy" }), ok()),
    );
    await fake.client().getOrder("v1-1");
    const calls = fake.server.requests;
    expect(calls.length).toBe(3);
    for (const r of calls) {
      expect(r.headers["request-id"]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(r.headers["request-timestamp"]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    }
    expect(new Set(calls.map((r) => r.headers["request-id"])).size).toBe(3);
    expect(calls[0]!.headers.authorization).toBeUndefined();
    expect(calls[1]!.headers.authorization).toBe("Bearer tok-1");
  });
});

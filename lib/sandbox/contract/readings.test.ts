/** The contract suite (harness.ts), part: What the sandbox (or UAT) answers where Plural's documents disagree, seen from outside; and the token endpoint. */
import { mkdirSync, writeFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { READINGS } from "../engine";
import { TEST_CREDENTIALS } from "@/lib/testing/sandbox";
import { UAT, sandboxOnly, sb, client, baseUrl, reading, notFoundStatus, pay, ref, newOrder, raw, waitFor, underEachProfile } from "./harness";

/**
 * Each reading (docs/sandbox.md, "Profiles") that can be seen from outside, seen by doing what tells it. In
 * the sandbox each must show its profile's setting; against UAT they are what UAT does, reported at
 * the end (and in test-results/uat-readings.json), so a team learns which profile matches its account.
 */
const OBSERVE: Record<string, () => Promise<unknown>> = {
  async idempotency() {
    const body = { merchant_order_reference: ref(), order_amount: { value: 1100, currency: "INR" } };
    await raw("POST", "/api/pay/v1/orders", body);
    const again = await raw("POST", "/api/pay/v1/orders", body);
    return again.status === 200 ? "replay" : again.body?.code === "DUPLICATE_REQUEST" ? "reject" : `HTTP ${again.status}`;
  },
  async pending_payment_policy() {
    const o = await newOrder(1100);
    const item = () => ({
      payments: [
        {
          merchant_payment_reference: ref("pay"),
          payment_method: "UPI",
          payment_amount: { value: 1100, currency: "INR" },
          payment_option: { upi_details: { txn_mode: "INTENT" } },
        },
      ],
    });
    await raw("POST", `/api/pay/v1/orders/${o.order_id}/payments`, item());
    const second = await raw("POST", `/api/pay/v1/orders/${o.order_id}/payments`, item());
    return second.status === 200 ? "replace" : second.body?.code === "PAYMENT_PENDING" ? "reject" : `HTTP ${second.status} ${second.body?.code}`;
  },
  async payment_response() {
    const o = await newOrder(1100);
    const r = await raw("POST", `/api/pay/v1/orders/${o.order_id}/payments`, {
      payments: [
        {
          merchant_payment_reference: ref("pay"),
          payment_method: "UPI",
          payment_amount: { value: 1100, currency: "INR" },
          payment_option: { upi_details: { txn_mode: "INTENT", upi_qr: true } },
        },
      ],
    });
    return r.body?.data ? "wrapped" : r.body?.payment_id ? "flat" : `HTTP ${r.status}`;
  },
  async pre_auth_upi() {
    const r = await raw("POST", "/api/pay/v1/orders", {
      merchant_order_reference: ref(),
      order_amount: { value: 1100, currency: "INR" },
      pre_auth: true,
      allowed_payment_methods: ["UPI"],
    });
    if (r.status !== 200) return "refused";
    const p = await raw("POST", `/api/pay/v1/orders/${r.body.data.order_id}/payments`, {
      payments: [
        {
          merchant_payment_reference: ref("pay"),
          payment_method: "UPI",
          payment_amount: { value: 1100, currency: "INR" },
          payment_option: { upi_details: { txn_mode: "INTENT" } },
        },
      ],
    });
    return p.status === 200 ? "honoured" : "refused";
  },
  async order_not_found_status() {
    return (await raw("GET", "/api/pay/v1/orders/v1-000000000000-aa-NOPE00")).status;
  },
  async error_body() {
    const res = await fetch(`${baseUrl}/api/pay/v1/no-such-endpoint`, { headers: { authorization: `Bearer ${await client.getToken()}` } });
    const type = res.headers.get("content-type") ?? "";
    await res.body?.cancel();
    return type.includes("json") ? "json" : type.includes("html") ? "html" : `${res.status} ${type}`;
  },
  async cancel_policy() {
    const o = await newOrder(1100);
    await pay(o.order_id, { mode: "INTENT", merchantPaymentReference: ref("pay"), amountInPaise: 1100 });
    const r = await raw("PUT", `/api/pay/v1/orders/${o.order_id}/cancel`);
    return r.status === 200 ? "any_open" : r.body?.code === "OPERATION_NOT_ALLOWED" ? "authorized_only" : `HTTP ${r.status}`;
  },
};
const observed: Record<string, unknown> = {};

underEachProfile(() => {
  describe("readings (what the sandbox, or UAT, answers where the documents disagree)", () => {
    for (const [key, observe] of Object.entries(OBSERVE)) {
      it(key, async () => {
        const seen = await observe();
        if (UAT) observed[key] = seen;
        else expect(seen).toBe(reading(key));
      });
    }
    afterAll(() => {
      if (!UAT) return;
      const rows = READINGS.map((r) => ({
        setting: r.key,
        uat: r.key in observed ? observed[r.key] : "(not observable without forcing an outcome)",
        friendly: r.friendly,
        strict: r.strict,
      }));
      mkdirSync("test-results", { recursive: true });
      writeFileSync("test-results/uat-readings.json", `${JSON.stringify(rows, null, 2)}\n`);
      console.log('\nWhat UAT answered where Plural\'s documents disagree (docs/sandbox.md, "Profiles"):');
      console.table(rows);
    });
  });

  describe("token", () => {
    it("issues a bearer token with expires_in and expires_at", async () => {
      const r = await raw(
        "POST",
        "/api/auth/v1/token",
        {
          client_id: UAT ? process.env.PLURAL_CLIENT_ID : TEST_CREDENTIALS.clientId,
          client_secret: UAT ? process.env.PLURAL_CLIENT_SECRET : TEST_CREDENTIALS.clientSecret,
          grant_type: "client_credentials",
        },
        null,
      );
      expect(r.status).toBe(200);
      expect(r.body.access_token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
      if (!UAT) {
        expect(r.body.expires_in).toBe(3600);
        expect(Date.parse(r.body.expires_at) - Date.now()).toBeGreaterThan(3500_000);
        expect(r.body.data).toBeUndefined();
      }
    });

    it("refuses bad credentials with 401 UNAUTHORIZED", async () => {
      const r = await raw("POST", "/api/auth/v1/token", { client_id: "nobody", client_secret: "wrong", grant_type: "client_credentials" }, null);
      expect(r.status).toBe(401);
      expect(r.body).toMatchObject({ code: "UNAUTHORIZED" });
    });

    sandboxOnly("answers 400 INVALID_REQUEST for a missing field or grant type", async () => {
      expect((await raw("POST", "/api/auth/v1/token", { client_id: "x" }, null)).body.code).toBe("INVALID_REQUEST");
      expect(
        (
          await raw(
            "POST",
            "/api/auth/v1/token",
            { client_id: TEST_CREDENTIALS.clientId, client_secret: TEST_CREDENTIALS.clientSecret, grant_type: "password" },
            null,
          )
        ).status,
      ).toBe(400);
      expect((await raw("POST", "/api/auth/v1/token", "{not json", null)).status).toBe(400);
    });

    it("rejects a missing or unknown token on every other endpoint", async () => {
      expect((await raw("GET", "/api/pay/v1/orders/v1-x", undefined, null)).status).toBe(401);
      expect((await raw("POST", "/api/pay/v1/orders", {}, "not-a-token")).body).toEqual({ code: "UNAUTHORIZED", message: "Unauthorized" });
    });

    sandboxOnly("rejects an expired token; the client refreshes once and carries on", async () => {
      const o = await newOrder();
      const before = client.tokenRequestCount;
      sb.expireTokens();
      expect((await raw("GET", `/api/pay/v1/orders/${o.order_id}`, undefined, await client.getToken())).status).toBe(401);
      expect((await client.getOrder(o.order_id)).order_id).toBe(o.order_id);
      expect(client.tokenRequestCount).toBe(before + 1);
    });

    sandboxOnly("tokens really expire after the configured TTL", async () => {
      sb.updateSettings({ token_ttl_seconds: 1 });
      const r = await raw(
        "POST",
        "/api/auth/v1/token",
        { client_id: TEST_CREDENTIALS.clientId, client_secret: TEST_CREDENTIALS.clientSecret, grant_type: "client_credentials" },
        null,
      );
      expect(r.body.expires_in).toBe(1);
      expect((await raw("GET", "/api/pay/v1/orders/reference/nothing", undefined, r.body.access_token)).status).toBe(notFoundStatus());
      // Once its second is up, the token is refused.
      await waitFor(
        async () => (await raw("GET", "/api/pay/v1/orders/reference/nothing", undefined, r.body.access_token)).status,
        (status) => status === 401,
        3000,
      );
    });
  });
});

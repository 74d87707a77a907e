import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { callbackSigningString, signCallback, signWebhook, verifyCallback, verifyWebhook, webhookHeaders } from "./signature";

describe("webhook signature (Standard Webhooks)", () => {
  it("matches the documented vector (secret abc1234)", () => {
    expect(signWebhook("abc1234", "msg_2nEfCaUDn9fynC9Kz2upo1QSydl", 1728543028, '{"payload":"payload"}')).toBe(
      "v1,Ns46HrH+Nfu9dZtBUVvSLyrOD5JH0SAGlNo3M5yobfQ=",
    );
  });

  it("matches the second vector", () => {
    const body = '{"event_type":"ORDER_PROCESSED","data":{"order_id":"v1-4405071524-aa-qlAtAf","status":"PROCESSED"}}';
    expect(signWebhook("abc1234", "msg_test_0001", 1730000000, body)).toBe("v1,aa8iSixrWJWuMEYZfiGBQwAaqRcIQMtKXqO3tri0kJY=");
  });

  it("base64 format decodes the secret first (YWJjMTIzNA== is abc1234)", () => {
    expect(signWebhook("YWJjMTIzNA==", "msg_2nEfCaUDn9fynC9Kz2upo1QSydl", 1728543028, '{"payload":"payload"}', "base64")).toBe(
      "v1,Ns46HrH+Nfu9dZtBUVvSLyrOD5JH0SAGlNo3M5yobfQ=",
    );
  });

  const now = () => Math.floor(Date.now() / 1000);
  const body = '{"event_type":"ORDER_PROCESSED","data":{"order_id":"v1-1","status":"PROCESSED"}}';

  it("verifies a fresh delivery, from a Headers object or a plain record", () => {
    const h = webhookHeaders("abc1234", "msg_1", now(), body);
    expect(verifyWebhook(body, h, "abc1234")).toMatchObject({ ok: true, id: "msg_1" });
    expect(verifyWebhook(body, new Headers(h), "abc1234").ok).toBe(true);
  });

  it("accepts several space-separated signatures when one matches", () => {
    const h = webhookHeaders("abc1234", "msg_1", now(), body);
    const other = signWebhook("rotated-old-secret", "msg_1", Number(h["webhook-timestamp"]), body);
    expect(verifyWebhook(body, { ...h, "webhook-signature": `${other} ${h["webhook-signature"]}` }, "abc1234").ok).toBe(true);
    expect(verifyWebhook(body, { ...h, "webhook-signature": `v2,abc ${other}` }, "abc1234")).toMatchObject({ ok: false, reason: "bad_signature" });
  });

  it("rejects every single-field change", () => {
    const ts = now();
    const h = webhookHeaders("abc1234", "msg_1", ts, body);
    expect(verifyWebhook(body.replace("PROCESSED", "PROCESSEd"), h, "abc1234")).toMatchObject({ ok: false, reason: "bad_signature" });
    expect(verifyWebhook(body + " ", h, "abc1234")).toMatchObject({ ok: false, reason: "bad_signature" });
    expect(verifyWebhook(body, { ...h, "webhook-id": "msg_2" }, "abc1234")).toMatchObject({ ok: false, reason: "bad_signature" });
    expect(verifyWebhook(body, { ...h, "webhook-timestamp": String(ts + 1) }, "abc1234")).toMatchObject({ ok: false, reason: "bad_signature" });
    expect(verifyWebhook(body, h, "abc1235")).toMatchObject({ ok: false, reason: "bad_signature" });
    const sig = h["webhook-signature"];
    const flipped = sig.slice(0, 10) + (sig[10] === "A" ? "B" : "A") + sig.slice(11);
    expect(verifyWebhook(body, { ...h, "webhook-signature": flipped }, "abc1234")).toMatchObject({ ok: false, reason: "bad_signature" });
  });

  it("rejects timestamps outside ±300 s as stale, and accepts the edges", () => {
    for (const skew of [-301, 301, -3600]) {
      const h = webhookHeaders("abc1234", "msg_1", now() + skew, body);
      expect(verifyWebhook(body, h, "abc1234")).toMatchObject({ ok: false, reason: "stale" });
    }
    for (const skew of [-299, 299]) {
      expect(verifyWebhook(body, webhookHeaders("abc1234", "msg_1", now() + skew, body), "abc1234").ok).toBe(true);
    }
  });

  it("calls missing or garbled headers malformed, without throwing", () => {
    const h = webhookHeaders("abc1234", "msg_1", now(), body);
    for (const drop of ["webhook-id", "webhook-timestamp", "webhook-signature"] as const) {
      const copy: Record<string, string | undefined> = { ...h };
      delete copy[drop];
      expect(verifyWebhook(body, copy, "abc1234")).toMatchObject({ ok: false, reason: "malformed" });
    }
    expect(verifyWebhook(body, { ...h, "webhook-timestamp": "12abc" }, "abc1234")).toMatchObject({ ok: false, reason: "malformed" });
    expect(verifyWebhook(body, { ...h, "webhook-signature": "garbage" }, "abc1234")).toMatchObject({ ok: false, reason: "malformed" });
    expect(verifyWebhook(body, h, "", "raw")).toMatchObject({ ok: false });
  });
});

describe("callback (return URL) signature", () => {
  const key = "5a4e3b2c1d0f9e8d7c6b5a4938271605";

  it("builds the documented signing strings (sorted, raw values, no signature)", () => {
    expect(callbackSigningString({ status: "AUTHORIZED", order_id: "random_order_id", signature: "x" })).toBe("order_id=random_order_id&status=AUTHORIZED");
    expect(
      callbackSigningString({
        status: "FAILED",
        order_id: "<order_id>",
        error_message: "Consumer Authentication required",
        error_code: "USER_AUTHENTICATION_FAILED",
      }),
    ).toBe("error_code=USER_AUTHENTICATION_FAILED&error_message=Consumer Authentication required&order_id=<order_id>&status=FAILED");
  });

  it("is uppercase hex HMAC-SHA256 keyed with the hex-decoded secret", () => {
    // Independently: HMAC-SHA256(key=0x0102, "order_id=o&status=PROCESSED")
    const sig = signCallback({ order_id: "o", status: "PROCESSED" }, "0102");
    expect(sig).toMatch(/^[0-9A-F]{64}$/);
    expect(sig).toBe(
      createHmac("sha256", Buffer.from([1, 2]))
        .update("order_id=o&status=PROCESSED")
        .digest("hex")
        .toUpperCase(),
    );
  });

  it("verifies, case-insensitively", () => {
    const fields = { order_id: "v1-1", status: "PROCESSED" };
    const signature = signCallback(fields, key);
    expect(verifyCallback({ ...fields, signature }, key)).toBe(true);
    expect(verifyCallback({ ...fields, signature: signature.toLowerCase() }, key)).toBe(true);
    expect(verifyCallback({ ...fields, signature }, key.toUpperCase())).toBe(true);
  });

  it("fails on every single-field change, an added field or a removed field", () => {
    const fields = { order_id: "v1-1", status: "FAILED", error_code: "PAYMENT_DECLINED", error_message: "Transaction declined" };
    const signature = signCallback(fields, key);
    for (const k of Object.keys(fields) as Array<keyof typeof fields>) {
      expect(verifyCallback({ ...fields, [k]: fields[k] + "x", signature }, key)).toBe(false);
      const without: Record<string, string> = { ...fields, signature };
      delete without[k];
      expect(verifyCallback(without, key)).toBe(false);
    }
    expect(verifyCallback({ ...fields, extra: "1", signature }, key)).toBe(false);
    expect(verifyCallback({ ...fields, signature }, "5a4e3b2c1d0f9e8d7c6b5a4938271606")).toBe(false);
    for (let i = 0; i < signature.length; i++) {
      const c = signature[i] === "0" ? "1" : "0";
      expect(verifyCallback({ ...fields, signature: signature.slice(0, i) + c + signature.slice(i + 1) }, key)).toBe(false);
    }
  });

  it("treats missing, odd-length, non-hex or wrong-length input as invalid, never throwing", () => {
    const fields = { order_id: "v1-1", status: "PROCESSED" };
    const good = signCallback(fields, key);
    for (const signature of [undefined, "", "abc", good.slice(1), good + "00", "Z".repeat(64), good.slice(0, 62)]) {
      expect(verifyCallback({ ...fields, signature }, key)).toBe(false);
    }
    for (const badKey of ["", "abc", "zz", "not hex at all"]) {
      expect(verifyCallback({ ...fields, signature: good }, badKey)).toBe(false);
    }
    expect(() => signCallback(fields, "xyz")).toThrow(/hex/);
  });
});

describe("webhook signatures: only what was signed, spelt as it was signed", () => {
  const secret = "whsec-raw-test-secret";
  const now = Math.floor(Date.now() / 1000);
  const body = '{"event_type":"ORDER_PROCESSED","data":{}}';
  const h = webhookHeaders(secret, "msg_1", now, body);
  const verify = (over: Record<string, string>, raw = body) => verifyWebhook(raw, { ...h, ...over }, secret);

  it("refuses a timestamp spelt otherwise than the canonical decimal", () => {
    expect(verify({}).ok).toBe(true);
    for (const ts of [`0${now}`, `+${now}`, `${now}.0`]) expect(verify({ "webhook-timestamp": ts })).toMatchObject({ ok: false, reason: "malformed" });
  });

  it("passes only well-formed v1 signatures to the library", () => {
    expect(verify({ "webhook-signature": `${h["webhook-signature"]},x` })).toMatchObject({ ok: false, reason: "malformed" });
    expect(verify({ "webhook-signature": `${h["webhook-signature"]},x ${h["webhook-signature"]}` }).ok).toBe(true);
    expect(verify({ "webhook-signature": `v1,AAAA ${h["webhook-signature"]}` }).ok).toBe(true);
  });

  it("is over the exact bytes: a byte-order mark before the body is another body", () => {
    expect(verify({}, `\ufeff${body}`).ok).toBe(false);
  });
});

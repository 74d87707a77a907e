import { describe, expect, it, vi } from "vitest";
import { db } from "@/lib/db";
import { signCallback } from "@/lib/plural/signature";
import { TEST_CREDENTIALS } from "@/lib/testing/sandbox";
import { testStoreForFile } from "@/lib/testing/store-for-file";
import { orderWithQr } from "@/lib/testing/checkout";
import { GET as returnGet, POST as returnPost } from "@/app/api/plural/return/route";

vi.mock("next/headers", () => import("@/lib/testing/next-request").then((m) => m.nextHeadersModule));

const store = testStoreForFile({ webhooks: false });
const paidOrder = orderWithQr;

describe("return route", () => {
  const post = (fields: Record<string, string>) =>
    returnPost(new Request("http://store.test/api/plural/return", { method: "POST", body: new URLSearchParams(fields) }));

  it("verifies, records, confirms with Get Order and redirects to the result page", async () => {
    const { order, payment } = await paidOrder();
    store.sandbox.approve((await db().payment.findUniqueOrThrow({ where: { id: payment.id } })).pluralPaymentId!);
    const fields = { order_id: order.pluralOrderId!, status: "PROCESSED" };
    const res = await post({ ...fields, signature: signCallback(fields, TEST_CREDENTIALS.clientSecret) });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe(`/orders/${order.id}`);
    expect((await db().order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe("PROCESSED");
    const again = await post({ ...fields, signature: signCallback(fields, TEST_CREDENTIALS.clientSecret).toLowerCase() });
    expect(again.status).toBe(303);
    const events = await db().orderEvent.findMany({ where: { orderId: order.id, source: "return" } });
    expect(events.filter((e) => e.type === "RETURN_PROCESSED")).toHaveLength(1);
    expect(events.every((e) => e.verified)).toBe(true);
    expect(events.some((e) => e.payload.includes("signature"))).toBe(false);
  });

  it("a replayed return writes nothing and asks Plural nothing", async () => {
    const { order, payment } = await paidOrder();
    store.sandbox.approve((await db().payment.findUniqueOrThrow({ where: { id: payment.id } })).pluralPaymentId!);
    const fields = { order_id: order.pluralOrderId!, status: "PROCESSED" };
    const signed = { ...fields, signature: signCallback(fields, TEST_CREDENTIALS.clientSecret) };
    const calls = store.server.count("GET", new RegExp(`/orders/${order.pluralOrderId}$`));
    expect((await post(signed)).status).toBe(303);
    const events = await db().orderEvent.count({ where: { orderId: order.id } });
    const results = await Promise.all(Array.from({ length: 100 }, () => post(signed)));
    expect(results.every((r) => r.status === 303 && r.headers.get("location") === `/orders/${order.id}`)).toBe(true);
    expect(await db().orderEvent.count({ where: { orderId: order.id } })).toBe(events);
    expect(store.server.count("GET", new RegExp(`/orders/${order.pluralOrderId}$`)) - calls).toBe(1);
  });

  it("never trusts the status in the callback: Get Order decides", async () => {
    const { order } = await paidOrder();
    const fields = { order_id: order.pluralOrderId!, status: "PROCESSED" };
    const res = await post({ ...fields, signature: signCallback(fields, TEST_CREDENTIALS.clientSecret) });
    expect(res.status).toBe(303);
    expect((await db().order.findUniqueOrThrow({ where: { id: order.id } })).status).toBe("PENDING");
  });

  it("rejects a tampered, unsigned or foreign callback with 400 and writes nothing", async () => {
    const { order } = await paidOrder();
    const before = await db().orderEvent.count();
    const fields = { order_id: order.pluralOrderId!, status: "FAILED", error_code: "PAYMENT_DECLINED", error_message: "Declined" };
    const signature = signCallback(fields, TEST_CREDENTIALS.clientSecret);
    for (const bad of [
      { ...fields, status: "PROCESSED", signature },
      { ...fields, error_message: "Declined!", signature },
      { ...fields, extra: "1", signature },
      { ...fields },
      { ...fields, signature: "zz" },
      { ...fields, signature: signCallback(fields, "00112233") },
    ]) {
      const res = await post(bad as Record<string, string>);
      expect(res.status).toBe(400);
      expect(await res.text()).not.toContain(TEST_CREDENTIALS.clientSecret);
    }
    expect(await db().orderEvent.count()).toBe(before);
    const signedGet = await returnGet(new Request(`http://store.test/api/plural/return?${new URLSearchParams({ ...fields, signature })}`));
    expect(signedGet.status).toBe(303);
  });

  it("answers 404 for a validly signed callback about an unknown order", async () => {
    const fields = { order_id: "v1-000000000000-aa-NOPE00", status: "PROCESSED" };
    expect((await post({ ...fields, signature: signCallback(fields, TEST_CREDENTIALS.clientSecret) })).status).toBe(404);
  });
});

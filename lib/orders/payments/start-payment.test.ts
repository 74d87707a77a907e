import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { testStoreForFile } from "@/lib/testing/store-for-file";
import { cartWith, TEST_FORM } from "@/lib/testing/checkout";
import { newCheckoutKey, payPageView, startPayment, syncOrder } from "@/lib/orders";
import { PAYMENT_WINDOW_MS } from "./start-payment";

const store = testStoreForFile({ webhooks: false });

const form = TEST_FORM;

describe("starting a payment", () => {
  it("a double click starts one payment, and QR is reused until it is replaced by collect", async () => {
    const placed = await (await cartWith()).place(form, newCheckoutKey());
    if (!placed.ok) throw new Error(placed.error);
    const id = placed.value.orderId;
    const [a, b] = await Promise.all([startPayment(id, "QR"), startPayment(id, "QR")]);
    expect(a.ok && b.ok).toBe(true);
    const again = await startPayment(id, "QR");
    expect(again.ok && again.value.id).toBe(a.ok && a.value.id);
    const ref = (await db().order.findUniqueOrThrow({ where: { id } })).merchantOrderReference;
    store.sandbox.advance();
    const plural = store.sandbox.orderByReference(ref);
    expect(plural.payments).toHaveLength(1);
    expect(await startPayment(id, "COLLECT", "not a vpa")).toMatchObject({ ok: false });
    const collect = await startPayment(id, "COLLECT", "Asha@OKAXIS");
    expect(collect.ok && collect.value.payerVpa).toBe("asha@okaxis");
    store.sandbox.advance();
    expect(store.sandbox.orderByReference(ref).payments.map((p) => p.status)).toEqual(["CANCELLED", "PENDING"]);
    const rows = await db().payment.findMany({ where: { orderId: id }, orderBy: { createdAt: "asc" } });
    expect(rows.map((r) => [r.upiMode, r.status])).toEqual([
      ["QR", "CANCELLED"],
      ["COLLECT", "PENDING"],
    ]);
  });

  it("creates the Plural order that checkout could not, when the shopper starts paying (not when the page loads)", async () => {
    const key = newCheckoutKey();
    store.sandbox.addFault({ endpoint: "createOrder", kind: "status", status: 500 });
    const failed = await (await cartWith()).place(form, key);
    store.sandbox.clearFaults();
    expect(failed.ok).toBe(false);
    const saved = await db().order.findUniqueOrThrow({ where: { merchantOrderReference: key } });
    // Reading the pay page's view writes nothing.
    const view = await payPageView(saved.id);
    expect(view).toMatchObject({ payment: null, lastExpired: null, order: { id: saved.id, pluralOrderId: null } });
    expect((await db().order.findUniqueOrThrow({ where: { id: saved.id } })).pluralOrderId).toBeNull();
    const started = await startPayment(saved.id, "QR");
    expect(started.ok && started.value.mode).toBe("QR");
    expect((await db().order.findUniqueOrThrow({ where: { id: saved.id } })).pluralOrderId).toMatch(/^v1-/);
    expect(store.sandbox.orderList().filter((o) => o.merchant_order_reference === key)).toHaveLength(1);
  });

  it("the pay page says the last QR expired (before and after Plural says so), and a new one is a new payment", async () => {
    const placed = await (await cartWith()).place(form, newCheckoutKey());
    if (!placed.ok) throw new Error(placed.error);
    const id = placed.value.orderId;
    const first = await startPayment(id, "QR");
    if (!first.ok) throw new Error(first.error);
    expect(await payPageView(id)).toMatchObject({ payment: { id: first.value.id }, lastExpired: null });
    // Our window has passed, with no word from Plural yet.
    const row = await db().payment.findUniqueOrThrow({ where: { id: first.value.id } });
    await db().payment.update({ where: { id: row.id }, data: { createdAt: new Date(row.createdAt.getTime() - PAYMENT_WINDOW_MS - 1000) } });
    expect(await payPageView(id)).toMatchObject({ payment: null, lastExpired: "QR" });
    // Plural says PAYMENT_EXPIRED.
    store.sandbox.expire(row.pluralPaymentId!);
    await syncOrder(id, "sync", "GET_ORDER");
    const after = await db().payment.findUniqueOrThrow({ where: { id: row.id } });
    expect(after).toMatchObject({ status: "FAILED", errorCode: "PAYMENT_EXPIRED" });
    expect(await payPageView(id)).toMatchObject({ payment: null, lastExpired: "QR", order: { status: "ATTEMPTED" } });
    const second = await startPayment(id, "QR");
    expect(second.ok && second.value.id).not.toBe(first.value.id);
    expect(await payPageView(id)).toMatchObject({ payment: { id: second.ok ? second.value.id : "" }, lastExpired: null });
  });

  it("an unknown UPI ID gets a plain answer", async () => {
    const placed = await (await cartWith()).place(form, newCheckoutKey());
    if (!placed.ok) throw new Error(placed.error);
    expect(await startPayment(placed.value.orderId, "COLLECT", "invalid@sandbox")).toEqual({
      ok: false,
      error: "That UPI ID does not exist. Check it and try again.",
    });
  });
});

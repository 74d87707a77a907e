/** The bare baselines through Prisma: the statements (and upstream call) of one of our real paths, nothing else. */
import { randomBytes } from "node:crypto";
import { db, isUniqueViolation } from "@/lib/db";
import { env } from "@/lib/env";
import { cartTokenHash, newCartToken } from "@/lib/orders/cart/cart";
import { REFUNDABLE_STATUSES } from "@/lib/orders/status/statuses";
import { plural } from "@/lib/plural-client";
import { json } from "./json";

/** GET ?id=<order id>: the read GET /api/orders/[id]/status makes (an order's status and its latest payment). */
export async function status(req: Request) {
  const id = new URL(req.url).searchParams.get("id") ?? "";
  const order = await db().order.findUnique({
    where: { id },
    select: { status: true, payments: { orderBy: { createdAt: "desc" }, take: 1, select: { id: true, status: true, errorCode: true } } },
  });
  if (!order) return json({ error: "order not found" }, 404);
  return json({ status: order.status, payment: order.payments[0] ?? null });
}

/** The read that recognises a message seen before, for a process that has no memory of recent ids (ours: seenRecently, lib/orders/status/timeline.ts). */
async function recorded(externalId: string) {
  return (await db().$queryRaw<unknown[]>`SELECT 1 FROM "OrderEvent" WHERE "externalId" = ${externalId} LIMIT 1`).length > 0;
}

/** POST, a webhook delivery: the one read that recognises a duplicate (the OrderEvent with this webhook-id). */
export async function webhookDup(req: Request) {
  await req.text();
  return json({ ok: true, duplicate: await recorded(req.headers.get("webhook-id") ?? "") });
}

/**
 * POST, a webhook delivery for an open order: the same statements ours makes, with nothing around
 * them: one transaction that reads the order by its Plural id with its payments (ours makes no read
 * before it: a repeated webhook-id fails the timeline's unique index), moves its status (guarded by the status it was read in)
 * and its payment's, looks for another order of the shopper's holding money for the same amount
 * (ours: the paid-twice check), takes what was bought out of the cart, and writes the timeline entry.
 */
export async function webhookFresh(req: Request) {
  const raw = await req.text();
  const { data } = JSON.parse(raw) as { data: { order_id: string; status: string; payments: Array<{ id: string; status: string }> } };
  const webhookId = req.headers.get("webhook-id") ?? "";
  const reported = data.payments[data.payments.length - 1];
  const outcome = await db()
    .$transaction(async (tx) => {
      const order = await tx.order.findUnique({ where: { pluralOrderId: data.order_id }, include: { payments: true } });
      if (!order) return false;
      await tx.order.updateMany({ where: { id: order.id, status: order.status }, data: { status: data.status } });
      const payment = order.payments.find((p) => p.pluralPaymentId === reported?.id);
      if (payment && reported) await tx.payment.update({ where: { id: payment.id }, data: { status: reported.status } });
      await tx.order.findMany({
        where: {
          id: { not: order.id },
          amountInPaise: order.amountInPaise,
          status: { in: [...REFUNDABLE_STATUSES, "AUTHORIZED"] },
          createdAt: { gte: new Date(order.createdAt.getTime() - 24 * 60 * 60 * 1000) },
          OR: [{ cartId: order.cartId }, { customerEmail: order.customerEmail }],
        },
        orderBy: { createdAt: "desc" },
        take: 10,
        select: { id: true },
      });
      await tx.$executeRaw`UPDATE "CartItem" SET "quantity" = "quantity" - (SELECT SUM(oi."quantity") FROM "OrderItem" oi WHERE oi."orderId" = ${order.id} AND oi."productId" = "CartItem"."productId") WHERE "cartId" = ${order.cartId} AND "productId" IN (SELECT "productId" FROM "OrderItem" WHERE "orderId" = ${order.id})`;
      await tx.$executeRaw`DELETE FROM "CartItem" WHERE "cartId" = ${order.cartId} AND "quantity" <= 0`;
      await tx.orderEvent.create({
        data: {
          orderId: order.id,
          source: "webhook",
          type: "BENCH",
          externalId: webhookId,
          verified: true,
          payload: raw.slice(0, 200),
          statusFrom: order.status,
          statusTo: data.status,
        },
      });
      return true;
    })
    // A repeated webhook-id fails the timeline's unique index and rolls back, as ours.
    .catch((e: unknown) => {
      if (isUniqueViolation(e, "externalId")) return "duplicate" as const;
      throw e;
    });
  if (outcome === "duplicate") return json({ ok: true, duplicate: true });
  return outcome ? json({ ok: true }) : json({ error: "order not found" }, 404);
}

/**
 * POST, with the shopper's cart cookie: the checkout's inserts (the order with its items and its
 * ORDER_PLACED event, from the cart read at today's prices), the cart's new token (the cart and its
 * orders updated, the cookie set), the create-order call upstream, and the update that stores the
 * Plural order id.
 */
export async function placeOrder(req: Request) {
  const token = /(?:^|;\s*)cart=([^;]+)/.exec(req.headers.get("cookie") ?? "")?.[1] ?? "";
  const items = await db().cartItem.findMany({ where: { cart: { tokenHash: cartTokenHash(token) } }, include: { product: true }, orderBy: { id: "asc" } });
  if (items.length === 0) return json({ error: "empty cart" }, 400);
  const cart = { id: items[0]!.cartId, items };
  const amountInPaise = cart.items.reduce((n, i) => n + i.product.priceInPaise * i.quantity, 0);
  const address = JSON.stringify({ address1: "1 Bench Road", city: "Pune", state: "MH", pincode: "411001" });
  const rotated = newCartToken();
  const order = await db().order.create({
    data: {
      merchantOrderReference: `ord_${randomBytes(12).toString("hex").slice(0, 16)}`,
      cartId: cart.id,
      ownerHash: cartTokenHash(rotated),
      amountInPaise,
      customerName: "Bench Mark",
      customerEmail: `bench-${cart.id}@example.com`, // a shopper per cart, as the harness places them
      customerMobile: "9876543210",
      billingAddress: address,
      shippingAddress: address,
      items: {
        create: cart.items.map((i) => ({ productId: i.productId, name: i.product.name, unitPriceInPaise: i.product.priceInPaise, quantity: i.quantity })),
      },
      events: { create: { source: "shopper", type: "ORDER_PLACED", verified: true, payload: "{}", statusTo: "CREATED" } },
    },
  });
  await db().$transaction([
    db().cart.update({ where: { id: cart.id }, data: { tokenHash: cartTokenHash(rotated) } }),
    db().order.updateMany({ where: { cartId: cart.id }, data: { ownerHash: cartTokenHash(rotated) } }),
  ]);
  const { appUrl } = env();
  const created = await plural().createOrder({
    merchant_order_reference: order.merchantOrderReference,
    order_amount: { value: amountInPaise, currency: "INR" },
    allowed_payment_methods: ["UPI"],
    callback_url: `${appUrl}/api/plural/return`,
    failure_callback_url: `${appUrl}/api/plural/return`,
  });
  // As ours: Plural's answer stored in one transaction (read, guarded update, timeline entry).
  await db().$transaction(async (tx) => {
    const current = await tx.order.findUniqueOrThrow({ where: { id: order.id } });
    await tx.order.updateMany({ where: { id: order.id, status: current.status }, data: { pluralOrderId: created.order_id, status: created.status } });
    await tx.orderEvent.create({
      data: { orderId: order.id, source: "sync", type: "BENCH", verified: true, payload: "{}", statusFrom: current.status, statusTo: created.status },
    });
  });
  const res = json({ orderId: order.id, ref: order.merchantOrderReference });
  res.headers.set("set-cookie", `cart=${rotated}; Path=/; HttpOnly; SameSite=Lax`);
  return res;
}

/**
 * POST {"orderId"}: a QR payment, with the statements ours makes: the order with its payments, the
 * payment's insert, the create-payment call upstream, Plural's answer on the payment, then one
 * transaction that reads the order with its payments, moves its status and writes the timeline entry.
 */
export async function startPayment(req: Request) {
  const { orderId } = (await req.json()) as { orderId: string };
  const order = await db().order.findUnique({ where: { id: orderId }, include: { payments: true } });
  if (!order?.pluralOrderId) return json({ error: "order not ready" }, 404);
  const ref = `${order.merchantOrderReference}_b${randomBytes(3).toString("hex")}`;
  const row = await db().payment.create({
    data: { orderId, merchantPaymentReference: ref, upiMode: "QR", amountInPaise: order.amountInPaise, pluralOrderId: order.pluralOrderId },
  });
  const res = await plural().createUpiPayment(order.pluralOrderId, { mode: "QR", merchantPaymentReference: ref, amountInPaise: order.amountInPaise });
  const status = res.order?.status ?? "PENDING";
  await db().payment.update({
    where: { id: row.id },
    data: { pluralPaymentId: res.paymentId ?? null, challengeUrl: res.challengeUrl ?? null, imageUrl: res.imageUrl ?? null },
  });
  await db().$transaction(async (tx) => {
    const current = await tx.order.findUniqueOrThrow({ where: { id: orderId }, include: { payments: true } });
    await tx.order.updateMany({ where: { id: orderId, status: current.status }, data: { status } });
    await tx.orderEvent.create({
      data: { orderId, source: "sync", type: "BENCH", verified: true, payload: "{}", statusFrom: current.status, statusTo: status },
    });
  });
  return json({ id: row.id, challengeUrl: res.challengeUrl ?? null });
}

/**
 * GET: the process's memory after a full garbage collection when Node runs with --expose-gc
 * (`npm run bench:streams` starts it so): what open streams hold, without the noise of when V8
 * last collected. Not a baseline: a reading.
 */
export async function memory() {
  // Node's own `gc`, defined only under --expose-gc: read where Node puts it, not a singleton of ours.
  // eslint-disable-next-line no-restricted-globals
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  return json({ collected: !!gc, ...process.memoryUsage() });
}

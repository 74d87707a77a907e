import { randomBytes } from "node:crypto";
import { db, dbProvider, rawSqlite } from "@/lib/db";
import { env } from "@/lib/env";
import { cartTokenHash, newCartToken } from "@/lib/orders/cart";
import { REFUNDABLE_STATUSES } from "@/lib/orders/statuses";
import { plural } from "@/lib/plural-client";

export const dynamic = "force-dynamic";

/**
 * Bare baseline routes for `npm run bench:load` and `npm run bench:soak` (issue #13). Each makes the
 * same database statements (and upstream call) as one of our real paths with nothing else: no
 * signature check, no state machine, no retries, no validation beyond what it needs to run. What Next, Prisma
 * and the database cost on this machine is the floor; the benchmark reports our routes as a ratio
 * to it. They answer 404 unless the server runs with BENCH_ROUTES=1, which lib/env.ts allows only in
 * sandbox mode (a UAT or production store with it does not start), so a real store never has them.
 *
 * Each has a `raw-` twin beside it (issue #19): the same statements in SQL through the same driver
 * (better-sqlite3, on the Prisma client's own connection, between its transactions; statements
 * prepared once), with no ORM. The Prisma twin against the raw one is what the ORM costs on each
 * path. SQLite only (what the benchmarks run on): on PostgreSQL they answer 501.
 */

const json = (body: unknown, status = 200) => Response.json(body, { status, headers: { "cache-control": "no-store" } });

/** GET ?id=<order id>: the read GET /api/orders/[id]/status makes (an order's status and its latest payment). */
async function status(req: Request) {
  const id = new URL(req.url).searchParams.get("id") ?? "";
  const order = await db().order.findUnique({
    where: { id },
    select: { status: true, payments: { orderBy: { createdAt: "desc" }, take: 1, select: { id: true, status: true, errorCode: true } } },
  });
  if (!order) return json({ error: "order not found" }, 404);
  return json({ status: order.status, payment: order.payments[0] ?? null });
}

/** The read ours makes to recognise a message seen before (isRecorded, lib/orders/apply.ts), without its memory of recent ids. */
async function recorded(externalId: string) {
  return (await db().$queryRaw<unknown[]>`SELECT 1 FROM "OrderEvent" WHERE "externalId" = ${externalId} LIMIT 1`).length > 0;
}

/** POST, a webhook delivery: the one read that recognises a duplicate (the OrderEvent with this webhook-id). */
async function webhookDup(req: Request) {
  await req.text();
  return json({ ok: true, duplicate: await recorded(req.headers.get("webhook-id") ?? "") });
}

/**
 * POST, a webhook delivery for an open order: the same statements ours makes, with nothing around
 * them: the read that would recognise a duplicate, the order by its Plural id, then one transaction
 * that reads the order with its payments, moves its status (guarded by the status it was read in)
 * and its payment's, looks for another order of the shopper's holding money for the same amount
 * (ours: the paid-twice check), takes what was bought out of the cart, and writes the timeline entry.
 */
async function webhookFresh(req: Request) {
  const raw = await req.text();
  const { data } = JSON.parse(raw) as { data: { order_id: string; status: string; payments: Array<{ id: string; status: string }> } };
  const webhookId = req.headers.get("webhook-id") ?? "";
  if (await recorded(webhookId)) return json({ ok: true, duplicate: true });
  const found = await db().order.findUnique({ where: { pluralOrderId: data.order_id }, select: { id: true } });
  if (!found) return json({ error: "order not found" }, 404);
  const reported = data.payments[data.payments.length - 1];
  await db().$transaction(async (tx) => {
    const order = await tx.order.findUniqueOrThrow({ where: { id: found.id }, include: { payments: true } });
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
  });
  return json({ ok: true });
}

/**
 * POST, with the shopper's cart cookie: the checkout's inserts (the order with its items and its
 * ORDER_PLACED event, from the cart read at today's prices), the cart's new token (the cart and its
 * orders updated, the cookie set), the create-order call upstream, and the update that stores the
 * Plural order id.
 */
async function placeOrder(req: Request) {
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
async function startPayment(req: Request) {
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
async function memory() {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  return json({ collected: !!gc, ...process.memoryUsage() });
}

/* ------------------------------------------------------------------ the raw-SQL twins (SQLite) */

const now = () => new Date().toISOString().replace("Z", "+00:00"); // how Prisma's SQLite adapter writes a DateTime
const newId = () => `c${randomBytes(12).toString("hex")}`;
type Statement = (sql: string) => import("better-sqlite3").Statement;

/** `fn` in one BEGIN IMMEDIATE … COMMIT (undone on a throw), as Prisma's interactive transactions are here. */
function transaction<T>(sql: Statement, fn: () => T): T {
  sql("BEGIN IMMEDIATE").run();
  try {
    const out = fn();
    sql("COMMIT").run();
    return out;
  } catch (e) {
    sql("ROLLBACK").run();
    throw e;
  }
}

type OrderRow = {
  id: string;
  status: string;
  amountInPaise: number;
  cartId: string | null;
  customerEmail: string;
  createdAt: string;
  pluralOrderId: string | null;
  merchantOrderReference: string;
};

async function rawStatus(req: Request) {
  const id = new URL(req.url).searchParams.get("id") ?? "";
  const found = await rawSqlite((sql) => {
    const order = sql(`SELECT "id", "status" FROM "Order" WHERE "id" = ? LIMIT 1`).get(id) as { id: string; status: string } | undefined;
    if (!order) return null;
    const payment = sql(`SELECT "id", "status", "errorCode" FROM "Payment" WHERE "orderId" = ? ORDER BY "createdAt" DESC LIMIT 1`).get(id) ?? null;
    return { status: order.status, payment };
  });
  return found ? json(found) : json({ error: "order not found" }, 404);
}

const rawRecorded = (sql: Statement, externalId: string) => !!sql(`SELECT 1 FROM "OrderEvent" WHERE "externalId" = ? LIMIT 1`).get(externalId);

async function rawWebhookDup(req: Request) {
  await req.text();
  const id = req.headers.get("webhook-id") ?? "";
  return json({ ok: true, duplicate: await rawSqlite((sql) => rawRecorded(sql, id)) });
}

async function rawWebhookFresh(req: Request) {
  const raw = await req.text();
  const { data } = JSON.parse(raw) as { data: { order_id: string; status: string; payments: Array<{ id: string; status: string }> } };
  const webhookId = req.headers.get("webhook-id") ?? "";
  const reported = data.payments[data.payments.length - 1];
  const outcome = await rawSqlite((sql) => {
    if (rawRecorded(sql, webhookId)) return "duplicate";
    const found = sql(`SELECT "id" FROM "Order" WHERE "pluralOrderId" = ? LIMIT 1`).get(data.order_id) as { id: string } | undefined;
    if (!found) return "not found";
    transaction(sql, () => {
      const order = sql(`SELECT * FROM "Order" WHERE "id" = ? LIMIT 1`).get(found.id) as OrderRow;
      const payments = sql(`SELECT * FROM "Payment" WHERE "orderId" = ?`).all(order.id) as Array<{ id: string; pluralPaymentId: string | null }>;
      const at = now();
      sql(`UPDATE "Order" SET "status" = ?, "updatedAt" = ? WHERE "id" = ? AND "status" = ?`).run(data.status, at, order.id, order.status);
      const payment = payments.find((p) => p.pluralPaymentId === reported?.id);
      if (payment && reported) sql(`UPDATE "Payment" SET "status" = ?, "updatedAt" = ? WHERE "id" = ?`).run(reported.status, at, payment.id);
      const statuses = [...REFUNDABLE_STATUSES, "AUTHORIZED"];
      sql(
        `SELECT "id" FROM "Order" WHERE "id" <> ? AND "amountInPaise" = ? AND "status" IN (${statuses.map(() => "?").join(", ")}) AND "createdAt" >= ? AND ("cartId" = ? OR "customerEmail" = ?) ORDER BY "createdAt" DESC LIMIT 10`,
      ).all(
        order.id,
        order.amountInPaise,
        ...statuses,
        new Date(new Date(order.createdAt).getTime() - 24 * 60 * 60 * 1000).toISOString().replace("Z", "+00:00"),
        order.cartId,
        order.customerEmail,
      );
      sql(
        `UPDATE "CartItem" SET "quantity" = "quantity" - (SELECT SUM(oi."quantity") FROM "OrderItem" oi WHERE oi."orderId" = ? AND oi."productId" = "CartItem"."productId") WHERE "cartId" = ? AND "productId" IN (SELECT "productId" FROM "OrderItem" WHERE "orderId" = ?)`,
      ).run(order.id, order.cartId, order.id);
      sql(`DELETE FROM "CartItem" WHERE "cartId" = ? AND "quantity" <= 0`).run(order.cartId);
      sql(
        `INSERT INTO "OrderEvent" ("id", "orderId", "source", "type", "externalId", "verified", "payload", "statusFrom", "statusTo", "createdAt") VALUES (?, ?, 'webhook', 'BENCH', ?, 1, ?, ?, ?, ?)`,
      ).run(newId(), order.id, webhookId, raw.slice(0, 200), order.status, data.status, at);
    });
    return "applied";
  });
  if (outcome === "not found") return json({ error: "order not found" }, 404);
  return json(outcome === "duplicate" ? { ok: true, duplicate: true } : { ok: true });
}

async function rawPlaceOrder(req: Request) {
  const token = /(?:^|;\s*)cart=([^;]+)/.exec(req.headers.get("cookie") ?? "")?.[1] ?? "";
  const rotated = cartTokenHash(newCartToken());
  const address = JSON.stringify({ address1: "1 Bench Road", city: "Pune", state: "MH", pincode: "411001" });
  const order = await rawSqlite((sql) => {
    const items = sql(
      `SELECT i."cartId", i."productId", i."quantity", p."name", p."priceInPaise" FROM "CartItem" i JOIN "Cart" c ON c."id" = i."cartId" JOIN "Product" p ON p."id" = i."productId" WHERE c."tokenHash" = ? ORDER BY i."id" ASC`,
    ).all(cartTokenHash(token)) as Array<{ cartId: string; productId: string; quantity: number; name: string; priceInPaise: number }>;
    if (items.length === 0) return null;
    const cartId = items[0]!.cartId;
    const row = {
      id: newId(),
      ref: `ord_${randomBytes(12).toString("hex").slice(0, 16)}`,
      amountInPaise: items.reduce((n, i) => n + i.priceInPaise * i.quantity, 0),
    };
    const at = now();
    transaction(sql, () => {
      sql(
        `INSERT INTO "Order" ("id", "merchantOrderReference", "cartId", "ownerHash", "amountInPaise", "customerName", "customerEmail", "customerMobile", "billingAddress", "shippingAddress", "createdAt", "updatedAt") VALUES (?, ?, ?, ?, ?, 'Bench Mark', ?, '9876543210', ?, ?, ?, ?)`,
      ).run(row.id, row.ref, cartId, rotated, row.amountInPaise, `bench-${cartId}@example.com`, address, address, at, at);
      const item = sql(`INSERT INTO "OrderItem" ("id", "orderId", "productId", "name", "unitPriceInPaise", "quantity") VALUES (?, ?, ?, ?, ?, ?)`);
      for (const i of items) item.run(newId(), row.id, i.productId, i.name, i.priceInPaise, i.quantity);
      sql(
        `INSERT INTO "OrderEvent" ("id", "orderId", "source", "type", "verified", "payload", "statusTo", "createdAt") VALUES (?, ?, 'shopper', 'ORDER_PLACED', 1, '{}', 'CREATED', ?)`,
      ).run(newId(), row.id, at);
    });
    transaction(sql, () => {
      sql(`UPDATE "Cart" SET "tokenHash" = ?, "updatedAt" = ? WHERE "id" = ?`).run(rotated, at, cartId);
      sql(`UPDATE "Order" SET "ownerHash" = ? WHERE "cartId" = ?`).run(rotated, cartId);
    });
    return row;
  });
  if (!order) return json({ error: "empty cart" }, 400);
  const { appUrl } = env();
  const created = await plural().createOrder({
    merchant_order_reference: order.ref,
    order_amount: { value: order.amountInPaise, currency: "INR" },
    allowed_payment_methods: ["UPI"],
    callback_url: `${appUrl}/api/plural/return`,
    failure_callback_url: `${appUrl}/api/plural/return`,
  });
  await rawSqlite((sql) =>
    transaction(sql, () => {
      const current = sql(`SELECT * FROM "Order" WHERE "id" = ? LIMIT 1`).get(order.id) as OrderRow;
      const at = now();
      sql(`UPDATE "Order" SET "pluralOrderId" = ?, "status" = ?, "updatedAt" = ? WHERE "id" = ? AND "status" = ?`).run(
        created.order_id,
        created.status,
        at,
        order.id,
        current.status,
      );
      sql(
        `INSERT INTO "OrderEvent" ("id", "orderId", "source", "type", "verified", "payload", "statusFrom", "statusTo", "createdAt") VALUES (?, ?, 'sync', 'BENCH', 1, '{}', ?, ?, ?)`,
      ).run(newId(), order.id, current.status, created.status, at);
    }),
  );
  return json({ orderId: order.id, ref: order.ref });
}

async function rawStartPayment(req: Request) {
  const { orderId } = (await req.json()) as { orderId: string };
  const ref = `_b${randomBytes(3).toString("hex")}`;
  const started = await rawSqlite((sql) => {
    const order = sql(`SELECT * FROM "Order" WHERE "id" = ? LIMIT 1`).get(orderId) as OrderRow | undefined;
    if (!order?.pluralOrderId) return null;
    sql(`SELECT * FROM "Payment" WHERE "orderId" = ?`).all(orderId);
    const id = newId();
    const at = now();
    sql(
      `INSERT INTO "Payment" ("id", "orderId", "merchantPaymentReference", "upiMode", "amountInPaise", "pluralOrderId", "createdAt", "updatedAt") VALUES (?, ?, ?, 'QR', ?, ?, ?, ?)`,
    ).run(id, orderId, order.merchantOrderReference + ref, order.amountInPaise, order.pluralOrderId, at, at);
    return { id, order };
  });
  if (!started) return json({ error: "order not ready" }, 404);
  const { order } = started;
  const res = await plural().createUpiPayment(order.pluralOrderId!, {
    mode: "QR",
    merchantPaymentReference: order.merchantOrderReference + ref,
    amountInPaise: order.amountInPaise,
  });
  const status = res.order?.status ?? "PENDING";
  await rawSqlite((sql) => {
    const at = now();
    sql(`UPDATE "Payment" SET "pluralPaymentId" = ?, "challengeUrl" = ?, "imageUrl" = ?, "updatedAt" = ? WHERE "id" = ?`).run(
      res.paymentId ?? null,
      res.challengeUrl ?? null,
      res.imageUrl ?? null,
      at,
      started.id,
    );
    transaction(sql, () => {
      const current = sql(`SELECT * FROM "Order" WHERE "id" = ? LIMIT 1`).get(orderId) as OrderRow;
      sql(`SELECT * FROM "Payment" WHERE "orderId" = ?`).all(orderId);
      sql(`UPDATE "Order" SET "status" = ?, "updatedAt" = ? WHERE "id" = ? AND "status" = ?`).run(status, at, orderId, current.status);
      sql(
        `INSERT INTO "OrderEvent" ("id", "orderId", "source", "type", "verified", "payload", "statusFrom", "statusTo", "createdAt") VALUES (?, ?, 'sync', 'BENCH', 1, '{}', ?, ?, ?)`,
      ).run(newId(), orderId, current.status, status, at);
    });
  });
  return json({ id: started.id, challengeUrl: res.challengeUrl ?? null });
}

/** The raw twins run on SQLite only. */
const sqliteOnly =
  (run: (req: Request) => Promise<Response>) =>
  (req: Request): Promise<Response> =>
    dbProvider() === "sqlite" ? run(req) : Promise.resolve(json({ error: "the raw-SQL twins use better-sqlite3: SQLite only" }, 501));

const OPS: Record<string, { method: "GET" | "POST"; run: (req: Request) => Promise<Response> }> = {
  "raw-status": { method: "GET", run: sqliteOnly(rawStatus) },
  "raw-webhook-dup": { method: "POST", run: sqliteOnly(rawWebhookDup) },
  "raw-webhook-fresh": { method: "POST", run: sqliteOnly(rawWebhookFresh) },
  "raw-place-order": { method: "POST", run: sqliteOnly(rawPlaceOrder) },
  "raw-start-payment": { method: "POST", run: sqliteOnly(rawStartPayment) },
  status: { method: "GET", run: status },
  "webhook-dup": { method: "POST", run: webhookDup },
  "webhook-fresh": { method: "POST", run: webhookFresh },
  "place-order": { method: "POST", run: placeOrder },
  "start-payment": { method: "POST", run: startPayment },
  memory: { method: "GET", run: memory },
};

async function handle(req: Request, { params }: { params: Promise<{ op: string }> }) {
  const op = OPS[(await params).op];
  const e = env();
  if (!e.benchRoutes || e.pluralEnv !== "sandbox" || e.sandboxPublic || !op) return json({ error: "not found" }, 404);
  if (req.method !== op.method) return json({ error: "method not allowed" }, 405);
  return op.run(req);
}

export const GET = handle;
export const POST = handle;

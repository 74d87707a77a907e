/** The raw-SQL twins of the baselines: the same statements through better-sqlite3, no ORM (SQLite only). */
import { randomBytes } from "node:crypto";
import { dbProvider, rawSqlite } from "@/lib/db";
import { env } from "@/lib/env";
import { cartTokenHash, newCartToken } from "@/lib/orders/cart/cart";
import { REFUNDABLE_STATUSES } from "@/lib/orders/status/statuses";
import { plural } from "@/lib/plural-client";
import { json } from "./json";

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

export async function rawStatus(req: Request) {
  const id = new URL(req.url).searchParams.get("id") ?? "";
  const found = await rawSqlite((sql) => {
    const order = sql(`SELECT "id", "status" FROM "Order" WHERE "id" = ? LIMIT 1`).get(id) as { id: string; status: string } | undefined;
    if (!order) return null;
    const payment = sql(`SELECT "id", "status", "errorCode" FROM "Payment" WHERE "orderId" = ? ORDER BY "createdAt" DESC LIMIT 1`).get(id) ?? null;
    return { status: order.status, payment };
  });
  return found ? json(found) : json({ error: "order not found" }, 404);
}

/** A repeated webhook-id fails the timeline's unique index and rolls back, as ours. */
function unlessRepeated<T>(work: () => T): T | "duplicate" {
  try {
    return work();
  } catch (e) {
    const { code, message } = e as { code?: string; message?: string };
    if (code === "SQLITE_CONSTRAINT_UNIQUE" && message?.includes("OrderEvent.externalId")) return "duplicate";
    throw e;
  }
}

const rawRecorded = (sql: Statement, externalId: string) => !!sql(`SELECT 1 FROM "OrderEvent" WHERE "externalId" = ? LIMIT 1`).get(externalId);

export async function rawWebhookDup(req: Request) {
  await req.text();
  const id = req.headers.get("webhook-id") ?? "";
  return json({ ok: true, duplicate: await rawSqlite((sql) => rawRecorded(sql, id)) });
}

export async function rawWebhookFresh(req: Request) {
  const raw = await req.text();
  const { data } = JSON.parse(raw) as { data: { order_id: string; status: string; payments: Array<{ id: string; status: string }> } };
  const webhookId = req.headers.get("webhook-id") ?? "";
  const reported = data.payments[data.payments.length - 1];
  const outcome = await rawSqlite((sql) => {
    return unlessRepeated(() =>
      transaction(sql, () => {
        const order = sql(`SELECT * FROM "Order" WHERE "pluralOrderId" = ? LIMIT 1`).get(data.order_id) as OrderRow | undefined;
        if (!order) return "not found";
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
        return "applied" as const;
      }),
    );
  });
  if (outcome === "not found") return json({ error: "order not found" }, 404);
  return json(outcome === "duplicate" ? { ok: true, duplicate: true } : { ok: true });
}

export async function rawPlaceOrder(req: Request) {
  const token = /(?:^|;\s*)cart=([^;]+)/.exec(req.headers.get("cookie") ?? "")?.[1] ?? "";
  // The cart's new token goes back to the shopper (as checkout's does), so that our own start-payment,
  // which proves ownership by it, can pay for orders this twin placed.
  const rotated = newCartToken();
  const rotatedHash = cartTokenHash(rotated);
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
      ).run(row.id, row.ref, cartId, rotatedHash, row.amountInPaise, `bench-${cartId}@example.com`, address, address, at, at);
      const item = sql(`INSERT INTO "OrderItem" ("id", "orderId", "productId", "name", "unitPriceInPaise", "quantity") VALUES (?, ?, ?, ?, ?, ?)`);
      for (const i of items) item.run(newId(), row.id, i.productId, i.name, i.priceInPaise, i.quantity);
      sql(
        `INSERT INTO "OrderEvent" ("id", "orderId", "source", "type", "verified", "payload", "statusTo", "createdAt") VALUES (?, ?, 'shopper', 'ORDER_PLACED', 1, '{}', 'CREATED', ?)`,
      ).run(newId(), row.id, at);
    });
    transaction(sql, () => {
      sql(`UPDATE "Cart" SET "tokenHash" = ?, "updatedAt" = ? WHERE "id" = ?`).run(rotatedHash, at, cartId);
      sql(`UPDATE "Order" SET "ownerHash" = ? WHERE "cartId" = ?`).run(rotatedHash, cartId);
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
  const res = json({ orderId: order.id, ref: order.ref });
  res.headers.set("set-cookie", `cart=${rotated}; Path=/; HttpOnly; SameSite=Lax`);
  return res;
}

export async function rawStartPayment(req: Request) {
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
export const sqliteOnly =
  (run: (req: Request) => Promise<Response>) =>
  (req: Request): Promise<Response> =>
    dbProvider() === "sqlite" ? run(req) : Promise.resolve(json({ error: "the raw-SQL twins use better-sqlite3: SQLite only" }, 501));

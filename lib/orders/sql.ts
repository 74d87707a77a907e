import { db } from "@/lib/db";
import { Prisma } from "@/lib/generated/prisma/client";

/**
 * Every raw SQL statement of the domain, in one place: the only code in lib/orders that spells table
 * and column names by hand ("Order", "CartItem"...). Each is raw for a reason given beside it (a
 * statement Prisma cannot express, or one on a hot path where Prisma's query compilation costs more
 * than the statement). All but claimDueOrdersSkipLocked, notifyOrderChanged and lockKey run unchanged on
 * SQLite and PostgreSQL; a schema change that renames a column is checked here.
 */

/** What `tx.$executeRaw` needs: a transaction client, or db() itself. */
type Executor = { $executeRaw: (q: TemplateStringsArray, ...v: unknown[]) => Promise<number> };

/**
 * Takes the order row's lock in a transaction: an UPDATE that changes nothing. PostgreSQL makes a
 * second transaction wait here until the first commits; SQLite runs one writer at a time anyway.
 */
export async function lockOrderRow(tx: Executor, orderId: string): Promise<void> {
  await tx.$executeRaw`UPDATE "Order" SET "refundedInPaise" = "refundedInPaise" WHERE "id" = ${orderId}`;
}

/**
 * A transaction-scoped advisory lock on a name (PostgreSQL only: SQLite runs one writer at a time).
 * A second transaction asking for the same name waits here until the first commits or rolls back.
 */
export async function lockKey(tx: Executor, key: string): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${key}, 0))`;
}

/**
 * What an order bought leaves its cart: two statements, however many items. Prisma's updateMany
 * cannot take a quantity from another table. A line whose quantity reaches 0 goes; one the shopper
 * raised since keeps the difference.
 */
export async function takeOrderItemsFromCart(tx: Executor, orderId: string, cartId: string): Promise<void> {
  await tx.$executeRaw`
    UPDATE "CartItem" SET "quantity" = "quantity" - (
      SELECT SUM(oi."quantity") FROM "OrderItem" oi WHERE oi."orderId" = ${orderId} AND oi."productId" = "CartItem"."productId"
    )
    WHERE "cartId" = ${cartId} AND "productId" IN (SELECT "productId" FROM "OrderItem" WHERE "orderId" = ${orderId})`;
  await tx.$executeRaw`DELETE FROM "CartItem" WHERE "cartId" = ${cartId} AND "quantity" <= 0`;
}

/** Whether a timeline entry with this external id (a webhook-id) exists: one read of the unique index. */
export async function timelineHasExternalId(externalId: string): Promise<boolean> {
  const rows = await db().$queryRaw<unknown[]>`SELECT 1 FROM "OrderEvent" WHERE "externalId" = ${externalId} LIMIT 1`;
  return rows.length > 0;
}

/** An order's status and its newest payment, as the status route polls them. */
export type OrderAndLastPayment = {
  ownerHash: string | null;
  status: string;
  lastSyncedAt: Date | string | null;
  paymentId: string | null;
  paymentStatus: string | null;
  errorCode: string | null;
};

/**
 * The order's status and its newest payment in one statement on two primary-key / indexed lookups
 * (Prisma would send two: it does not join relations on SQLite). Runs for every poll of every open
 * pay page.
 */
export async function orderAndLastPayment(orderId: string): Promise<OrderAndLastPayment | undefined> {
  const rows = await db().$queryRaw<OrderAndLastPayment[]>`
    SELECT o."ownerHash", o."status", o."lastSyncedAt", p."id" AS "paymentId", p."status" AS "paymentStatus", p."errorCode"
    FROM "Order" o
    LEFT JOIN "Payment" p ON p."id" = (SELECT "id" FROM "Payment" WHERE "orderId" = o."id" ORDER BY "createdAt" DESC LIMIT 1)
    WHERE o."id" = ${orderId}`;
  return rows[0];
}

/** PostgreSQL only: a NOTIFY on `channel` that every instance listening receives if the transaction commits. */
export async function notifyOrderChanged(tx: Executor, channel: string, orderId: string): Promise<void> {
  await tx.$executeRaw`SELECT pg_notify(${channel}, ${orderId})`;
}

/**
 * PostgreSQL only: claims a batch of orders due for the sweep in one statement (`FOR UPDATE SKIP
 * LOCKED`: every instance's sweeper takes rows the others are not taking, without waiting), and
 * sets when each is due next (backing off, except a live PENDING order). Answers the rows claimed.
 */
export async function claimDueOrdersSkipLocked(p: {
  open: readonly string[];
  untouchedBefore: Date;
  createdAfter: Date;
  followUpBefore: Date;
  now: Date;
  limit: number;
  liveSince: Date;
  baseBackoffMs: number;
  maxBackoffMs: number;
}): Promise<Array<{ id: string; createdAt: Date }>> {
  // Prisma keeps DateTime as UTC in `timestamp(3)` columns: compare in UTC.
  const at = (d: Date) => Prisma.sql`(${d.toISOString()}::timestamptz AT TIME ZONE 'UTC')`;
  return db().$queryRaw<Array<{ id: string; createdAt: Date }>>`
    WITH due AS (
      SELECT "id" FROM "Order"
      WHERE (
          ("status" IN (${Prisma.join([...p.open])})
            AND "updatedAt" < ${at(p.untouchedBefore)}
            AND "createdAt" > ${at(p.createdAfter)})
          OR "followUpAt" <= ${at(p.followUpBefore)}
        )
        AND ("nextSyncAt" IS NULL OR "nextSyncAt" <= ${at(p.now)})
      ORDER BY "updatedAt"
      LIMIT ${p.limit}
      FOR UPDATE SKIP LOCKED
    )
    UPDATE "Order" o
    SET "syncAttempts" = o."syncAttempts" + 1,
        "nextSyncAt" = ${at(p.now)} + (CASE
          WHEN o."status" = 'PENDING' AND o."pluralUpdatedAt" > ${at(p.liveSince)} THEN ${p.baseBackoffMs}::float8
          ELSE LEAST(${p.baseBackoffMs}::float8 * power(2, o."syncAttempts"), ${p.maxBackoffMs}) END) * interval '1 millisecond'
    FROM due WHERE o."id" = due."id"
    RETURNING o."id", o."createdAt"`;
}

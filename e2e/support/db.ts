import { createClient } from "@libsql/client";

/** Reads the e2e server's own database (prisma/e2e.db), to check what was stored. */
const client = createClient({ url: "file:./prisma/e2e.db" });

export async function orderRow(id: string) {
  const r = await client.execute({ sql: `SELECT id, status, amountInPaise, pluralOrderId FROM "Order" WHERE id = ?`, args: [id] });
  return r.rows[0] as unknown as { id: string; status: string; amountInPaise: number; pluralOrderId: string } | undefined;
}

export async function paymentsOf(orderId: string) {
  const r = await client.execute({
    sql: `SELECT pluralPaymentId, status, upiMode, errorCode FROM "Payment" WHERE orderId = ? ORDER BY createdAt`,
    args: [orderId],
  });
  return r.rows as unknown as Array<{ pluralPaymentId: string | null; status: string; upiMode: string; errorCode: string | null }>;
}

export async function eventsOf(orderId: string) {
  const r = await client.execute({ sql: `SELECT source, type, verified FROM "OrderEvent" WHERE orderId = ? ORDER BY createdAt`, args: [orderId] });
  return r.rows as unknown as Array<{ source: string; type: string; verified: number }>;
}

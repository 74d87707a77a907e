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

/**
 * Everything an attack on one order could change, to compare before and after. The store's own
 * background confirmations (the reconciler's and the status route's Get Order) are left out: they
 * run whoever is looking.
 */
export async function orderFootprint(orderId: string) {
  const [order, payments, events] = await Promise.all([
    client.execute({ sql: `SELECT status, amountInPaise FROM "Order" WHERE id = ?`, args: [orderId] }),
    client.execute({ sql: `SELECT id, status, upiMode, payerVpa, pluralPaymentId FROM "Payment" WHERE orderId = ? ORDER BY id`, args: [orderId] }),
    client.execute({
      sql: `SELECT source, type FROM "OrderEvent" WHERE orderId = ? AND type NOT IN ('GET_ORDER', 'RECONCILE') ORDER BY createdAt`,
      args: [orderId],
    }),
  ]);
  return { order: order.rows[0], payments: payments.rows, events: events.rows };
}

export async function cartItemCount() {
  return Number((await client.execute(`SELECT count(*) AS n FROM "CartItem"`)).rows[0]!.n);
}

/** Forgets every failed console sign-in (after a test that provokes the lockout). */
export async function clearSignInThrottle() {
  await client.execute(`DELETE FROM "SignInThrottle"`).catch(() => undefined);
}

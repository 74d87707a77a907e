import Database from "better-sqlite3";

/** Opens an e2e server's own SQLite database (WAL: reading it never blocks the server). */
export function openDb(file: string) {
  const client = new Database(file, { fileMustExist: true, timeout: 5_000 });
  return {
    all: <T>(sql: string, ...args: unknown[]) => client.prepare(sql).all(...args) as T[],
    get: <T>(sql: string, ...args: unknown[]) => client.prepare(sql).get(...args) as T | undefined,
    run: (sql: string, ...args: unknown[]) => client.prepare(sql).run(...args),
    close: () => client.close(),
  };
}

/** The default e2e server's database (prisma/e2e.db), to check what was stored. */
let main: ReturnType<typeof openDb> | undefined;
const e2eDb = () => (main ??= openDb("prisma/e2e.db"));

export async function orderRow(id: string) {
  return e2eDb().get<{
    id: string;
    status: string;
    amountInPaise: number;
    pluralOrderId: string;
    merchantOrderReference: string;
    pluralAttempt: number;
    latePayment: string | null;
  }>(`SELECT id, status, amountInPaise, pluralOrderId, merchantOrderReference, pluralAttempt, latePayment FROM "Order" WHERE id = ?`, id);
}

export async function paymentsOf(orderId: string) {
  return e2eDb().all<{ pluralPaymentId: string | null; status: string; upiMode: string; errorCode: string | null }>(
    `SELECT pluralPaymentId, status, upiMode, errorCode FROM "Payment" WHERE orderId = ? ORDER BY createdAt`,
    orderId,
  );
}

export async function eventsOf(orderId: string) {
  return e2eDb().all<{ source: string; type: string; verified: number; requestId: string | null }>(
    `SELECT source, type, verified, requestId FROM "OrderEvent" WHERE orderId = ? ORDER BY createdAt`,
    orderId,
  );
}

/**
 * Everything an attack on one order could change, to compare before and after. The store's own
 * background confirmations (the reconciler's and the status route's Get Order) are left out: they
 * run whoever is looking.
 */
export async function orderFootprint(orderId: string) {
  const db = e2eDb();
  return {
    order: db.get(`SELECT status, amountInPaise FROM "Order" WHERE id = ?`, orderId),
    payments: db.all(`SELECT id, status, upiMode, payerVpa, pluralPaymentId FROM "Payment" WHERE orderId = ? ORDER BY id`, orderId),
    events: db.all(`SELECT source, type FROM "OrderEvent" WHERE orderId = ? AND type NOT IN ('GET_ORDER', 'RECONCILE') ORDER BY createdAt`, orderId),
  };
}

export async function cartItemCount() {
  return Number(e2eDb().get<{ n: number }>(`SELECT count(*) AS n FROM "CartItem"`)!.n);
}

let preauth: ReturnType<typeof openDb> | undefined;
/** The pre-auth server's database (prisma/e2e-preauth.db). */
const preauthDb = () => (preauth ??= openDb("prisma/e2e-preauth.db"));

/**
 * Forgets every rate-limit count (failed console sign-ins, carts, orders and payments per address),
 * on both browser-test servers: every browser test comes from 127.0.0.1, so the suite as a whole
 * would exceed what one shopper may do. Each test starts from none (e2e/fixtures.ts).
 */
export async function clearRateLimits() {
  for (const open of [e2eDb, preauthDb]) {
    try {
      open().run(`DELETE FROM "RateLimit"`);
    } catch {
      /* that server has not started yet */
    }
  }
}

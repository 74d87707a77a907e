import { EventEmitter } from "node:events";
import pg from "pg";
import { dbProvider } from "@/lib/db";
import { env } from "@/lib/env";
import { log } from "@/lib/log";

/**
 * "An order changed": what the pay page and the result page wait for (Server-Sent Events). Every
 * status write publishes it (lib/orders/apply.ts). On SQLite it travels inside this process; on
 * PostgreSQL it is a NOTIFY sent in the writing transaction (so it is delivered only if that commits)
 * and every instance LISTENs, so a webhook applied by one instance reaches a shopper on another.
 */
const CHANNEL = "order_changes";

// On globalThis: one bus and one listening connection per process, whatever Next bundle asks.
const g = globalThis as unknown as { orderChanges?: EventEmitter; orderChangesListening?: Promise<void> };

function bus(): EventEmitter {
  if (!g.orderChanges) {
    g.orderChanges = new EventEmitter();
    g.orderChanges.setMaxListeners(0); // one per open pay page
  }
  return g.orderChanges;
}

/** Inside the writing transaction: on PostgreSQL, a NOTIFY that every instance receives if it commits. */
export async function notifyInTransaction(tx: { $executeRaw: (q: TemplateStringsArray, ...v: unknown[]) => Promise<number> }, orderId: string) {
  if (dbProvider() === "postgresql") await tx.$executeRaw`SELECT pg_notify(${CHANNEL}, ${orderId})`;
}

/** After the write committed: on SQLite, tell this process's listeners (on PostgreSQL, the NOTIFY does). */
export function publishOrderChange(orderId: string) {
  if (dbProvider() === "sqlite") bus().emit("change", orderId);
}

/**
 * Calls `listener` each time the order changes, in any instance. Await `ready` before reading the
 * current state, so no change can fall between that read and the subscription.
 */
export function onOrderChange(orderId: string, listener: () => void): { ready: Promise<void>; unsubscribe: () => void } {
  const fn = (id: string) => {
    if (id === orderId) listener();
  };
  bus().on("change", fn);
  const ready = dbProvider() === "postgresql" ? listening() : Promise.resolve();
  return { ready, unsubscribe: () => bus().off("change", fn) };
}

/** One LISTEN connection per process, reconnecting with backoff; resolves once it first listens. */
function listening(): Promise<void> {
  g.orderChangesListening ??= new Promise<void>((firstListen) => void listenToPostgres(firstListen));
  return g.orderChangesListening;
}

/** Notifications go onto the local bus. A lost connection is re-made (changes meanwhile are caught by the pages' safety net). */
async function listenToPostgres(onListening: () => void): Promise<void> {
  {
    let delay = 500;
    for (;;) {
      const client = new pg.Client({ connectionString: env().databaseUrl });
      const ended = new Promise<void>((resolve) => {
        client.on("error", (e) => {
          log.warn("orders.changes_listener_error", { error: e.message });
          resolve();
        });
        client.on("end", () => resolve());
      });
      try {
        await client.connect();
        client.on("notification", (n) => {
          if (n.channel === CHANNEL && n.payload) bus().emit("change", n.payload);
        });
        await client.query(`LISTEN ${CHANNEL}`);
        onListening();
        delay = 500;
        await ended;
      } catch (e) {
        log.warn("orders.changes_listener_failed", { error: (e as Error).message });
      }
      await client.end().catch(() => undefined);
      await new Promise((r) => setTimeout(r, delay).unref());
      delay = Math.min(delay * 2, 30_000);
    }
  }
}

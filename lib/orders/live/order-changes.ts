import pg from "pg";
import { dbProvider } from "@/lib/db";
import { env } from "@/lib/env";
import { log } from "@/lib/log";
import { notifyOrderChanged } from "../sql";
import { processGlobal } from "@/lib/process-global";

/**
 * "An order changed": what the pay page and the result page wait for (Server-Sent Events). Every
 * status write publishes it (lib/orders/status/apply.ts). On SQLite it travels inside this process; on
 * PostgreSQL it is a NOTIFY sent in the writing transaction (so it is delivered only if that commits)
 * and every instance LISTENs, so a webhook applied by one instance reaches a shopper on another.
 */
const CHANNEL = "order_changes";

/**
 * The listeners, kept per order (one shared "change" event would wake every listener of every
 * order, so one change would cost as much as the number of open pay pages). A change now wakes only the
 * watchers of its own order: one map lookup, whatever else is open. One registry and one listening
 * connection per process, whatever Next bundle asks (processGlobal).
 */
type Watchers = Map<string, Set<() => void>>;
const g = processGlobal(
  "orderChanges",
  () =>
    ({}) as {
      orderWatchers?: Watchers;
      orderChangesListening?: Promise<void>;
      orderChangesClient?: pg.Client;
      orderChangesStopped?: boolean;
    },
);
const watchers = (): Watchers => (g.orderWatchers ??= new Map());

/** Calls the watchers of this order, and no one else (a committed change on SQLite, a NOTIFY on PostgreSQL). */
export function wake(orderId: string) {
  const set = watchers().get(orderId);
  if (!set) return;
  for (const listener of [...set]) listener();
}

/** Inside the writing transaction: on PostgreSQL, a NOTIFY that every instance receives if it commits. */
export async function notifyInTransaction(tx: Parameters<typeof notifyOrderChanged>[0], orderId: string) {
  if (dbProvider() === "postgresql") await notifyOrderChanged(tx, CHANNEL, orderId);
}

/** After the write committed: on SQLite, tell this process's watchers of the order (on PostgreSQL, the NOTIFY does). */
export function publishOrderChange(orderId: string) {
  if (dbProvider() === "sqlite") wake(orderId);
}

/**
 * Calls `listener` each time the order changes, in any instance. Await `ready` before reading the
 * current state, so no change can fall between that read and the subscription.
 */
export function onOrderChange(orderId: string, listener: () => void): { ready: Promise<void>; unsubscribe: () => void } {
  const all = watchers();
  let set = all.get(orderId);
  if (!set) all.set(orderId, (set = new Set()));
  const mine = () => listener(); // its own identity: the same function subscribed twice is two watchers
  set.add(mine);
  const ready = dbProvider() === "postgresql" ? listening() : Promise.resolve();
  return {
    ready,
    unsubscribe: () => {
      set.delete(mine);
      if (set.size === 0 && all.get(orderId) === set) all.delete(orderId);
    },
  };
}

/** How many orders have watchers in this process, and how many watchers in all (tests and benchmarks). */
export function watcherCount(): { orders: number; watchers: number } {
  let n = 0;
  for (const set of watchers().values()) n += set.size;
  return { orders: watchers().size, watchers: n };
}

/** Ends the LISTEN connection for good (a shutdown: lib/server/shutdown.ts). */
export async function stopListening(): Promise<void> {
  g.orderChangesStopped = true;
  await g.orderChangesClient?.end().catch(() => undefined);
}

/** One LISTEN connection per process, reconnecting with backoff; resolves once it first listens. */
function listening(): Promise<void> {
  g.orderChangesListening ??= new Promise<void>((firstListen) => void listenToPostgres(firstListen));
  return g.orderChangesListening;
}

/** Notifications wake their order's watchers. A lost connection is re-made (changes meanwhile are caught by the pages' safety net). */
async function listenToPostgres(onListening: () => void): Promise<void> {
  {
    let delay = 500;
    while (!g.orderChangesStopped) {
      const client = new pg.Client({ connectionString: env().databaseUrl });
      g.orderChangesClient = client;
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
          if (n.channel === CHANNEL && n.payload) wake(n.payload);
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

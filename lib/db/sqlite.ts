import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import type { IsolationLevel, SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory, SqlQuery, Transaction } from "@prisma/driver-adapter-utils";
import type { Database, Statement } from "better-sqlite3";

/**
 * SQLite for Prisma, safe under concurrency, in one process or several.
 *
 * Why this driver path: `@prisma/adapter-libsql` with `@libsql/client` 0.8 (the newest it
 * accepts) hands a fresh connection to every transaction and never closes it: one leaked file handle,
 * and its page cache, per write. Under load that reached the open-file limit and the store answered
 * 5xx until restarted. better-sqlite3 (12, built from source by node-gyp on Node 20) keeps ONE
 * connection for the process and runs each statement synchronously, in microseconds.
 *
 * One connection has a catch that Prisma's better-sqlite3 adapter does not handle: while an interactive
 * transaction waits between its statements, a statement from another request would run on the same
 * connection, inside that transaction (its reads see uncommitted rows, its writes are undone by a
 * rollback). So every statement outside a transaction waits while one is open; a transaction is a
 * short critical section (no network inside: lib/orders never calls Plural in one).
 *
 * Several processes (the server plus `npm run reconcile` from cron) share the file safely:
 * - WAL journal: readers never block the writer, the writer never blocks readers;
 * - `BEGIN IMMEDIATE`: a transaction takes the write lock up front, so two processes cannot both read
 *   and then fail to upgrade (SQLITE_BUSY without waiting, the "deferred upgrade" deadlock);
 * - a busy timeout: a writer waits for the other process instead of failing at once;
 * - a COMMIT or ROLLBACK that fails never leaves the transaction (and its write lock) open.
 *
 * And one saving: Prisma's adapter prepares every statement afresh (SQLite compiles the SQL each
 * time); here each distinct SQL text is prepared once and kept (cacheStatements).
 */

/** How long a writer waits for another process's write lock before failing (better-sqlite3's `timeout`). */
const BUSY_TIMEOUT_MS = 5_000;

type Inner = SqlDriverAdapter & { client: Database };

/** Runs `fn` with the connection to itself (no transaction open, nothing else running): raw SQL through better-sqlite3. */
export type RawSqlite = <T>(fn: (statement: (sql: string) => Statement) => T) => Promise<T>;

/** A FIFO lock: the queue of statements and transactions waiting for the connection. */
class Gate {
  private held = false;
  private waiters: Array<() => void> = [];

  get busy() {
    return this.held;
  }

  acquire(): Promise<void> {
    if (!this.held) {
      this.held = true;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  release() {
    const next = this.waiters.shift();
    if (next) next();
    else this.held = false;
  }
}

class SerializedSqlite implements SqlDriverAdapter {
  readonly provider = "sqlite" as const;
  readonly adapterName: string;
  private readonly gate = new Gate();

  private readonly rawStatements = new Map<string, Statement>();

  constructor(
    private readonly inner: Inner,
    private readonly prepare: (sql: string) => Statement,
  ) {
    this.adapterName = inner.adapterName;
  }

  /** A statement for raw SQL: prepared once, answering plain numbers (Prisma's own answer BigInts). */
  private readonly raw = (sql: string): Statement => {
    let stmt = this.rawStatements.get(sql);
    if (!stmt) this.rawStatements.set(sql, (stmt = this.prepare(sql).safeIntegers(false)));
    return stmt;
  };

  /** `fn` alone on the connection, between transactions (the benchmarks' raw-SQL twins): synchronous, so nothing interleaves. */
  async exclusive<T>(fn: (statement: (sql: string) => Statement) => T): Promise<T> {
    await this.gate.acquire();
    try {
      return fn(this.raw);
    } finally {
      this.gate.release();
    }
  }

  /** Runs one statement now if no transaction is open (the common case: no promise hop), else after it. */
  private async outside<T>(run: () => Promise<T>): Promise<T> {
    if (!this.gate.busy) return run();
    await this.gate.acquire();
    try {
      return await run();
    } finally {
      this.gate.release();
    }
  }

  queryRaw(query: SqlQuery) {
    return this.outside(() => this.inner.queryRaw(query));
  }

  executeRaw(query: SqlQuery) {
    return this.outside(() => this.inner.executeRaw(query));
  }

  executeScript(script: string) {
    return this.outside(() => this.inner.executeScript(script));
  }

  getConnectionInfo() {
    return this.inner.getConnectionInfo?.() ?? { supportsRelationJoins: false };
  }

  async startTransaction(isolationLevel?: IsolationLevel): Promise<Transaction> {
    if (isolationLevel && isolationLevel !== "SERIALIZABLE") {
      // SQLite transactions are serializable; anything else is a programming error.
      return this.inner.startTransaction(isolationLevel);
    }
    await this.gate.acquire();
    const client = this.inner.client;
    try {
      // Through the inner adapter so a failure (SQLITE_BUSY after the timeout) arrives as Prisma's error.
      await this.inner.executeScript("BEGIN IMMEDIATE");
    } catch (e) {
      this.gate.release();
      throw e;
    }

    let open = true;
    const finish = () => {
      if (!open) return;
      open = false;
      // Whatever happened, never leave SQLite's transaction (and its write lock) behind.
      if (client.inTransaction) {
        try {
          client.prepare("ROLLBACK").run();
        } catch {
          /* already gone */
        }
      }
      this.gate.release();
    };
    const inner = this.inner;
    return {
      provider: "sqlite",
      adapterName: this.adapterName,
      // Prisma sends COMMIT / ROLLBACK as statements, then calls commit() / rollback().
      options: { usePhantomQuery: false },
      queryRaw: (q) => inner.queryRaw(q),
      async executeRaw(q) {
        const end = /^\s*(COMMIT|ROLLBACK)\b/i.test(q.sql);
        if (!end) return inner.executeRaw(q);
        try {
          return await inner.executeRaw(q);
        } finally {
          finish();
        }
      },
      commit: async () => finish(),
      rollback: async () => finish(),
    };
  }

  dispose() {
    return this.inner.dispose();
  }
}

/** How many distinct statements stay prepared (Prisma's SQL is parameterised: a few hundred at most). */
const STATEMENT_CACHE = 500;

/**
 * Keeps each statement prepared once. Prisma's adapter calls `client.prepare(sql).bind(args)` and then
 * `run()` or `raw().all()` on the bound statement; better-sqlite3 binds a statement only once, so the
 * cached statement is handed out behind a thin object that passes the arguments on each call.
 */
function cacheStatements(client: Database): (sql: string) => Statement {
  const prepare = client.prepare.bind(client);
  const cache = new Map<string, Statement>();
  const cached = (sql: string): Statement => {
    let stmt = cache.get(sql);
    if (stmt) {
      cache.delete(sql); // most recently used last
    } else {
      stmt = prepare(sql);
      if (cache.size >= STATEMENT_CACHE) cache.delete(cache.keys().next().value!);
    }
    cache.set(sql, stmt);
    return stmt;
  };
  // A prepared statement's columns never change, and better-sqlite3 builds them afresh (an object
  // per column, through the C++ boundary) on every columns() call, which Prisma makes for every read.
  const columnsOf = new WeakMap<Statement, ReturnType<Statement["columns"]>>();
  const columns = (stmt: Statement) => {
    let c = columnsOf.get(stmt);
    if (!c) columnsOf.set(stmt, (c = stmt.columns()));
    return c;
  };
  const bound = (stmt: Statement, args: unknown[]) => ({
    reader: stmt.reader,
    run: () => stmt.run(args),
    columns: () => columns(stmt),
    raw: () => ({ all: () => stmt.raw(true).all(args) }),
  });
  client.prepare = ((sql: string) => {
    const stmt = cached(sql);
    return { reader: stmt.reader, bind: (args: unknown[]) => bound(stmt, args), run: (...args: unknown[]) => stmt.run(...args) };
  }) as unknown as Database["prepare"];
  return prepare;
}

function configure(client: Database): (sql: string) => Statement {
  const statement = cacheStatements(client);
  client.pragma("journal_mode = WAL");
  // Durable at every checkpoint, not every commit: with WAL, a power cut can lose the last
  // transactions but never corrupts the file. Plural remains the source of truth for payments.
  client.pragma("synchronous = NORMAL");
  client.pragma("foreign_keys = ON");
  return statement;
}

/** Prisma's driver adapter factory for a `file:` URL. */
export function sqliteAdapter(url: string): SqlMigrationAwareDriverAdapterFactory & { connection: () => SerializedSqlite | undefined } {
  const factory = new PrismaBetterSqlite3({ url, timeout: BUSY_TIMEOUT_MS });
  let connected: SerializedSqlite | undefined;
  const wrap = async (connect: () => Promise<SqlDriverAdapter>) => {
    const inner = (await connect()) as Inner;
    return new SerializedSqlite(inner, configure(inner.client));
  };
  return {
    provider: "sqlite",
    adapterName: factory.adapterName,
    connect: async () => (connected = await wrap(() => factory.connect())),
    connectToShadowDb: () => wrap(() => factory.connectToShadowDb()),
    /** The connection Prisma made (after its first query or $connect()). */
    connection: () => connected,
  };
}

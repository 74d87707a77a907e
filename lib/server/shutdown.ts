import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { env } from "@/lib/env";
import { log } from "@/lib/log";
import { forgetProcessGlobal, processGlobal } from "@/lib/process-global";

/**
 * Rolling restarts. A load balancer or an orchestrator sends SIGTERM, waits (often
 * 30 s), then SIGKILLs. Within SHUTDOWN_TIMEOUT_MS (8 s by default, never more than 9.5 s) the store:
 *
 * 1. stops taking work: readiness answers 503 at once, and every new request (also on a kept-alive
 *    connection) gets a 503 with `Connection: close` and `Retry-After`, so a balancer retries it
 *    elsewhere and Plural redelivers a webhook; the listening socket is closed;
 * 2. ends each live-status stream with a short `retry:` hint: the browser reconnects at once, to
 *    another instance (the pay page polls if it cannot);
 * 3. lets in-flight requests finish (a webhook is written and answered, or it was never answered 2xx)
 *    and the work they left behind (a webhook's Get Order follow-up, tracked by trackWork; if it
 *    cannot finish, Order.followUpAt already tells the sweep to do it);
 * 4. closes the database pool (and the LISTEN connection), then exits.
 *
 * Past the bound it exits anyway (code 1): nothing is lost, since every answered webhook is already
 * committed and every unanswered one will be redelivered.
 *
 * Next's own SIGTERM handler (next start and the standalone server.js) closes the server and waits
 * for every connection to end: an open event stream held it for as long as the order stayed open
 * (measured at over 30 s: docs/deploy.md). It is taken over here and called last, once nothing is left to wait for.
 * Where NEXT_MANUAL_SIG_HANDLE is set Next installs none, and this module exits by itself.
 */

const SHUTDOWN_DEFAULT_MS = 8_000;
/** What the module keeps back for closing the pool and Next's own cleanup. */
const CLOSE_MARGIN_MS = 1_500;

type Exit = (code: number) => void;
type State = {
  draining: boolean;
  startedAt: number;
  inflight: number;
  work: Set<Promise<unknown>>;
  streams: Set<() => void>;
  servers: Set<Server>;
  closers: Array<() => Promise<unknown>>;
  settled: Set<() => void>;
  installed: boolean;
};

// One per process (lib/process-global.ts): each route bundle would otherwise get its own state.
const state = (): State =>
  processGlobal<State>("storeLifecycle", () => ({
    draining: false,
    startedAt: 0,
    inflight: 0,
    work: new Set(),
    streams: new Set(),
    servers: new Set(),
    closers: [],
    settled: new Set(),
    installed: false,
  }));

/** Whether this instance is shutting down (readiness answers 503, new requests are refused). */
export function isDraining(): boolean {
  return state().draining;
}

/** The bound on a shutdown, from SHUTDOWN_TIMEOUT_MS (1 s to 9.5 s; 8 s when unset or unreadable). */
export function shutdownTimeoutMs(value: string | number | undefined = configuredTimeout()): number {
  const n = Number(value);
  if (!value || !Number.isFinite(n)) return SHUTDOWN_DEFAULT_MS;
  return Math.min(9_500, Math.max(1_000, Math.round(n)));
}

/** SHUTDOWN_TIMEOUT_MS through lib/env.ts; a shutdown stays bounded even when the configuration does not parse. */
function configuredTimeout(): number | undefined {
  try {
    return env().shutdownTimeoutMs;
  } catch {
    return undefined;
  }
}

const idle = (s: State) => s.inflight === 0 && s.work.size === 0;
function check(s: State) {
  if (idle(s)) for (const f of [...s.settled]) f();
}

/** The front door (lib/security/front-door.ts) learns of a server here, to close it on SIGTERM. */
export function watchServer(server: Server): void {
  state().servers.add(server);
}

/**
 * Called by the front door for every request before Next sees it. While draining it answers 503
 * itself and returns true; otherwise it counts the request as in flight until its response ends.
 */
export function admitRequest(req: IncomingMessage, res: ServerResponse): boolean {
  const s = state();
  if (s.draining) {
    refuse(req, res);
    return true;
  }
  s.inflight++;
  let done = false;
  const end = () => {
    if (done) return;
    done = true;
    s.inflight--;
    check(s);
  };
  res.once("finish", end);
  res.once("close", end);
  return false;
}

function refuse(req: IncomingMessage, res: ServerResponse) {
  const ready = (req.url ?? "").startsWith("/api/ready");
  const body = ready
    ? JSON.stringify({ ready: false, draining: true })
    : JSON.stringify({ error: "This server is restarting: try again (another instance answers)." });
  // The request's body is not read: the connection closes after the answer.
  res.shouldKeepAlive = false;
  res.writeHead(503, {
    "content-type": "application/json",
    "cache-control": "no-store",
    connection: "close",
    "retry-after": "1",
    "content-length": Buffer.byteLength(body),
  });
  res.end(body);
}

/** Work that outlives its request (a webhook's follow-up after the answer): the shutdown waits for it. */
export function trackWork<T>(work: Promise<T>): Promise<T> {
  const s = state();
  s.work.add(work);
  const done = () => {
    s.work.delete(work);
    check(s);
  };
  work.then(done, done);
  return work;
}

/** An open event stream: `end` is called when the shutdown starts (it sends a retry hint and closes). Returns the unregister. */
export function onShutdown(end: () => void): () => void {
  const s = state();
  if (s.draining) {
    queueMicrotask(end); // after the caller has finished setting the stream up
    return () => {};
  }
  s.streams.add(end);
  return () => s.streams.delete(end);
}

/** Something to close once the requests are done (the database pool, the LISTEN connection). */
export function closeOnShutdown(close: () => Promise<unknown>): void {
  state().closers.push(close);
}

/** What happened during a shutdown (logged, and returned for tests). */
export type ShutdownReport = { signal: string; waitedMs: number; inflightLeft: number; workLeft: number; streamsEnded: number; timedOut: boolean };

/**
 * Drains and closes, then hands over to `finish` (Next's own handler, which exits) or exits. Never
 * takes longer than `timeoutMs`: a timer, set first, exits the process at the bound whatever is left.
 */
export async function shutdown(
  signal: string,
  opts: { timeoutMs?: number; finish?: (signal: string) => void; exit?: Exit; now?: () => number } = {},
): Promise<ShutdownReport> {
  const s = state();
  const exit = opts.exit ?? ((code: number) => process.exit(code));
  const timeoutMs = opts.timeoutMs ?? shutdownTimeoutMs();
  const now = opts.now ?? Date.now;
  if (s.draining) return { signal, waitedMs: 0, inflightLeft: s.inflight, workLeft: s.work.size, streamsEnded: 0, timedOut: false };
  s.draining = true;
  s.startedAt = now();
  const hard = setTimeout(() => {
    log.error("server.shutdown_forced", { signal, timeoutMs, inflight: s.inflight, work: s.work.size });
    exit(1);
  }, timeoutMs);
  hard.unref();
  log.info("server.shutdown_started", { signal, timeoutMs, inflight: s.inflight, streams: s.streams.size });

  // 1. No new connections. Open ones are answered 503 (admitRequest) and closed once idle.
  for (const server of s.servers) {
    server.close(() => undefined);
    server.closeIdleConnections?.();
  }
  // 2. Streams end with a retry hint.
  const streamsEnded = s.streams.size;
  for (const end of [...s.streams]) {
    try {
      end();
    } catch {
      /* already closed */
    }
  }
  s.streams.clear();
  // 3. In-flight requests and their follow-ups, within the bound (less a margin for closing).
  const sweepIdle = setInterval(() => {
    for (const server of s.servers) server.closeIdleConnections?.();
  }, 100);
  const waitMs = Math.max(0, timeoutMs - CLOSE_MARGIN_MS);
  const timedOut = await new Promise<boolean>((resolve) => {
    if (idle(s)) return resolve(false);
    const t = setTimeout(() => {
      s.settled.delete(done);
      resolve(true);
    }, waitMs);
    const done = () => {
      clearTimeout(t);
      s.settled.delete(done);
      resolve(false);
    };
    s.settled.add(done);
  });
  clearInterval(sweepIdle);
  // 4. The pool and the LISTEN connection, each bounded.
  await Promise.all(s.closers.map((c) => Promise.race([c().catch(() => undefined), new Promise((r) => setTimeout(r, 1_000).unref())])));
  const report: ShutdownReport = { signal, waitedMs: now() - s.startedAt, inflightLeft: s.inflight, workLeft: s.work.size, streamsEnded, timedOut };
  log.info("server.shutdown_drained", report);
  for (const server of s.servers) {
    server.closeAllConnections?.();
    // Next's handler closes the server again: already closed here, that is not an error.
    const close = server.close.bind(server);
    server.close = ((cb?: (err?: Error) => void) => (server.listening ? close(cb) : (cb?.(), server))) as Server["close"];
  }
  if (opts.finish) opts.finish(signal);
  else exit(0);
  return report;
}

/**
 * Installs the SIGTERM/SIGINT handling (instrumentation.ts, once the server runs). Next's own
 * handlers, already installed by then, are taken off and called at the end of the drain.
 */
export function installShutdown(): void {
  const s = state();
  if (s.installed) return;
  s.installed = true;
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    const next = process.listeners(signal) as Array<(signal: string) => void>;
    process.removeAllListeners(signal);
    process.on(signal, () => {
      void shutdown(signal, { finish: next.length ? (sig) => next.forEach((l) => l(sig)) : undefined });
    });
  }
}

/** For tests: back to a fresh, non-draining state. */
export function resetShutdownState(): void {
  forgetProcessGlobal("storeLifecycle");
}

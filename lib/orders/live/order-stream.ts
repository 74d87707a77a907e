import { env } from "@/lib/env";
import { log } from "@/lib/log";
import { err, ok, type Result } from "@/lib/result";
import { STREAMS } from "@/lib/security/limits";
import { onOrderChange } from "./order-changes";
import { addressKey, RATE_LIMITED } from "../access/rate-limits";
import { confirmedStatus, storedStatus, storedStatusFor, type LiveStatus } from "./live-status";
import { isDecided } from "../status/statuses";
import { onShutdown } from "@/lib/server/shutdown";
import { processGlobal } from "@/lib/process-global";

/** Never re-check sooner than this (an order synced a moment ago), nor later than this. */
const CHECK_MIN_MS = 250;
const CHECK_MAX_MS = 30_000;
const HEARTBEAT_MS = 15_000;
/** The `retry:` a stream ends with when its instance shuts down: the browser reconnects within 0.5 to 1 s. */
const SHUTDOWN_RETRY_MS = 500;

/**
 * Streams open in this process: in all, per client address and per order (each holds a socket, a
 * timer and a listener, so one shopper may not open dozens; docs/security.md). They
 * are per instance, as the sockets they hold are.
 */
const open = () => processGlobal("openStreams", () => ({ total: 0, byAddress: new Map<string, number>(), byOrder: new Map<string, number>() }));
const bump = (m: Map<string, number>, k: string, d: number) => {
  const n = (m.get(k) ?? 0) + d;
  if (n > 0) m.set(k, n);
  else m.delete(k);
};

/** How many streams are open in this process (tests, benchmarks). */
export function openStreamCount(): number {
  return open().total;
}

const BUSY = "Too many live updates are open here just now: this page checks for news every few seconds instead.";

/**
 * A Server-Sent Events stream of one order's status: the current one at once, then every change as
 * soon as any instance applies it (onOrderChange), and a safety net that confirms with Plural when
 * no news came for a while (at most once per interval per order, across pollers and instances). It
 * ends when the order is decided, or after STREAMS.lifetimeMs (the payment window; the browser
 * reconnects if it still cares). "not_found" when the order does not exist or is not the caller's;
 * "rate_limited" past a cap: STREAMS.perOrder per order, STREAMS.perAddress per client address
 * (IPv6: per /64) and EVENT_STREAMS_MAX in all. The page then polls the status route instead.
 */
export async function openOrderStream(
  orderId: string,
  signal: AbortSignal,
  cookies: Parameters<typeof storedStatusFor>[1],
  opts: { address?: string } = {},
): Promise<Result<ReadableStream<Uint8Array>, "not_found" | typeof RATE_LIMITED>> {
  const counts = open();
  const address = addressKey(opts.address);
  // The cheap refusals first, before any read: a flood costs a comparison each.
  if (counts.total >= env().eventStreamsMax || (counts.byAddress.get(address) ?? 0) >= STREAMS.perAddress) return err(BUSY, RATE_LIMITED);
  counts.total++;
  bump(counts.byAddress, address, 1);
  let held = true;
  let orderHeld = false;
  const release = () => {
    if (!held) return;
    held = false;
    counts.total--;
    bump(counts.byAddress, address, -1);
    if (orderHeld) bump(counts.byOrder, orderId, -1);
  };
  try {
    // Only its own shopper may follow it (lib/orders/access/order-access.ts); anyone else gets a 404.
    const first = await storedStatusFor(orderId, cookies);
    if (!first) {
      release();
      return err("Order not found.", "not_found");
    }
    if ((counts.byOrder.get(orderId) ?? 0) >= STREAMS.perOrder || signal.aborted) {
      release();
      return err(BUSY, RATE_LIMITED);
    }
    bump(counts.byOrder, orderId, 1);
    orderHeld = true;
    return ok(statusStream(orderId, signal, release));
  } catch (e) {
    release();
    throw e;
  }
}

/** The stream itself; `release` frees its place in the counts, once, whichever way it ends. */
function statusStream(orderId: string, signal: AbortSignal, release: () => void): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let stop = () => {};
  return new ReadableStream<Uint8Array>({
    async start(controller) {
      let last = "";
      let closed = false;
      const write = (text: string) => {
        if (!closed) controller.enqueue(encoder.encode(text));
      };
      const send = (s: LiveStatus) => {
        const data = JSON.stringify(s);
        if (data === last) return;
        last = data;
        write(`data: ${data}\n\n`);
        if (isDecided(s.status)) close();
      };
      let safety: ReturnType<typeof setTimeout> | undefined;
      // The safety net: when the order's record goes stale, confirm with Plural (once per interval per
      // order, whichever instance or page asks), then wait for the next time it goes stale.
      const confirm = async () => {
        let next = CHECK_MAX_MS;
        try {
          const c = await confirmedStatus(orderId);
          if (c) send(c.status);
          if (c?.staleInMs != null) next = c.staleInMs;
        } catch (e) {
          log.warn("orders.stream_read_failed", { orderId, error: (e as Error).message });
        }
        if (!closed) safety = setTimeout(() => void confirm(), Math.min(CHECK_MAX_MS, Math.max(CHECK_MIN_MS, next + 50)));
      };
      const check = async () => {
        try {
          const s = await storedStatus(orderId);
          if (s) send(s);
        } catch (e) {
          log.warn("orders.stream_read_failed", { orderId, error: (e as Error).message });
        }
      };
      const close = () => {
        if (closed) return;
        stop();
        closed = true;
        try {
          controller.close();
        } catch {
          /* the client went away first */
        }
      };
      const sub = onOrderChange(orderId, () => void check());
      const heartbeat = setInterval(() => write(`event: ping\ndata: {}\n\n`), HEARTBEAT_MS);
      // A rolling restart (lib/server/shutdown.ts): reconnect soon, spread out, to another instance.
      const leaving = onShutdown(() => {
        write(`retry: ${SHUTDOWN_RETRY_MS + Math.floor(Math.random() * SHUTDOWN_RETRY_MS)}\n\n`);
        close();
      });
      // Never longer than the payment window: an abandoned stream ends with what it waits for.
      const lifetime = setTimeout(close, STREAMS.lifetimeMs);
      stop = () => {
        leaving();
        sub.unsubscribe();
        clearTimeout(safety);
        clearInterval(heartbeat);
        clearTimeout(lifetime);
        release();
      };
      signal.addEventListener("abort", close);
      write(`retry: 2000\n\n`);
      // Subscribed before reading: no change can fall between the read and the subscription.
      await Promise.race([sub.ready, new Promise((r) => setTimeout(r, 2_000))]);
      await confirm();
    },
    cancel() {
      stop();
    },
  });
}

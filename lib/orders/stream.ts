import { log } from "@/lib/log";
import { onOrderChange } from "./changes";
import { confirmedStatus, storedStatus, storedStatusFor, type LiveStatus } from "./live-status";
import { isDecided } from "./statuses";

/** Never re-check sooner than this (an order synced a moment ago), nor later than this. */
const CHECK_MIN_MS = 250;
const CHECK_MAX_MS = 30_000;
const HEARTBEAT_MS = 15_000;

/**
 * A Server-Sent Events stream of one order's status: the current one at once, then every change as
 * soon as any instance applies it (onOrderChange), and a safety net that confirms with Plural when
 * no news came for a while (at most once per interval per order, across pollers and instances). It
 * ends when the order is decided. Null when the order does not exist or is not the caller's.
 */
export async function orderStatusStream(
  orderId: string,
  signal: AbortSignal,
  cookies: Parameters<typeof storedStatusFor>[1],
): Promise<ReadableStream<Uint8Array> | null> {
  // Only its own shopper may follow it (lib/orders/access.ts); anyone else gets a 404.
  const first = await storedStatusFor(orderId, cookies);
  if (!first) return null;
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
      stop = () => {
        sub.unsubscribe();
        clearTimeout(safety);
        clearInterval(heartbeat);
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

"use client";

import { useEffect, useRef } from "react";
import type { OrderStatus, PaymentStatus } from "@/lib/orders/status/statuses";

export type StatusAnswer = { status: OrderStatus; payment: { id: string; status: PaymentStatus; errorCode: string | null } | null };

/** Without a message (or a ping, every 15 s) for this long, the stream is taken for dead. */
const STREAM_SILENCE_MS = 35_000;
const POLL_FIRST_MS = 1_500;
const POLL_MAX_MS = 15_000;

/**
 * Follows an order's status and hands each answer to `onAnswer`, which returns true to stop.
 * The server pushes every change (Server-Sent Events, /api/orders/[id]/events); where the stream
 * cannot be had (an old proxy, a network that drops it) the status route is polled instead, backing
 * off from 1.5 s to 15 s. Coming back to the tab checks at once.
 */
export function useOrderStatus(orderId: string, onAnswer: (answer: StatusAnswer) => boolean) {
  const handler = useRef(onAnswer);
  useEffect(() => {
    handler.current = onAnswer;
  });
  useEffect(() => {
    let done = false;
    let stream: EventSource | undefined;
    let pollTimer: ReturnType<typeof setTimeout> | undefined;
    let delay = POLL_FIRST_MS;
    let heardAt = Date.now();

    const handle = (answer: StatusAnswer) => {
      if (!done && handler.current(answer)) finish();
    };
    const check = async () => {
      try {
        const res = await fetch(`/api/orders/${orderId}/status`, { cache: "no-store" });
        if (res.ok) handle((await res.json()) as StatusAnswer);
      } catch {
        /* offline for a moment: the next check tries again */
      }
    };
    const poll = async () => {
      await check();
      if (!done) {
        pollTimer = setTimeout(poll, delay);
        delay = Math.min(delay * 2, POLL_MAX_MS);
      }
    };
    const fallBackToPolling = () => {
      stream?.close();
      stream = undefined;
      if (!done && !pollTimer) pollTimer = setTimeout(poll, POLL_FIRST_MS);
    };
    const onVisible = () => {
      if (document.visibilityState === "visible" && !done) void check();
    };
    const watchdog = setInterval(() => {
      if (stream && Date.now() - heardAt > STREAM_SILENCE_MS) fallBackToPolling();
    }, 5_000);
    function finish() {
      done = true;
      stream?.close();
      clearTimeout(pollTimer);
      clearInterval(watchdog);
      document.removeEventListener("visibilitychange", onVisible);
    }

    if (typeof EventSource === "function") {
      stream = new EventSource(`/api/orders/${orderId}/events`);
      stream.onmessage = (e) => {
        heardAt = Date.now();
        handle(JSON.parse(e.data) as StatusAnswer);
      };
      stream.addEventListener("ping", () => (heardAt = Date.now()));
      // CONNECTING: the browser reconnects by itself. CLOSED: the server refused the stream.
      stream.onerror = () => {
        if (stream?.readyState === EventSource.CLOSED) fallBackToPolling();
      };
    } else {
      pollTimer = setTimeout(poll, POLL_FIRST_MS);
    }
    document.addEventListener("visibilitychange", onVisible);
    return finish;
  }, [orderId]);
}

"use client";

import { useEffect, useRef } from "react";

export type StatusAnswer = { status: string; payment: { id: string; status: string; errorCode: string | null } | null };

/**
 * Polls the order's status route about every 1.5 s and hands each answer to `onAnswer`, which
 * returns true to stop. Network hiccups are ignored: the next poll tries again.
 */
export function useOrderStatus(orderId: string, onAnswer: (answer: StatusAnswer) => boolean) {
  const handler = useRef(onAnswer);
  useEffect(() => {
    handler.current = onAnswer;
  });
  useEffect(() => {
    let stop = false;
    let timer: ReturnType<typeof setTimeout>;
    const poll = async () => {
      try {
        const res = await fetch(`/api/orders/${orderId}/status`, { cache: "no-store" });
        if (res.ok && handler.current((await res.json()) as StatusAnswer)) return;
      } catch {
        /* offline for a moment: keep trying */
      }
      if (!stop) timer = setTimeout(poll, 1500);
    };
    timer = setTimeout(poll, 1500);
    return () => {
      stop = true;
      clearTimeout(timer);
    };
  }, [orderId]);
}

"use client";

import { useEffect, useState } from "react";

/**
 * Seconds left until `until` (an ISO time from the server: the payment's creation plus its window),
 * ticking each second; null before the first tick. Derived from the server's time, not from when the
 * page loaded, so a reload shows the same countdown.
 */
export function useCountdown(until: string | undefined): number | null {
  const [left, setLeft] = useState<number | null>(null);
  useEffect(() => {
    if (!until) return;
    const tick = () => setLeft(Math.max(0, Math.floor((Date.parse(until) - Date.now()) / 1000)));
    tick();
    const t = setInterval(tick, 1000);
    return () => clearInterval(t);
  }, [until]);
  return until ? left : null;
}

export const formatLeft = (s: number) => `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;

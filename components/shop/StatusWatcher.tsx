"use client";

import { useRouter } from "next/navigation";
import { useEffect } from "react";

/** Refreshes the page when the order's status changes (the result page while a payment is pending). */
export function StatusWatcher({ orderId, status }: { orderId: string; status: string }) {
  const router = useRouter();
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout>;
    let stop = false;
    const poll = async () => {
      try {
        const res = await fetch(`/api/orders/${orderId}/status`, { cache: "no-store" });
        if (res.ok && (await res.json()).status !== status) {
          router.refresh();
          return;
        }
      } catch {
        /* try again */
      }
      if (!stop) timer = setTimeout(poll, 1500);
    };
    timer = setTimeout(poll, 1500);
    return () => {
      stop = true;
      clearTimeout(timer);
    };
  }, [orderId, status, router]);
  return null;
}

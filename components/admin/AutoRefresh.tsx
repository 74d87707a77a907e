"use client";

import { useRouter } from "next/navigation";
import { useEffect } from "react";

/**
 * Re-renders the page from the server every few seconds while it waits for news from Plural (a
 * refund's outcome, then the parent order's new status), so the merchant never has to reload.
 */
export function AutoRefresh({ everyMs = 2000, children }: { everyMs?: number; children?: React.ReactNode }) {
  const router = useRouter();
  useEffect(() => {
    const t = setInterval(() => router.refresh(), everyMs);
    return () => clearInterval(t);
  }, [router, everyMs]);
  return (
    <p aria-live="polite" className="text-sm text-slate-600">
      {children}
    </p>
  );
}

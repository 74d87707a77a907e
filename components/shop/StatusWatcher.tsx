"use client";

import { useRouter } from "next/navigation";
import { useOrderStatus } from "./useOrderStatus";

/** Refreshes the page when the order's status changes (the result page while a payment is pending). */
export function StatusWatcher({ orderId, status }: { orderId: string; status: string }) {
  const router = useRouter();
  useOrderStatus(orderId, (s) => {
    if (s.status === status) return false;
    router.refresh();
    return true;
  });
  return null;
}

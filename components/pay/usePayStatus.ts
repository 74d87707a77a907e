"use client";

import { useState } from "react";
import type { ActivePayment } from "@/lib/orders/payments/start-payment";
import { isDecided } from "@/lib/orders/status/statuses";
import { useOrderStatus } from "@/components/shop/useOrderStatus";

const WAITING = "Waiting for your payment…";

/**
 * Follows the order (useOrderStatus: pushed, polled where it must be, and checked at once when the
 * tab becomes visible again) and says what happened:
 * - settled, or this payment failed: a full load of the result page (the header's cart count too);
 * - this payment expired while the order still accepts attempts: stay, and offer a new QR;
 * - cancelled (most often by this shopper's own "Cancel", whose action goes to the cart): stay put.
 */
export function usePayStatus(orderId: string, payment: ActivePayment | null) {
  const [text, setText] = useState(WAITING);
  const [expiredId, setExpiredId] = useState<string | null>(null);
  useOrderStatus(orderId, (s) => {
    const mine = payment && s.payment?.id === payment.id ? s.payment : null;
    const mineFailed = !!mine && mine.status !== "PENDING";
    if (s.status === "ATTEMPTED" && mineFailed && mine.errorCode === "PAYMENT_EXPIRED") {
      setExpiredId(mine.id);
      return false;
    }
    if (!isDecided(s.status) && !(s.status === "ATTEMPTED" && mineFailed)) return false;
    if (s.status === "CANCELLED") {
      setText("This order was cancelled.");
      return true;
    }
    setText(s.status === "PROCESSED" || s.status === "AUTHORIZED" ? "Payment received. Taking you to your receipt…" : "The payment did not go through.");
    // eslint-disable-next-line @next/next/no-location-assign-relative-destination
    window.location.assign(`/orders/${orderId}`);
    return true;
  });
  return { text, expiredId };
}

/** The redirect flow: Plural's challenge_url is a web page, not a UPI link. */
export function isRedirect(payment: ActivePayment | null): boolean {
  return !!payment?.challengeUrl && /^https?:\/\//.test(payment.challengeUrl);
}

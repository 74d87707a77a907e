"use client";

import { useRouter } from "next/navigation";
import { useCallback, useEffect, useRef, useState, useTransition } from "react";
import type { Result } from "@/lib/result";
import type { ActivePayment, StartMode } from "@/lib/orders/payments/start-payment";

export type StartPayment = (orderId: string, mode: StartMode, vpa?: string) => Promise<Result<ActivePayment>>;

/**
 * Starting a payment through the server action: its pending state and its error, then a refresh so
 * the server renders the new payment (and its QR).
 */
export function usePaymentStart(orderId: string, start: StartPayment) {
  const router = useRouter();
  const [error, setError] = useState("");
  // What the page can offer with the error: the QR where collect is not enabled, collect where the QR is not (lib/orders/payments/refusals.ts).
  const [offer, setOffer] = useState<string | undefined>();
  const [pending, startTransition] = useTransition();
  const begin = useCallback(
    (mode: StartMode, payer?: string, onStarted?: () => void) =>
      startTransition(async () => {
        setError("");
        setOffer(undefined);
        const r = await start(orderId, mode, payer);
        if (!r.ok) {
          setError(r.error);
          setOffer(r.code);
        } else onStarted?.();
        router.refresh();
      }),
    [orderId, start, router],
  );
  return { begin, pending, error, offer };
}

/** Calls `run` once, the first time `when` is true (a reload reuses the payment: the server returns the same one). */
export function useStartOnce(when: boolean, run: () => void) {
  const started = useRef(false);
  useEffect(() => {
    if (when && !started.current) {
      started.current = true;
      run();
    }
  }, [when, run]);
}

import { sweepAdminSessions } from "@/lib/admin-auth";
import { log } from "@/lib/log";
import { sweepAbandonedCarts } from "@/lib/orders/cart/cart";
import { sweepExpiredLimits } from "@/lib/security/throttle";

/**
 * What expires is deleted: rate-limit counts whose window ended (RateLimit), console
 * sessions that expired or belong to an earlier ADMIN_PASSWORD (AdminSession), and carts whose
 * cookie can no longer exist. Every instance may run it; each statement is a plain indexed DELETE.
 */
export async function housekeeping(now = Date.now()): Promise<{ limits: number; sessions: number; carts: number }> {
  const [limits, sessions, carts] = [await sweepExpiredLimits(now), await sweepAdminSessions(now), await sweepAbandonedCarts(now)];
  if (limits + sessions + carts > 0) log.info("housekeeping.swept", { limits, sessions, carts });
  return { limits, sessions, carts };
}

/** Runs housekeeping every `everyMs` (10 minutes by default), in the background of the server. */
export function startHousekeeping(everyMs = 10 * 60_000): () => void {
  const run = () =>
    housekeeping().catch((e: unknown) => {
      log.warn("housekeeping.failed", { error: (e as Error).message });
    });
  const first = setTimeout(run, 30_000);
  const timer = setInterval(run, everyMs);
  first.unref();
  timer.unref();
  return () => {
    clearTimeout(first);
    clearInterval(timer);
  };
}

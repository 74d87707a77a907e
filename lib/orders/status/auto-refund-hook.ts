import { log } from "@/lib/log";
import { processGlobal } from "@/lib/process-global";

/**
 * How applyStatus starts the automatic refund of a late payment without importing late-payments.ts.
 *
 * The refund goes late-payments.ts → console/order-actions.ts (refundOrder) → sync/sync-order.ts →
 * applyStatus: a module graph where apply.ts imported late-payments.ts would be a cycle. So late-payments.ts registers its handler here when it loads
 * (lib/orders/index.ts and reconcile.ts load it), and applyStatus calls whatever is registered,
 * after its commit and without waiting. Nothing is lost if no handler is registered yet or this
 * process dies first: the order keeps its autoRefundAt and the sweep refunds it (reconcile.ts).
 */
type AutoRefund = (orderId: string) => Promise<void>;
const handler = () => processGlobal<{ run?: AutoRefund }>("orderAutoRefund", () => ({}));

export function registerAutoRefund(run: AutoRefund): void {
  handler().run = run;
}

/** Starts the registered automatic refund of `orderId`, not awaited; a failure is logged. */
export function startAutoRefund(orderId: string): void {
  const run = handler().run;
  if (!run) return;
  void run(orderId).catch((e: unknown) => log.error("orders.auto_refund_failed", { orderId, error: String(e) }));
}

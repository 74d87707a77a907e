import type { Core } from "./core";
import type { Orders } from "./orders";
import type { Refunds } from "./refunds";
import type { Settlements } from "./settlements";

/**
 * Time passing: automatic answers (test VPAs and amounts), payment expiry and refund settlement,
 * applied when they fall due. Only due orders are touched (a heap of timers), so a tick costs
 * nothing when nothing is due, however many orders the sandbox holds.
 */
export class Clock {
  private advancing = false;

  constructor(
    private readonly core: Core,
    private readonly orders: Orders,
    private readonly refunds: Refunds,
    private readonly settlements?: Settlements,
  ) {}

  /** Applies everything whose time has come; may send webhooks. */
  advance() {
    if (this.advancing) return;
    this.advancing = true;
    try {
      const t = this.core.now();
      for (let order = this.core.records.takeDue(t); order; order = this.core.records.takeDue(t)) {
        if (order.type === "REFUND") {
          const auto = order.payments[0]?.auto;
          if (order.status === "PENDING" && auto && auto.at <= t) this.refunds.settle(order, auto.outcome === "approve");
          continue;
        }
        for (const p of order.payments) {
          if (order.status !== "PENDING" || p.status !== "PENDING") continue;
          if (p.auto && p.auto.at <= t && p.auto.at < p.expires_at) {
            if (p.auto.outcome === "approve") this.orders.approve(p.id);
            else this.orders.decline(p.id, p.auto.code);
          } else if (p.expires_at <= t) {
            this.orders.decline(p.id, "PAYMENT_EXPIRED");
          }
        }
        this.core.records.reindex(order);
      }
      this.settlements?.advance();
    } finally {
      this.advancing = false;
    }
  }
}

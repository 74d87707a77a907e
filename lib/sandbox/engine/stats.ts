/** The API operations, as fault rules and call counters name them. */
export const OPERATIONS = ["token", "createOrder", "getOrder", "getOrderByReference", "createPayment", "capture", "cancel", "refund"] as const;
export type Operation = (typeof OPERATIONS)[number];
/** Settlement reads: counted and open to faults like the others, listed in the counters once called. */
export const SETTLEMENT_OPERATIONS = ["listSettlements", "getSettlement"] as const;
export type SettlementOperation = (typeof SETTLEMENT_OPERATIONS)[number];

/**
 * Calls to the API by operation, for benchmarks ("how many Get Order calls did one checkout
 * cost?"). Counted after authentication, whether the call succeeded or not; injected faults count.
 * In memory only: a restart or `POST /sandbox/control/stats/reset` starts again from zero.
 */
export class CallStats {
  private calls = new Map<string, number>();
  private since: number;

  constructor(private readonly now: () => number) {
    this.since = now();
  }

  count(op: string) {
    this.calls.set(op, (this.calls.get(op) ?? 0) + 1);
  }

  read(): { calls: Record<string, number>; since: string } {
    const calls: Record<string, number> = Object.fromEntries(OPERATIONS.map((op) => [op, 0]));
    for (const [op, n] of this.calls) calls[op] = n;
    return { calls, since: new Date(this.since).toISOString() };
  }

  reset() {
    this.calls.clear();
    this.since = this.now();
  }
}

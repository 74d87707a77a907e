import { env } from "@/lib/env";
import { err, ok, type Result } from "@/lib/result";
import { throttleUnit } from "@/lib/security/ip";
import { PLURAL_BUDGET, SHOP_LIMITS, type Limit } from "@/lib/security/limits";
import { firstOver, hit, waitText } from "@/lib/security/throttle";

/**
 * What one shopper, and all of them together, may start (so that a script cannot create carts,
 * orders, Plural orders and collect requests without end; docs/security.md). Counted in the database, so the limits
 * hold across instances (lib/security/throttle.ts: one statement per check). A refusal is an error
 * with the code "rate_limited" and a message that says how long to wait; the actions answer it
 * with a 429 (lib/security/answer-status.ts).
 */
export const RATE_LIMITED = "rate_limited";
export type RateLimited = typeof RATE_LIMITED;

const SAY: Record<string, (wait: string) => string> = {
  [SHOP_LIMITS.cartsPerAddress.name]: (w) => `Too many new carts from your network just now. Please try again in ${w}.`,
  [SHOP_LIMITS.ordersPerCart.name]: (w) => `You have placed several orders in a short time. Please try again in ${w}.`,
  [SHOP_LIMITS.ordersPerAddress.name]: (w) => `Too many orders from your network just now. Please try again in ${w}.`,
  [SHOP_LIMITS.paymentsPerCart.name]: (w) => `Too many payment attempts in a short time. Please try again in ${w}.`,
  [SHOP_LIMITS.paymentsPerAddress.name]: (w) => `Too many payment attempts from your network just now. Please try again in ${w}.`,
  [PLURAL_BUDGET.name]: (w) => `The payment service is busy right now. Please try again in ${w}.`,
};

/** The unit an address is counted by (IPv6: its /64); "unknown" when the front door did not see it. */
export const addressKey = (address: string | undefined) => (address ? throttleUnit(address) : "unknown");

/** Counts one more of each (limit, subject) and refuses when any is over its limit. */
export async function withinLimits(pairs: ReadonlyArray<readonly [Limit, string]>, now = Date.now()): Promise<Result<void, RateLimited>> {
  const over = firstOver(await hit(pairs, now), now);
  if (!over) return ok();
  return err((SAY[over.limit.name] ?? ((w: string) => `Too many requests just now. Please try again in ${w}.`))(waitText(over.retryAfterMs)), RATE_LIMITED);
}

/**
 * One Plural call a shopper's request is about to cause (a Plural order, a payment, a Get Order):
 * counted against the store-wide budget per minute (PLURAL_CALLS_PER_MINUTE), so that a flood of
 * shoppers, real or not, cannot use up the merchant's quota at Plural. The console, the sweeps and
 * Plural's own webhooks are not counted: they are the merchant's and Plural's, and bounded already.
 */
export function spendPluralCall(now = Date.now()): Promise<Result<void, RateLimited>> {
  return withinLimits([pluralCall()], now);
}

/** One Plural call against the budget, as a pair for withinLimits: a shopper's limits and the call it causes, counted in one statement. */
export const pluralCall = () => [{ ...PLURAL_BUDGET, points: env().pluralCallsPerMinute }, "all"] as const;

/**
 * A shopper request's budget: `prepaid` calls already counted with its limits (one statement), then
 * each further call counted on its own. `spend()` answers whether the next call may go.
 */
export function pluralBudget(prepaid: number) {
  let left = prepaid;
  return async (): Promise<Result<void, RateLimited>> => (left-- > 0 ? ok() : spendPluralCall());
}

/**
 * Security limits in one place, so that each is found, tuned and reviewed once.
 */

/** A rate limit: at most `points` in `windowMs`, counted per subject in the database (lib/security/throttle.ts). */
export type Limit = { readonly name: string; readonly points: number; readonly windowMs: number };

const MINUTE = 60_000;

/**
 * Merchant-console sign-in (lib/security/throttle.ts beginSignIn): failures counted per client
 * address (the lock), per network and for everyone (a growing wait, never a refusal).
 */
export const SIGN_IN = {
  /** Failures from one address (IPv6: one /64) before it is refused for the rest of the window. */
  address: { name: "signin:addr", points: 5, windowMs: 15 * MINUTE },
  /** Failures from one network (IPv4 /24, IPv6 /48): they slow its sign-ins down. */
  network: { name: "signin:net", points: Number.MAX_SAFE_INTEGER, windowMs: 15 * MINUTE },
  /** Failures from everyone: they slow every sign-in down, and never refuse one. */
  everyone: { name: "signin:all", points: Number.MAX_SAFE_INTEGER, windowMs: 15 * MINUTE },
  /** The first wait, which doubles as failures mount, up to the longest. */
  baseDelayMs: 250,
  maxDelayMs: 3_000,
} as const satisfies Record<string, Limit | number>;

/**
 * What one shopper (a cart, an address: IPv4, or an IPv6 /64) may start in a window. A person
 * shopping never comes near them; a script creating carts, orders and Plural calls in a loop does.
 * Each is answered with a 429 and a message that says how long to wait (lib/orders/access/rate-limits.ts).
 */
export const SHOP_LIMITS = {
  cartsPerAddress: { name: "cart:addr", points: 30, windowMs: 10 * MINUTE },
  ordersPerCart: { name: "order:cart", points: 10, windowMs: 10 * MINUTE },
  ordersPerAddress: { name: "order:addr", points: 30, windowMs: 10 * MINUTE },
  paymentsPerCart: { name: "pay:cart", points: 30, windowMs: 10 * MINUTE },
  paymentsPerAddress: { name: "pay:addr", points: 60, windowMs: 10 * MINUTE },
} as const satisfies Record<string, Limit>;

/**
 * Collect requests (a payment request pushed to a UPI ID, in the merchant's name): per order, at
 * most `payers` different UPI IDs and `requests` requests in all, at least `cooldownMs` apart.
 */
export const COLLECT = { payers: 3, requests: 6, cooldownMs: 20_000 } as const;

/** Plural calls a flood of shoppers may cause per minute, store-wide (PLURAL_CALLS_PER_MINUTE overrides). */
export const PLURAL_BUDGET = { name: "plural:calls", windowMs: MINUTE, defaultPerMinute: 600 } as const;

/**
 * Server-Sent Events streams (/api/orders/[id]/events), per instance: each holds a socket, a timer
 * and a listener. Past a cap the stream is refused with a 429 and the page polls instead.
 * `lifetimeMs` is the payment window: a stream never outlives what it waits for.
 */
export const STREAMS = { perOrder: 3, perAddress: 10, defaultMax: 500, lifetimeMs: 15 * MINUTE } as const;

/**
 * Request bodies, in bytes. Plural's webhooks and returns are a few KB; the largest form (checkout)
 * is under 2 KB. The front door (lib/security/front-door.ts) refuses a Content-Length over the limit
 * before Next reads a byte; the two routes that accept bodies without a length (Plural's servers may
 * stream) count while reading (lib/http/body.ts). next.config.ts gives Next's own server-action
 * limit the same value.
 */
export const BODY_LIMITS = {
  webhook: 64 * 1024,
  return: 16 * 1024,
  /** Pages (server actions, no-JS form posts), the sandbox's API, and anything else. */
  other: 64 * 1024,
} as const;

export type BodyRule = { limit: number; /** May the body come without a length (chunked)? Only where a handler counts while reading. */ streaming: boolean };

export function bodyRule(pathname: string): BodyRule {
  if (pathname === "/api/plural/webhook") return { limit: BODY_LIMITS.webhook, streaming: true };
  if (pathname === "/api/plural/return") return { limit: BODY_LIMITS.return, streaming: true };
  return { limit: BODY_LIMITS.other, streaming: false };
}

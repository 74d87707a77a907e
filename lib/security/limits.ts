/**
 * Security limits in one place (ENGINEERING.md habit 12).
 */

/** Merchant-console sign-in: failures counted per client address and for everyone together, per window. */
export const SIGN_IN = {
  windowMs: 15 * 60 * 1000,
  /** Failures from one address (IPv6: one /64) before it is refused for the rest of the window. */
  perAddress: 5,
  /** Failures from all addresses together before every sign-in is refused for the rest of the window. */
  global: 50,
} as const;

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

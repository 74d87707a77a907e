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

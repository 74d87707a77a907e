/**
 * One error type for everything that can go wrong talking to Plural. Messages never carry tokens,
 * secrets or payer VPAs: `redact` scrubs anything that looks like one before it is stored.
 */
export type PluralErrorKind = "http" | "network" | "timeout" | "validation" | "response";

const BRAND = Symbol.for("plural-upi-storefront.PluralError");

export class PluralError extends Error {
  /**
   * Next bundles a module once per route, so a client made in one route can throw another
   * bundle's copy of this class. The brand makes `instanceof` true for every copy.
   */
  static [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
  }
  readonly [BRAND] = true;

  readonly kind: PluralErrorKind;
  /** HTTP status, or 0 when no HTTP answer was received. */
  readonly status: number;
  /** Plural's `code` (e.g. ORDER_NOT_FOUND), or our own for non-HTTP failures. */
  readonly code: string;
  readonly requestId: string | undefined;
  /** Whether the same request may be sent again later with a chance of success. */
  readonly retryable: boolean;
  readonly details: unknown;

  constructor(init: { kind: PluralErrorKind; status?: number; code: string; message: string; requestId?: string; retryable?: boolean; details?: unknown }) {
    super(redact(init.message));
    this.name = "PluralError";
    this.kind = init.kind;
    this.status = init.status ?? 0;
    this.code = init.code;
    this.requestId = init.requestId;
    this.retryable = init.retryable ?? false;
    this.details = init.details;
  }

  /**
   * Plural says the order does not exist: its ORDER_NOT_FOUND, which arrives as 404 or 422 (Pine Labs'
   * "Error Codes" page gives both). A 404 without it (a proxy's HTML page, a gateway's own JSON) is an upstream fault, not this.
   */
  get isNotFound(): boolean {
    return this.code === "ORDER_NOT_FOUND";
  }

  /** The same request was already processed (Pine Labs' "Error Codes" page): what it made exists, and can be read. */
  get isDuplicate(): boolean {
    return this.code === "DUPLICATE_REQUEST";
  }

  toJSON() {
    return {
      name: this.name,
      kind: this.kind,
      status: this.status,
      code: this.code,
      message: this.message,
      requestId: this.requestId,
      retryable: this.retryable,
    };
  }
}

const VPA_LIKE = /[A-Za-z0-9._-]{2,256}@[A-Za-z][A-Za-z0-9.-]{1,63}/g;
const BEARER = /Bearer\s+[A-Za-z0-9._~+/=-]+/gi;
const JWT_LIKE = /eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g;

/** Removes bearer tokens, JWTs and VPA/e-mail-like strings from free text. */
export function redact(text: string): string {
  return text.replace(BEARER, "Bearer [redacted]").replace(JWT_LIKE, "[redacted-token]").replace(VPA_LIKE, "[redacted-vpa]");
}

/**
 * Scrubbing for anything that leaves the process as text (log lines, mostly). Two rules:
 * - a value under a secret-looking key is replaced whole, at any depth, in objects and arrays;
 * - any string, under any key, loses what looks like a bearer token, a JWT, a UPI ID or e-mail
 *   address, or a phone number.
 */

const REDACTED = "[redacted]";

/** Keys whose values are never logged: credentials, signatures, and the payer's identity. */
const SECRET_KEY =
  /secret|token|signature|passw|authori[sz]ation|cookie|api[-_]?key|credential|^sig$|vpa|upi[-_]?id|payer|phone|mobile|msisdn|e[-_]?mail|^pa$|^x-api/i;

const BEARER = /Bearer\s+[A-Za-z0-9._~+/=-]+/gi;
const JWT_LIKE = /eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g;
/** user@psp (a UPI ID) and name@domain.tld (an e-mail) have the same shape. */
const HANDLE_LIKE = /[A-Za-z0-9._%+-]{2,256}@[A-Za-z][A-Za-z0-9.-]{1,63}/g;
/** +91 98765 43210, +919876543210, +1-415-555-0100: an international number, anywhere in a string. */
const INTL_PHONE = /\+\d{1,3}[\s-]?\d{2,5}[\s-]?\d{3,5}[\s-]?\d{0,5}\b/g;
/** A string that is only an Indian mobile number (10 digits from 6-9, maybe with a 0). */
const BARE_MOBILE = /^0?[6-9]\d{9}$/;

const isSecretKey = (key: string) => SECRET_KEY.test(key);

/** Scrubs free text. */
export function redactText(text: string): string {
  if (BARE_MOBILE.test(text)) return REDACTED;
  return text.replace(BEARER, "Bearer [redacted]").replace(JWT_LIKE, "[redacted-token]").replace(HANDLE_LIKE, REDACTED).replace(INTL_PHONE, REDACTED);
}

const MAX_DEPTH = 8;

/** A deep copy with secrets removed (see the rules above). Cycles and very deep values are cut. */
export function redactDeep(value: unknown, depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === "string") return redactText(value);
  if (value === null || typeof value !== "object") return typeof value === "function" || typeof value === "symbol" ? undefined : value;
  if (value instanceof Date) return value.toISOString();
  if (seen.has(value)) return "[circular]";
  if (depth >= MAX_DEPTH) return "[too deep]";
  seen.add(value);
  try {
    if (Array.isArray(value)) return value.map((v) => redactDeep(v, depth + 1, seen));
    if (value instanceof Error) {
      const code = (value as { code?: unknown }).code;
      return { name: value.name, message: redactText(value.message), ...(typeof code === "string" ? { code } : {}) };
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = isSecretKey(k) ? REDACTED : redactDeep(v, depth + 1, seen);
    return out;
  } finally {
    seen.delete(value);
  }
}

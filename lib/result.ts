/**
 * The one result shape for domain calls and server actions (client-safe: components import it).
 * A value, or an error a person can read, with an optional machine-readable code, per-field
 * messages for a form, and the form's values to show again.
 */
export type Ok<T> = { ok: true; value: T };
export type Err<C extends string = string, V = Record<string, unknown>> = {
  ok: false;
  /** For the shopper or the merchant: plain words, never a secret or a stack. */
  error: string;
  /** For the caller's code (e.g. "upstream", "not_found"). */
  code?: C;
  fieldErrors?: Record<string, string>;
  /** What the form held, to fill it again. */
  values?: V;
};
export type Result<T = undefined, C extends string = string, V = Record<string, unknown>> = Ok<T> | Err<C, V>;

export const ok = <T = undefined>(value?: T): Ok<T> => ({ ok: true, value: value as T });
export const err = <C extends string = string, V = Record<string, unknown>>(
  error: string,
  code?: C,
  extra: Omit<Err<C, V>, "ok" | "error" | "code"> = {},
): Err<C, V> => ({
  ok: false,
  error,
  ...(code ? { code } : {}),
  ...extra,
});

/**
 * Redirect targets taken from a request (a form's `returnTo`, a query parameter): only a path on
 * this origin passes, judged after normalisation, the way the browser will read it.
 *
 * Browsers rewrite what they are given before following it: they drop tabs and newlines, read "\"
 * as "/", and resolve "." and ".." segments, so "/sandbox/..//evil.example" becomes the
 * protocol-relative "//evil.example". So: refuse anything a browser would rewrite (control
 * characters, whitespace, backslashes) or that something downstream might decode into a separator
 * in the path (%2F, %5C, %2E, encoded controls; the query may carry them); resolve what remains with the WHATWG URL parser, as the
 * browser does; and accept the result only if it is still on our origin and its path does not begin
 * with "//". Anything else gets the caller's fallback.
 */
const BASE = "http://same-origin.invalid";

export function safeRedirectPath(value: unknown, opts: { fallback: string; within?: string; maxLength?: number }): string {
  const { fallback, within } = opts;
  if (typeof value !== "string" || value.length === 0 || value.length > (opts.maxLength ?? 2048)) return fallback;
  if (/[\u0000-\u0020\u007f-\u009f\\]|\s/.test(value)) return fallback;
  if (!value.startsWith("/") || value.startsWith("//")) return fallback;
  const path = value.split(/[?#]/, 1)[0]!;
  if (/%(?:2f|5c|2e|[01][0-9a-f]|7f|20)/i.test(path)) return fallback;
  let url: URL;
  try {
    url = new URL(value, BASE);
  } catch {
    return fallback;
  }
  if (url.origin !== BASE || url.pathname.startsWith("//") || url.username || url.password) return fallback;
  if (within) {
    const prefix = within.replace(/\/+$/, "");
    if (url.pathname !== prefix && !url.pathname.startsWith(`${prefix}/`)) return fallback;
  }
  return url.pathname + url.search + url.hash;
}

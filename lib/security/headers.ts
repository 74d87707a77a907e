/**
 * Response headers for browsers: a strict, nonce-based Content-Security-Policy for pages (set per
 * request by proxy.ts; Next puts the nonce on its own scripts when it finds it in the request's CSP
 * header), a locked-down one for everything else (API answers, images), and HSTS when the store is
 * served over https.
 *
 * Scripts: only those carrying this response's nonce, and what they load ('strict-dynamic'); no
 * 'unsafe-inline', no 'unsafe-eval' outside `next dev` (React uses eval there for error overlays).
 * Styles: our stylesheet and nonce'd <style> elements; style *attributes* (next/image sets one) may
 * not carry a nonce, so style-src-attr allows them: they cannot run code.
 */
export const HSTS = "max-age=63072000; includeSubDomains";

export function newNonce(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(18))).toString("base64");
}

export function pageContentSecurityPolicy(opts: { nonce: string; appUrl: string; dev?: boolean; postsTo?: string[] }): string {
  const https = opts.appUrl.startsWith("https://");
  const app = [...new Set([opts.appUrl, ...(opts.postsTo ?? [])].map((u) => new URL(u).origin))].join(" ");
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${opts.nonce}' 'strict-dynamic'${opts.dev ? " 'unsafe-eval'" : ""}`,
    opts.dev ? "style-src 'self' 'unsafe-inline'" : `style-src 'self' 'nonce-${opts.nonce}'`,
    "style-src-attr 'unsafe-inline'",
    // Plural's QR image (a pre-signed URL on its own host) is the one picture from elsewhere.
    "img-src 'self' data: blob: https:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    // The sandbox's checkout page posts the signed result to the store's return URL (APP_URL, or the
    // stores' address when the sandbox is a service of its own: `postsTo`).
    `form-action 'self' ${app}`,
    "frame-ancestors 'none'",
    ...(https ? ["upgrade-insecure-requests"] : []),
  ].join("; ");
}

import type { NextConfig } from "next";

/** lib/security/headers.ts OTHER_CONTENT_SECURITY_POLICY: for responses that are not pages (pages get a nonce'd one from proxy.ts). */
const NOT_A_PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

const nextConfig: NextConfig = {
  poweredByHeader: false,
  // `node .next/standalone/server.js` (scripts/standalone.mjs completes the folder; docs/deploy.md).
  output: "standalone",
  reactStrictMode: true,
  // The SQLite driver is native code loaded at run time; keep it (and Prisma's adapter for it) out of the bundle.
  serverExternalPackages: ["better-sqlite3", "@prisma/adapter-better-sqlite3"],
  experimental: {
    // BODY_LIMITS.other in lib/security/limits.ts; the front door refuses bigger bodies before Next reads them.
    serverActions: { bodySizeLimit: 64 * 1024 },
  },
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
          { key: "X-Frame-Options", value: "DENY" },
          { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=()" },
        ],
      },
      // The icons (linked with a content hash in the URL) and the product images: a browser asked for
      // the icon again on every navigation (max-age=0), a server request each time. A day; a changed
      // product image shows within it.
      ...["/icon.svg", "/favicon.ico", "/products/:file*.svg"].map((source) => ({
        source,
        headers: [{ key: "Cache-Control", value: "public, max-age=86400" }],
      })),
      ...["/api/:path*", "/sandbox/api/:path*", "/sandbox/control/:path*", "/sandbox/qr/:path*"].map((source) => ({
        source,
        headers: [{ key: "Content-Security-Policy", value: NOT_A_PAGE_CSP }],
      })),
    ];
  },
};

export default nextConfig;

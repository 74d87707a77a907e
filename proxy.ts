import { NextResponse, type NextRequest } from "next/server";
import { env } from "@/lib/env";
import { ownsOrder } from "@/lib/orders/access/order-access";
import { sandboxAvailableTo } from "@/lib/sandbox/access";
import { HSTS, newNonce, pageContentSecurityPolicy } from "@/lib/security/headers";

/**
 * Runs before every page (and every server action, which is a POST to a page); API routes, static
 * files and the sandbox's API are left out by the matcher (next.config.ts gives them fixed headers).
 *
 * - A Content-Security-Policy with a fresh nonce per request (lib/security/headers.ts). Next reads
 *   the nonce from the request's CSP header and puts it on every script it renders.
 * - HSTS when APP_URL is https (the front door adds it to everything else).
 * - An order's pages are the shopper's only (lib/orders/access/order-access.ts). The pages check that themselves,
 *   but the shop's loading.tsx starts streaming with a 200 before a page can call notFound(), so the
 *   check is repeated here, before the response starts, to answer a real 404 (as Next's docs advise).
 *   A server action streams nothing before it runs, and each shopper action checks the caller owns
 *   the order itself (app/(shop)/actions.ts), so actions skip this second database read.
 * - A server action posted from another site is refused with a 403 here; Next would refuse it too,
 *   but with a 500.
 * - All of /sandbox/* (pages, their client navigations and prefetches, the API, the control API)
 *   is a 404 unless this request may use the sandbox (lib/sandbox/access.ts: sandbox mode, and in a
 *   production build a loopback client unless SANDBOX_PUBLIC). Each page and route checks again itself.
 */
const ORDER_PAGE = /^\/orders\/([^/]+)(?:\/pay)?\/?$/;
const SANDBOX = /^\/sandbox(?:\/|$)/;
const SANDBOX_API = /^\/sandbox\/(?:api|control|qr)\//;

export async function proxy(request: NextRequest) {
  const e = env();
  const path = request.nextUrl.pathname;
  if (SANDBOX.test(path)) {
    if (!sandboxAvailableTo(request.headers)) {
      return SANDBOX_API.test(path) || path === "/sandbox/openapi.json"
        ? NextResponse.json({ code: "NOT_FOUND", message: "Not Found" }, { status: 404 })
        : NextResponse.rewrite(new URL("/_sandbox-not-found", request.url), { status: 404 });
    }
    if (SANDBOX_API.test(path)) return NextResponse.next(); // the sandbox's API answers carry their own headers (next.config.ts)
  }
  const nonce = newNonce();
  const csp = pageContentSecurityPolicy({
    nonce,
    appUrl: e.appUrl,
    dev: e.nodeEnv === "development",
    // A sandbox serving other instances posts its results to them (where its webhooks go).
    postsTo: e.sandboxServed ? [e.sandboxWebhookUrl] : [],
  });
  const headers = new Headers(request.headers);
  headers.set("x-nonce", nonce);
  headers.set("content-security-policy", csp);

  let response: NextResponse;
  const order = ORDER_PAGE.exec(path);
  if (crossSiteAction(request)) {
    response = new NextResponse("Cross-site request refused.\n", { status: 403, headers: { "content-type": "text/plain; charset=utf-8" } });
  } else if (order && !isAction(request) && !(await ownsOrder(safeDecode(order[1]!), request.cookies))) {
    response = NextResponse.rewrite(new URL("/_order-not-found", request.url), { status: 404, request: { headers } });
  } else {
    response = NextResponse.next({ request: { headers } });
  }
  response.headers.set("content-security-policy", csp);
  if (e.appUrl.startsWith("https://")) response.headers.set("strict-transport-security", HSTS);
  return response;
}

const isAction = (request: NextRequest) => request.method === "POST" && request.headers.has("next-action");

/** A server action whose Origin is not this host (what Next itself compares, with a 500 for an answer). */
function crossSiteAction(request: NextRequest): boolean {
  if (!isAction(request)) return false;
  const origin = request.headers.get("origin");
  if (!origin) return false; // not sent by a browser's cross-site request: browsers always send Origin on POST
  const host = request.headers.get("x-forwarded-host") ?? request.headers.get("host");
  try {
    return new URL(origin).host !== host;
  } catch {
    return true;
  }
}

const safeDecode = (s: string) => {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
};

export const config = {
  matcher: [
    {
      source: "/((?!api/|_next/static/|_next/image|favicon\\.ico|icon\\.svg|products/[^/]+\\.svg$|sandbox/api/|sandbox/control/|sandbox/qr/).*)",
      missing: [
        { type: "header", key: "next-router-prefetch" },
        { type: "header", key: "purpose", value: "prefetch" },
      ],
    },
    // Every /sandbox request, prefetches and the sandbox's API included.
    "/sandbox/:path*",
  ],
};

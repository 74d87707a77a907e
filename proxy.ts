import { NextResponse, type NextRequest } from "next/server";
import { ownsOrder } from "@/lib/orders/access";

/**
 * Runs before every page (and every server action posted to a page).
 *
 * An order's pages are the shopper's only (lib/orders/access.ts). The pages check that themselves,
 * but the shop's loading.tsx starts streaming with a 200 before a page can call notFound(), so the
 * check is repeated here, before the response starts, to answer a real 404 (as Next's docs advise).
 */
const ORDER_PAGE = /^\/orders\/([^/]+)(?:\/pay)?\/?$/;

export async function proxy(request: NextRequest) {
  const order = ORDER_PAGE.exec(request.nextUrl.pathname);
  if (order && !(await ownsOrder(decodeURIComponent(order[1]!), request.cookies))) {
    return NextResponse.rewrite(new URL("/_order-not-found", request.url), { status: 404 });
  }
  return NextResponse.next();
}

export const config = {
  matcher: [
    {
      source: "/orders/:path*",
      missing: [
        { type: "header", key: "next-router-prefetch" },
        { type: "header", key: "purpose", value: "prefetch" },
      ],
    },
  ],
};

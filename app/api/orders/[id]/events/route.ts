import { cookies, headers } from "next/headers";
import { env } from "@/lib/env";
import { openOrderStream } from "@/lib/orders";
import { clientAddress } from "@/lib/security/client-address";

export const dynamic = "force-dynamic";

/**
 * The order's status, pushed as Server-Sent Events the moment any instance applies a change
 * (lib/orders/live/order-stream.ts). Past the caps on open streams (per order, per address, in all) a 429: the
 * page's EventSource then fails and it polls the status route instead.
 */
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  // Where no stream can be held (a serverless host, a transaction-mode pooler: LIVE_UPDATES=poll), 204:
  // the browser's EventSource stops and the page polls the status route, which asks Plural when stale.
  if (env().liveUpdates === "poll") return new Response(null, { status: 204, headers: { "cache-control": "no-store" } });
  const { id } = await params;
  const opened = await openOrderStream(id, request.signal, await cookies(), { address: clientAddress(await headers()) });
  if (!opened.ok && opened.code === "not_found") return Response.json({ error: "order not found" }, { status: 404 });
  if (!opened.ok) return Response.json({ error: opened.error }, { status: 429, headers: { "retry-after": "30", "cache-control": "no-store" } });
  return new Response(opened.value, {
    headers: {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-store, no-transform",
      // nginx and similar proxies must not buffer the stream.
      "x-accel-buffering": "no",
    },
  });
}

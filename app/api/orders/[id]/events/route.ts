import { cookies } from "next/headers";
import { orderStatusStream } from "@/lib/orders";

export const dynamic = "force-dynamic";

/** The order's status, pushed as Server-Sent Events the moment any instance applies a change (lib/orders/stream.ts). */
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const stream = await orderStatusStream(id, request.signal, await cookies());
  if (!stream) return Response.json({ error: "order not found" }, { status: 404 });
  return new Response(stream, {
    headers: {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-store, no-transform",
      // nginx and similar proxies must not buffer the stream.
      "x-accel-buffering": "no",
    },
  });
}

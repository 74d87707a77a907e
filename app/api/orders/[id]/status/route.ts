import { cookies } from "next/headers";
import { liveStatus } from "@/lib/orders";

export const dynamic = "force-dynamic";

/**
 * The pay page's live status, for its own shopper only (anyone else: 404): one indexed read, and
 * Get Order only when an open order has not been confirmed for a while (lib/orders/live/live-status.ts),
 * so it also works where webhooks cannot reach the app.
 */
export async function GET(_req: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const status = await liveStatus(id, { cookies: await cookies() });
  if (!status) return Response.json({ error: "order not found" }, { status: 404 });
  return Response.json(status, { headers: { "cache-control": "no-store" } });
}

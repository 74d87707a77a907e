import { cookies } from "next/headers";
import { db } from "@/lib/db";
import { OPEN_STATUSES, ownsOrder, syncOrder } from "@/lib/orders";

export const dynamic = "force-dynamic";

/** Older than this, an open order is confirmed with Plural (Get Order) before answering. */
const STALE_MS = 3_000;

async function read(id: string) {
  return db().order.findUnique({
    where: { id },
    select: {
      status: true,
      lastSyncedAt: true,
      updatedAt: true,
      payments: { orderBy: { createdAt: "desc" }, take: 1, select: { id: true, status: true, errorCode: true } },
    },
  });
}

/**
 * The pay page's live status. It answers from our database, and asks Plural first when an open
 * order has not been confirmed for a few seconds, so it works where webhooks cannot reach the app.
 */
export async function GET(_req: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  if (!(await ownsOrder(id, await cookies()))) return Response.json({ error: "order not found" }, { status: 404 }); // issue #8: the shopper's only
  let order = await read(id);
  if (!order) return Response.json({ error: "order not found" }, { status: 404 });
  if (OPEN_STATUSES.has(order.status) && (!order.lastSyncedAt || Date.now() - order.lastSyncedAt.getTime() > STALE_MS)) {
    await syncOrder(id);
    order = (await read(id)) ?? order;
  }
  const payment = order.payments[0];
  return Response.json(
    { status: order.status, payment: payment ? { id: payment.id, status: payment.status, errorCode: payment.errorCode } : null },
    { headers: { "cache-control": "no-store" } },
  );
}

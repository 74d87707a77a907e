import { db, isUniqueViolation } from "@/lib/db";
import { env } from "@/lib/env";
import { log } from "@/lib/log";
import { syncOrder } from "@/lib/orders";
import { verifyCallback } from "@/lib/plural";

export const dynamic = "force-dynamic";

function page(status: number, title: string, body: string) {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${title}</title></head><body style="font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#0f172a"><h1 style="font-size:1.4rem">${title}</h1><p>${body}</p><p><a href="/">Back to the store</a></p></body></html>`;
  return new Response(html, { status, headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" } });
}

/**
 * Plural's return URL (reference §7). The browser arrives here cross-site with a form POST (or a
 * GET with the same fields), so no session cookie identifies the order: `order_id` does. The
 * signature covers exactly the fields that arrived. A valid one is recorded, then the status is
 * confirmed with Get Order (the return URL alone is never proof of payment) and applied.
 */
async function handle(fields: Record<string, string>) {
  if (!verifyCallback(fields, env().secretKey)) {
    log.warn("return.bad_signature", { hasOrderId: !!fields.order_id, fields: Object.keys(fields).sort().join(",") });
    return page(400, "We could not verify this payment response", "The response from the payment service was missing its signature or the signature did not match, so nothing was changed. If you paid, your order will still be confirmed within a few minutes.");
  }
  const order = await db().order.findUnique({ where: { pluralOrderId: fields.order_id ?? "" }, select: { id: true, status: true } });
  if (!order) {
    log.warn("return.unknown_order", {});
    return page(404, "Order not found", "This payment response refers to an order this store does not know.");
  }
  const received = { ...fields };
  delete received.signature;
  try {
    await db().orderEvent.create({
      data: { orderId: order.id, source: "return", type: `RETURN_${received.status ?? received.payment_status ?? "UNKNOWN"}`, externalId: `return:${fields.signature!.toUpperCase()}`, verified: true, payload: JSON.stringify(received), statusFrom: order.status, statusTo: order.status },
    });
  } catch (e) {
    // The same callback again (reload, back button): harmless, it is already recorded.
    if (!isUniqueViolation(e)) throw e;
  }
  await syncOrder(order.id, "return", "GET_ORDER_AFTER_RETURN");
  return new Response(null, { status: 303, headers: { location: `/orders/${order.id}`, "cache-control": "no-store" } });
}

function toFields(entries: Iterable<[string, FormDataEntryValue]>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of entries) if (typeof v === "string") out[k] = v;
  return out;
}

export async function POST(request: Request) {
  let form: FormData;
  try {
    form = await request.formData();
  } catch {
    return page(400, "We could not read this payment response", "The request was not a form submission.");
  }
  return handle(toFields(form.entries()));
}

export async function GET(request: Request) {
  return handle(toFields(new URL(request.url).searchParams.entries()));
}

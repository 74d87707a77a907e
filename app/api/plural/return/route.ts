import { readBody } from "@/lib/http/body";
import { handleReturn, orderAccessSetCookie } from "@/lib/orders";
import { returnFieldsArg } from "@/lib/security/args";
import { BODY_LIMITS } from "@/lib/security/limits";
import { withRequestId } from "@/lib/request-context";

export const dynamic = "force-dynamic";

function page(status: number, title: string, body: string) {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${title}</title></head><body style="font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#0f172a"><h1 style="font-size:1.4rem">${title}</h1><p>${body}</p><p><a href="/">Back to the store</a></p></body></html>`;
  return new Response(html, { status, headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" } });
}

/**
 * Plural's return URL. The browser arrives cross-site with a form POST (or a GET with the same
 * fields), so no session cookie identifies the order: `order_id` does (lib/orders/payments/shopper-return.ts).
 */
async function handle(fields: Record<string, string>) {
  if (!returnFieldsArg.safeParse(fields).success)
    return page(400, "We could not read this payment response", "It has more or longer fields than a payment response can have.");
  const outcome = await handleReturn(fields);
  if (!outcome.ok && outcome.code === "invalid") {
    return page(
      400,
      "We could not verify this payment response",
      "The response from the payment service was missing its signature or the signature did not match, so nothing was changed. If you paid, your order will still be confirmed within a few minutes.",
    );
  }
  if (!outcome.ok) return page(404, "Order not found", "This payment response refers to an order this store does not know.");
  // Signed by Plural, and fresh: the browser that brought it may see this order, even if it is not the one
  // that placed it (lib/orders/access/order-access.ts). A stale one (a replay from history or a log) opens nothing.
  const headers = new Headers({ location: `/orders/${outcome.value.orderId}`, "cache-control": "no-store", "referrer-policy": "no-referrer" });
  if (outcome.value.access) headers.set("set-cookie", orderAccessSetCookie(outcome.value.orderId));
  return new Response(null, { status: 303, headers });
}

function toFields(entries: Iterable<[string, FormDataEntryValue]>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of entries) if (typeof v === "string") out[k] = v;
  return out;
}

export const POST = withRequestId(post);
export const GET = withRequestId(get);

async function post(request: Request) {
  // A ceiling, not request.formData() (docs/security.md).
  const body = await readBody(request, BODY_LIMITS.return);
  if (!body.ok)
    return page(
      body.status,
      "We could not read this payment response",
      body.status === 413 ? "It is larger than a payment response can be." : "Its length was not readable.",
    );
  let form: FormData;
  try {
    form = await new Response(body.bytes, { headers: { "content-type": request.headers.get("content-type") ?? "" } }).formData();
  } catch {
    return page(400, "We could not read this payment response", "The request was not a form submission.");
  }
  if (!singleTextFields(form.entries())) return page(400, "We could not read this payment response", "A field came twice, or as a file.");
  return handle(toFields(form.entries()));
}

async function get(request: Request) {
  const params = new URL(request.url).searchParams;
  if (!singleTextFields(params.entries())) return page(400, "We could not read this payment response", "A field came twice.");
  return handle(toFields(params.entries()));
}

/** Each field once, as text. Signed fields read twice could be read two ways. */
function singleTextFields(entries: Iterable<[string, FormDataEntryValue]>): boolean {
  const seen = new Set<string>();
  for (const [k, v] of entries) {
    if (typeof v !== "string" || seen.has(k)) return false;
    seen.add(k);
  }
  return true;
}

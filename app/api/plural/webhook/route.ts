import { after } from "next/server";
import { readBody } from "@/lib/http/body";
import { log } from "@/lib/log";
import { handleWebhook } from "@/lib/orders";
import { BODY_LIMITS } from "@/lib/security/limits";
import { webhookSourceRefusal } from "@/lib/security/webhook-sources";
import { withRequestId } from "@/lib/request-context";
import { trackWork } from "@/lib/server/shutdown";

export const dynamic = "force-dynamic";

/** Plural's webhooks. The raw body is read first: the signature is over its exact bytes. */
export const POST = withRequestId(post);
async function post(request: Request) {
  const refused = webhookSourceRefusal(request.headers); // PLURAL_WEBHOOK_SOURCE_IPS, off by default (docs/security.md)
  if (refused) return refused;
  const body = await readBody(request, BODY_LIMITS.webhook); // a ceiling, not request.text() (docs/security.md)
  if (!body.ok) return Response.json({ error: body.error }, { status: body.status, headers: { "cache-control": "no-store" } });
  const raw = body.text;
  const answer = await handleWebhook(raw, request.headers);
  if (answer.followUp) {
    const work = answer.followUp;
    // A shutdown waits for it (lib/server/shutdown.ts); past its bound, Order.followUpAt leaves it to the sweep.
    after(() => trackWork(work().catch((e) => log.error("webhook.follow_up_failed", { error: String(e) }))));
  }
  return Response.json(answer.body, { status: answer.status, headers: { "cache-control": "no-store" } });
}

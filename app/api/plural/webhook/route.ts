import { after } from "next/server";
import { log } from "@/lib/log";
import { handleWebhook } from "@/lib/orders";
import { withRequestId } from "@/lib/request-context";

export const dynamic = "force-dynamic";

/** Plural's webhooks. The raw body is read first: the signature is over its exact bytes. */
export const POST = withRequestId(post);
async function post(request: Request) {
  const raw = await request.text();
  const answer = await handleWebhook(raw, request.headers);
  if (answer.followUp) {
    const work = answer.followUp;
    after(() => work().catch((e) => log.error("webhook.follow_up_failed", { error: String(e) })));
  }
  return Response.json(answer.body, { status: answer.status, headers: { "cache-control": "no-store" } });
}

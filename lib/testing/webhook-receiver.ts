import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { handleWebhook } from "@/lib/orders";

/**
 * The store's webhook handling served over HTTP, as the route serves it: the sandbox delivers to
 * `url` as Plural would. `answers` lists the HTTP status of every delivery, in order.
 */
export async function startWebhookReceiver() {
  const answers: number[] = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const answer = await handleWebhook(Buffer.concat(chunks).toString("utf8"), new Headers(req.headers as Record<string, string>));
    answers.push(answer.status);
    res.writeHead(answer.status, { "content-type": "application/json" }).end(JSON.stringify(answer.body));
    await answer.followUp?.();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/plural/webhook`,
    answers,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

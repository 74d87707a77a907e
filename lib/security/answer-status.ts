import { AsyncLocalStorage } from "node:async_hooks";
import type { ServerResponse } from "node:http";
import { processGlobal } from "@/lib/process-global";

/**
 * Lets a server action answer with an HTTP status of its own (a 429 when a rate limit refuses it).
 *
 * Next gives a server action no way to set its response's status: it answers 200 with the action's
 * result (what the page shows), whatever that result says. The front door
 * (lib/security/front-door.ts) runs Next's request handler inside `exchanges.run(res, …)`, so code
 * running for that request, in any bundle, finds the Node response here; `answerStatus(429)` turns
 * the 200 Next is about to write into a 429. The body is untouched: Next's client reads an action's
 * result whatever the status, so the page still shows the message, and a script sees the 429.
 * Outside the front door (a unit test) it does nothing.
 */
export const exchanges = processGlobal("storeFrontDoorExchanges", () => new AsyncLocalStorage<ServerResponse>());

export function answerStatus(status: number): void {
  const res = exchanges.getStore();
  if (!res || res.headersSent) return;
  const writeHead = res.writeHead;
  res.writeHead = function (this: ServerResponse, code: number, ...rest: unknown[]) {
    return (writeHead as (...a: unknown[]) => ServerResponse).call(this, code === 200 ? status : code, ...rest);
  } as ServerResponse["writeHead"];
}

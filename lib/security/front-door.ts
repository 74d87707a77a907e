import { subscribe } from "node:diagnostics_channel";
import type { IncomingMessage } from "node:http";
import { markFrontDoorActive, PEER_HEADER } from "./client-address";

/**
 * The front door: code that sees every HTTP request before Next.js does, in the same process.
 *
 * `next start` offers no hook between the socket and Next's request handler, and by the time a
 * handler runs, the socket's address is gone (lib/security/client-address.ts). Node publishes every
 * incoming request on the documented `http.server.request.start` diagnostics channel, synchronously,
 * before the server's 'request' listeners run. instrumentation.ts subscribes here at start-up.
 *
 * For each request it overwrites PEER_HEADER with the socket's remote address, whatever the client
 * sent under that name, so that handlers, server actions and proxy.ts can trust that one header.
 */
type RequestStart = { request: IncomingMessage };

let installed = false;

export function installFrontDoor(): void {
  if (installed) return;
  installed = true;
  subscribe("http.server.request.start", (message) => {
    const { request } = message as RequestStart;
    request.headers[PEER_HEADER] = request.socket.remoteAddress ?? "";
  });
  markFrontDoorActive();
}

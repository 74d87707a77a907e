import { subscribe } from "node:diagnostics_channel";
import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from "node:http";
import { env } from "@/lib/env";
import { exchanges } from "./answer-status";
import { requestIdOf, runWithRequestId } from "@/lib/request-context";
import { markFrontDoorActive, PEER_HEADER } from "./client-address";
import { HSTS } from "./headers";
import { bodyRule } from "./limits";
import { admitRequest, watchServer } from "@/lib/server/shutdown";

/**
 * The front door: code that sees every HTTP request before Next.js does, in the same process.
 *
 * `next start` offers no hook between the socket and Next's request handler. Node publishes every
 * incoming request on the documented `http.server.request.start` diagnostics channel, synchronously,
 * before the server's 'request' listeners run; instrumentation.ts subscribes here at start-up. It
 * does two things there.
 *
 * 1. The peer address. By the time a handler runs, the socket's address is gone (Next keeps a
 *    client's own X-Forwarded-For; lib/security/client-address.ts). So PEER_HEADER is overwritten
 *    with `socket.remoteAddress`, whatever the client sent under that name.
 *
 * 2. Body limits. Next reads request bodies itself (server actions; and with proxy.ts on a route,
 *    Next buffers the whole upload before the proxy's answer goes out, even a 413). So on the first
 *    request a server sees, its 'request' listeners (Next's) are put behind a gate that answers
 *    413 to a Content-Length over the path's limit, and 411 to a body without a length where no
 *    handler counts while reading (lib/security/limits.ts), before a byte of the body is read (see
 *    refuse()). `Expect: 100-continue` uploads are refused before the client sends them.
 *
 * 3. HSTS. When APP_URL is https, every response (static files and API answers too, which proxy.ts
 *    does not see) carries Strict-Transport-Security.
 *
 * 4. The response, for the request's own code: Next runs inside `exchanges.run(res, …)`, so a server
 *    action refused by a rate limit can answer 429 (lib/security/answer-status.ts).
 *
 * 5. The request id (lib/request-context.ts): Next's handling of the request runs inside it, so
 *    every log line, span and timeline entry of a page, a server action or a route handler carries
 *    it, with no OpenTelemetry SDK registered (that one only when something exports).
 *
 * Requests that arrive in the moment between the server listening and instrumentation running are
 * not seen: they have no peer address (callers then treat them as one unknown client) and only the
 * routes' own limits (lib/http/body.ts) and Next's bodySizeLimit apply to them.
 */
type RequestStart = { request: IncomingMessage; server: Server };
type Listener = (req: IncomingMessage, res: ServerResponse) => void;

let installed = false;
const gated = new WeakSet<Server>();

export function installFrontDoor(): void {
  if (installed) return;
  installed = true;
  subscribe("http.server.request.start", (message) => {
    const { request, server } = message as RequestStart;
    request.headers[PEER_HEADER] = request.socket.remoteAddress ?? "";
    if (!gated.has(server)) gate(server);
  });
  markFrontDoorActive();
}

/** Whether APP_URL is https; read when the first request comes, once the configuration is known to be valid. */
let https: boolean | undefined;
function httpsOnly(): boolean {
  if (https === undefined) {
    try {
      https = env().appUrl.startsWith("https://");
    } catch {
      return false; // a bad configuration stops the server at start-up (lib/startup.ts)
    }
  }
  return https;
}

type Refusal = { status: 411 | 413; message: string };

/** Whether a request's body may be read at all, judged from its headers alone. */
function bodyRefusal(url: string | undefined, headers: IncomingHttpHeaders): Refusal | undefined {
  const rule = bodyRule((url ?? "/").split("?", 1)[0]!);
  const length = headers["content-length"];
  if (length !== undefined) {
    // Node's parser has already refused a malformed or repeated Content-Length (400).
    return Number(length) > rule.limit ? { status: 413, message: `Request body too large: the limit here is ${rule.limit} bytes.` } : undefined;
  }
  if (headers["transfer-encoding"] !== undefined && !rule.streaming) return { status: 411, message: "A request body here needs a Content-Length." };
  return undefined;
}

function gate(server: Server): void {
  gated.add(server);
  watchServer(server); // closed on SIGTERM (lib/server/shutdown.ts)
  const inner = server.listeners("request") as Listener[];
  const innerContinue = server.listeners("checkContinue") as Listener[];
  server.removeAllListeners("request");
  server.removeAllListeners("checkContinue");
  const front: Listener = (req, res) => {
    if (httpsOnly()) res.setHeader("strict-transport-security", HSTS);
    // Shutting down: a 503 at once; otherwise the request counts as in flight until it ends.
    if (admitRequest(req, res)) return;
    const refusal = bodyRefusal(req.url, req.headers);
    if (refusal) return refuse(req, res, refusal);
    runWithRequestId(requestIdOf(req.headers["x-request-id"]), () =>
      exchanges.run(res, () => {
        for (const l of inner) l.call(server, req, res);
      }),
    );
  };
  server.on("request", front);
  server.on("checkContinue", (req: IncomingMessage, res: ServerResponse) => {
    if (httpsOnly()) res.setHeader("strict-transport-security", HSTS);
    const refusal = bodyRefusal(req.url, req.headers);
    if (refusal) return refuse(req, res, refusal);
    if (innerContinue.length) for (const l of innerContinue) l.call(server, req, res);
    else {
      res.writeContinue();
      front(req, res);
    }
  });
}

/**
 * Answers at once, before reading the body. Closing the socket while the client is still uploading
 * makes the kernel reset the connection, and a reset can destroy the answer before the client reads
 * it; so, as web servers do ("lingering close"), what is still coming is discarded (never kept) for
 * at most LINGER_BYTES or LINGER_MS; past the bytes, reading stops and the connection is cut a
 * second later.
 */
const LINGER_BYTES = 1024 * 1024;
const LINGER_MS = 5_000;

function refuse(req: IncomingMessage, res: ServerResponse, r: Refusal): void {
  let discarded = 0;
  const cut = setTimeout(() => req.socket.destroy(), LINGER_MS);
  cut.unref();
  req.on("data", (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > LINGER_BYTES && !req.socket.isPaused()) {
      // Enough: stop reading (the client's sends stall) and give it a moment to read the answer.
      req.socket.pause();
      clearTimeout(cut);
      setTimeout(() => req.socket.destroy(), 1_000).unref();
    }
  });
  req.on("end", () => clearTimeout(cut));
  const json = /^\/(?:api|sandbox\/(?:api|control))\//.test(req.url ?? "");
  res.writeHead(r.status, {
    "content-type": json ? "application/json" : "text/plain; charset=utf-8",
    "cache-control": "no-store",
    "x-content-type-options": "nosniff",
  });
  res.end(json ? JSON.stringify({ error: r.message }) : `${r.message}\n`);
}

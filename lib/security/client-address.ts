import { env } from "@/lib/env";
import { peekProcessGlobal, processGlobal } from "@/lib/process-global";
import { addressMatcher, normalizeIp } from "./ip";

/**
 * Who is on the other end of the connection, in a way no request header can fake.
 *
 * What Next 16 gives a handler (found by experiment against `next start`, Next 16.4; see
 * node_modules/next/dist/server/base-server.js): Next sets `x-forwarded-for` to the socket's address
 * ONLY when the request has none (`req.headers['x-forwarded-for'] ??= socket.remoteAddress`). A
 * client that sends `X-Forwarded-For: 6.6.6.6` is handed to route handlers, server actions
 * (`headers()`) and proxy.ts as exactly "6.6.6.6"; two such headers arrive joined ("6.6.6.6,
 * 8.8.8.8"); `X-Real-IP` passes through untouched; NextRequest has no `ip`. The socket's address is
 * simply gone. So nothing in the headers Next hands over can be trusted.
 *
 * What we do: the front door (lib/security/front-door.ts, installed by instrumentation.ts) sees
 * every request before Next does, through Node's documented `http.server.request.start` diagnostics
 * channel, and overwrites PEER_HEADER with `socket.remoteAddress`, whatever the client sent under
 * that name. A handler then trusts `X-Forwarded-For` only hop by hop from that peer backwards, and
 * only while each hop is a proxy the operator listed in TRUSTED_PROXIES.
 *
 * Where the front door is not running (a unit test, another runtime) PEER_HEADER is ignored and the
 * address is unknown: callers then treat all such requests as one client, which throttles harder,
 * never less.
 */
export const PEER_HEADER = "x-store-peer-address";
/** Whether the front door runs in this process: one flag per process, set from the instrumentation bundle, read in every route's. */
const MARK = "storeFrontDoorActive";

type HeaderSource = { get(name: string): string | null };

export function frontDoorActive(): boolean {
  return peekProcessGlobal<{ active: boolean }>(MARK)?.active === true;
}

/** Called by the front door once it is installed (and by tests that play its part). */
export function markFrontDoorActive(active = true): void {
  processGlobal(MARK, () => ({ active })).active = active;
}

/** The TCP peer, as the front door recorded it; undefined when it is not running. */
export function peerAddress(headers: HeaderSource): string | undefined {
  if (!frontDoorActive()) return undefined;
  return normalizeIp(headers.get(PEER_HEADER));
}

/** X-Forwarded-For entries, left (client) to right (nearest proxy); undefined marks an entry that is not an address. */
export function forwardedFor(value: string | null): Array<string | undefined> {
  if (!value) return [];
  return value.split(",").map((part) => {
    const s = part.trim();
    // "1.2.3.4:5678" and "[2001:db8::1]:443" carry a port some proxies add.
    const v4port = /^(\d{1,3}(?:\.\d{1,3}){3}):\d+$/.exec(s);
    const v6port = /^\[([^\]]+)\]:\d+$/.exec(s);
    return normalizeIp(v4port?.[1] ?? v6port?.[1] ?? s);
  });
}

/**
 * The client's address: the peer, unless the peer is a trusted proxy, in which case the rightmost
 * X-Forwarded-For entry that is not itself a trusted proxy. A malformed entry stops the walk at the
 * last trusted hop (the proxy that passed it on), which lumps such clients together rather than
 * letting them choose a key.
 */
export function clientAddress(
  headers: HeaderSource,
  trusted = addressMatcher(env().trustedProxies),
  platformHeader = env().clientIpHeader,
): string | undefined {
  // A serverless host's edge (CLIENT_IP_HEADER): it overwrites the header on every request, and the
  // store never sees the connection itself (docs/deploy.md). Its first entry is the client.
  if (platformHeader) {
    const fromEdge = forwardedFor(headers.get(platformHeader))[0];
    if (fromEdge) return fromEdge;
  }
  const peer = peerAddress(headers);
  if (!peer || !trusted(peer)) return peer;
  let client = peer;
  const hops = forwardedFor(headers.get("x-forwarded-for"));
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i];
    if (!hop) break;
    client = hop;
    if (!trusted(hop)) break;
  }
  return client;
}

/** A proxy in front of Plural (the sandbox) that counts the store's calls on the wire. */
import http from "node:http";
import { performance } from "node:perf_hooks";
import { percentile } from "./util.mjs";

/** Which Plural call a request to the sandbox is (lib/plural/constants.ts PATHS). */
export function upstreamKind(method, url) {
  const p = url.split("?")[0].replace(/^\/sandbox/, "");
  if (method === "POST" && p === "/api/auth/v1/token") return "token";
  if (method === "POST" && p === "/api/pay/v1/orders") return "createOrder";
  if (method === "POST" && /^\/api\/pay\/v1\/orders\/[^/]+\/payments$/.test(p)) return "createPayment";
  if (method === "GET" && /^\/api\/pay\/v1\/orders\/reference\/[^/]+$/.test(p)) return "getOrderByReference";
  if (method === "GET" && /^\/api\/pay\/v1\/orders\/[^/]+$/.test(p)) return "getOrder";
  return `${method} ${p.replace(/\/[A-Za-z0-9_-]{12,}/g, "/:id")}`;
}

/**
 * An HTTP proxy between the store and its Plural (the sandbox on `targetPort`): PLURAL_BASE_URL
 * points here, so every call the store makes upstream is counted on the wire, as it arrives.
 */
export async function startCountingProxy(port, targetPort) {
  let counts = {};
  let times = {};
  const agent = new http.Agent({ keepAlive: true, maxSockets: 512 });
  const server = http.createServer((req, res) => {
    const kind = upstreamKind(req.method, req.url);
    counts[kind] = (counts[kind] ?? 0) + 1;
    const t0 = performance.now();
    const up = http.request({ host: "127.0.0.1", port: targetPort, method: req.method, path: req.url, headers: req.headers, agent }, (ur) => {
      res.writeHead(ur.statusCode, ur.headers);
      ur.pipe(res);
      ur.on("end", () => (times[kind] ??= []).push(performance.now() - t0));
    });
    up.on("error", () => {
      if (!res.headersSent) res.writeHead(502, { "content-type": "application/json" });
      res.end('{"code":"BENCH_PROXY","message":"upstream unreachable"}');
    });
    res.on("close", () => {
      if (!res.writableFinished) up.destroy(); // the store gave up (its timeout): so do we
    });
    req.pipe(up);
  });
  server.keepAliveTimeout = 30_000;
  await new Promise((r) => server.listen(port, "127.0.0.1", r));
  return {
    port,
    counts: () => ({ ...counts }),
    /** Median time the sandbox (through this proxy) took per kind of call, in ms. */
    medians: () =>
      Object.fromEntries(
        Object.entries(times).map(([k, v]) => [
          k,
          +percentile(
            [...v].sort((a, b) => a - b),
            50,
          ).toFixed(1),
        ]),
      ),
    reset() {
      counts = {};
      times = {};
    },
    close: () => new Promise((r) => (server.closeAllConnections(), server.close(r))),
  };
}

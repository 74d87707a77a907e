import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** A real HTTP server on 127.0.0.1 whose answers each test scripts; it records every request. */
type Recorded = { method: string; path: string; headers: IncomingMessage["headers"]; body: string; json: unknown };
export type Handler = (req: Recorded, res: ServerResponse) => void | Promise<void>;

export async function startScriptedServer() {
  const requests: Recorded[] = [];
  const routes: Array<{ method: string; path: string | RegExp; handler: Handler }> = [];
  const sockets = new Set<import("node:net").Socket>();

  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString("utf8");
    let json: unknown;
    try {
      json = body ? JSON.parse(body) : undefined;
    } catch {
      json = undefined;
    }
    const rec: Recorded = { method: req.method ?? "", path: req.url ?? "", headers: req.headers, body, json };
    requests.push(rec);
    const route = [...routes].reverse().find((r) => r.method === rec.method && (typeof r.path === "string" ? r.path === rec.path : r.path.test(rec.path)));
    if (!route) return sendJson(res, 599, { code: "NO_ROUTE", message: `${rec.method} ${rec.path}` });
    await route.handler(rec, res);
  });
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    on(method: string, path: string | RegExp, handler: Handler) {
      routes.push({ method, path, handler });
    },
    reset() {
      requests.length = 0;
      routes.length = 0;
    },
    count(method: string, path: string | RegExp) {
      return requests.filter((r) => r.method === method && (typeof path === "string" ? r.path === path : path.test(r.path))).length;
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
}

/** Answers each call with the next handler in the list, repeating the last one. */
export function sequence(...handlers: Handler[]): Handler {
  let i = 0;
  return (req, res) => handlers[Math.min(i++, handlers.length - 1)]!(req, res);
}

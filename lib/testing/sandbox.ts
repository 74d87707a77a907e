import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Sandbox, type SandboxConfig } from "@/lib/sandbox/engine";
import { routeSandbox } from "@/lib/sandbox/http";

export const TEST_CREDENTIALS = { clientId: "sandbox-test-client", clientSecret: "0123456789abcdef0123456789abcdef", webhookSecret: "whsec-test-secret" };

/** A sandbox configuration for engine tests: no background loop, memory only unless `stateFile` is given. */
export function testConfig(overrides: Partial<SandboxConfig> = {}): SandboxConfig {
  return {
    merchantId: "100001",
    clientId: TEST_CREDENTIALS.clientId,
    clientSecret: TEST_CREDENTIALS.clientSecret,
    secretKey: TEST_CREDENTIALS.clientSecret,
    webhookSecret: TEST_CREDENTIALS.webhookSecret,
    webhookSecretFormat: "raw",
    appUrl: "http://127.0.0.1:9",
    publicUrl: "http://127.0.0.1:9/sandbox",
    stateFile: null,
    background: false,
    ...overrides,
  };
}

/** A real HTTP server on 127.0.0.1 serving a fresh sandbox at /sandbox, for tests and benchmarks. */
export async function startSandboxServer(overrides: Partial<SandboxConfig> = {}) {
  const holder: { sb?: Sandbox } = {};
  /** Every request received, in order: what a test counts upstream calls with. */
  const requests: Array<{ method: string; path: string }> = [];
  const server: Server = createServer(async (req, res) => {
    requests.push({ method: req.method ?? "", path: req.url ?? "" });
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const abort = new AbortController();
    res.on("close", () => abort.abort());
    const request = new Request(`http://127.0.0.1${req.url}`, {
      method: req.method,
      headers: req.headers as Record<string, string>,
      body: req.method === "GET" || req.method === "HEAD" ? undefined : Buffer.concat(chunks),
      signal: abort.signal,
    });
    try {
      const response = await routeSandbox(holder.sb!, request);
      res.writeHead(response.status, Object.fromEntries(response.headers));
      res.end(Buffer.from(await response.arrayBuffer()));
    } catch (e) {
      res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ code: "INTERNAL_ERROR", message: String(e) }));
    }
  });
  const sockets = new Set<import("node:net").Socket>();
  server.on("connection", (s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const sb = new Sandbox({
    merchantId: "100001",
    clientId: TEST_CREDENTIALS.clientId,
    clientSecret: TEST_CREDENTIALS.clientSecret,
    secretKey: TEST_CREDENTIALS.clientSecret,
    webhookSecret: TEST_CREDENTIALS.webhookSecret,
    webhookSecretFormat: "raw",
    appUrl: url,
    publicUrl: `${url}/sandbox`,
    stateFile: null,
    ...overrides,
  });
  holder.sb = sb;
  return {
    url,
    baseUrl: `${url}/sandbox`,
    sandbox: sb,
    requests,
    /** Requests so far matching a method and a path pattern. */
    count: (method: string, path: RegExp) => requests.filter((r) => r.method === method && path.test(r.path)).length,
    async close() {
      sb.close();
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

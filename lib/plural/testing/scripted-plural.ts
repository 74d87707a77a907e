import type { ServerResponse } from "node:http";
import { afterAll, beforeAll, beforeEach } from "vitest";
import { createPluralClient, type PluralClientConfig } from "../client";
import { DOC_CREATE_ORDER_RESPONSE } from "./doc-samples";
import { sendJson, startScriptedServer } from "./scripted-server";

type Server = Awaited<ReturnType<typeof startScriptedServer>>;

export const SECRET = "super-secret-client-secret-value";
export const orderPath = "/api/pay/v1/orders/v1-1";

/** A handler answering 200 with `body` (by default Pine Labs' Create Order sample). */
export const ok =
  (body: unknown = DOC_CREATE_ORDER_RESPONSE) =>
  (_: unknown, res: ServerResponse) =>
    sendJson(res, 200, body);

/**
 * The client's tests' Plural: a scripted server on 127.0.0.1 (started once per file, its routes
 * reset before each test) that issues tokens for SECRET, and clients pointed at it whose backoff
 * sleeps are recorded rather than slept. Call once at the top of a test file.
 */
export function scriptedPlural() {
  let server: Server | undefined;
  let tokens = 0;
  beforeAll(async () => {
    server = await startScriptedServer();
  });
  afterAll(async () => {
    await server?.close();
  });
  beforeEach(() => {
    server!.reset();
    tokens = 0;
    server!.on("POST", "/api/auth/v1/token", (req, res) => {
      const b = req.json as { client_secret?: string };
      if (b.client_secret !== SECRET) return sendJson(res, 401, { code: "UNAUTHORIZED", message: "Unauthorized" });
      sendJson(res, 200, { access_token: `tok-${++tokens}`, expires_in: 3600 });
    });
  });
  return {
    get server(): Server {
      return server!;
    },
    /** The next token's number (tokens issued by a test's own token route count on). */
    nextToken: () => ++tokens,
    client(extra: Partial<PluralClientConfig> = {}) {
      const delays: number[] = [];
      const c = createPluralClient({
        baseUrl: server!.url,
        clientId: "client-1",
        clientSecret: SECRET,
        timeoutMs: 2_000,
        sleep: async (ms) => {
          delays.push(ms);
        },
        ...extra,
      });
      return Object.assign(c, { delays });
    },
  };
}

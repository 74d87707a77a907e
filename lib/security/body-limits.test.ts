import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { POST as returnPost } from "@/app/api/plural/return/route";
import { POST as webhookPost } from "@/app/api/plural/webhook/route";
import { sendOversized } from "@/lib/testing/raw-http";
import { installFrontDoor } from "./front-door";

/**
 * Without a limit a 50 MB unsigned webhook would be read whole before it was refused. Everything that comes in is refused with 413 before it is read
 * in full: by its Content-Length where there is one, and by counting while reading where there is not.
 */
const MB50 = 50 * 1024 * 1024;

/** A 50 MB body that counts what is actually read from it (nothing is read ahead). */
function countingBody() {
  const counter = { read: 0 };
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(c) {
        if (counter.read >= MB50) return c.close();
        counter.read += 64 * 1024;
        c.enqueue(new Uint8Array(64 * 1024).fill(97));
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, counter };
}

function bigRequest(path: string, declared: boolean, contentType: string) {
  const { stream, counter } = countingBody();
  const headers: Record<string, string> = { "content-type": contentType };
  if (declared) headers["content-length"] = String(MB50);
  const request = new Request(`http://store.test${path}`, { method: "POST", body: stream, headers, duplex: "half" } as RequestInit);
  return { request, counter };
}

describe("the webhook and return routes refuse oversized bodies", () => {
  for (const [name, handler, path, type] of [
    ["webhook", webhookPost, "/api/plural/webhook", "application/json"],
    ["return", returnPost, "/api/plural/return", "application/x-www-form-urlencoded"],
  ] as const) {
    it(`${name}: a 50 MB Content-Length is refused with 413 without reading a byte`, async () => {
      const { request, counter } = bigRequest(path, true, type);
      const res = await handler(request);
      expect(res.status).toBe(413);
      expect(counter.read).toBe(0);
    });

    it(`${name}: a 50 MB body without a length is refused with 413 after at most the limit and one piece`, async () => {
      const { request, counter } = bigRequest(path, false, type);
      const res = await handler(request);
      expect(res.status).toBe(413);
      expect(counter.read).toBeLessThanOrEqual(256 * 1024 + 64 * 1024);
    });
  }
});

describe("the front door refuses oversized bodies before Next reads them", () => {
  let server: Server;
  let port: number;
  const reached: string[] = [];
  beforeAll(async () => {
    installFrontDoor();
    server = createServer((req, res) => {
      reached.push(`${req.method} ${req.url}`);
      req.resume();
      req.on("end", () => res.end("read it all"));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  for (const path of ["/api/plural/webhook", "/api/plural/return", "/cart", "/orders/x/pay", "/sandbox/api/pay/v1/orders", "/"]) {
    it(`${path}: 50 MB announced by Content-Length gets 413 after almost nothing is sent`, async () => {
      reached.length = 0;
      const r = await sendOversized({ port, path, total: MB50, headers: { "next-action": "x" } });
      expect(r.status).toBe(413);
      expect(r.sent).toBeLessThan(MB50 / 10);
      expect(reached).toEqual([]);
    });
  }

  it("a page (server action) body without a length is refused: 411", async () => {
    reached.length = 0;
    const r = await sendOversized({ port, path: "/cart", total: MB50, chunked: true });
    expect(r.status).toBe(411);
    expect(r.sent).toBeLessThan(MB50 / 10);
    expect(reached).toEqual([]);
  });

  it("a small body goes through", async () => {
    reached.length = 0;
    const r = await sendOversized({ port, path: "/cart", total: 1000 });
    expect(r.status).toBe(200);
    expect(reached).toEqual(["POST /cart"]);
  });
});

import { createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientAddress, frontDoorActive, peerAddress, PEER_HEADER } from "./client-address";
import { currentRequestId } from "@/lib/request-context";
import { installFrontDoor } from "./front-door";

/** The front door against a real Node HTTP server, as Next's own server is one. */
let server: Server;
let port: number;
const seen: Array<{ peer: string | undefined; client: string | undefined; raw: string | undefined }> = [];
const ids: Array<string | undefined> = [];

beforeAll(async () => {
  installFrontDoor();
  server = createServer(async (req, res) => {
    const headers = new Headers(req.headers as Record<string, string>);
    seen.push({ peer: peerAddress(headers), client: clientAddress(headers), raw: req.headers[PEER_HEADER] as string | undefined });
    await new Promise((r) => setTimeout(r, 5)); // the id survives the handler's awaits
    ids.push(currentRequestId());
    res.end("ok");
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

function get(headers: Record<string, string>) {
  return new Promise<number>((resolve, reject) => {
    const req = httpRequest({ host: "127.0.0.1", port, path: "/", headers }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("the front door", () => {
  it("records the socket's address over anything the client sends", async () => {
    expect(frontDoorActive()).toBe(true);
    seen.length = 0;
    expect(await get({ [PEER_HEADER]: "6.6.6.6", "x-forwarded-for": "7.7.7.7", "x-real-ip": "8.8.8.8" })).toBe(200);
    expect(await get({})).toBe(200);
    expect(seen).toEqual([
      { peer: "127.0.0.1", client: "127.0.0.1", raw: "127.0.0.1" },
      { peer: "127.0.0.1", client: "127.0.0.1", raw: "127.0.0.1" },
    ]);
  });

  it("runs each request inside its request id: a valid x-request-id kept, a new one otherwise", async () => {
    ids.length = 0;
    await get({ "x-request-id": "lb-0123456789abcdef" });
    await get({ "x-request-id": "bad id" });
    await get({});
    expect(ids[0]).toBe("lb-0123456789abcdef");
    expect(ids[1]).toMatch(/^[0-9a-f-]{36}$/);
    expect(ids[2]).toMatch(/^[0-9a-f-]{36}$/);
    expect(ids[1]).not.toBe(ids[2]);
  });
});

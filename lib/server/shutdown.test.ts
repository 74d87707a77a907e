import { EventEmitter } from "node:events";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import { afterEach, describe, expect, it, vi } from "vitest";
import { admitRequest, closeOnShutdown, isDraining, onShutdown, resetShutdownState, shutdown, shutdownTimeoutMs, trackWork, watchServer } from "./shutdown";

/** The drain's order and its bound (the whole thing against a real server: e2e/deploy/standalone.spec.ts). */
class FakeResponse extends EventEmitter {
  status = 0;
  headers: Record<string, unknown> = {};
  body = "";
  shouldKeepAlive = true;
  writeHead(status: number, headers: Record<string, unknown>) {
    this.status = status;
    this.headers = headers;
    return this;
  }
  end(body?: string) {
    this.body = body ?? "";
    this.emit("finish");
  }
}
const req = (url: string) => ({ url }) as IncomingMessage;
const res = () => new FakeResponse() as unknown as ServerResponse & FakeResponse;
const server = () => ({ close: vi.fn(), closeIdleConnections: vi.fn(), closeAllConnections: vi.fn(), listening: false }) as unknown as Server;

afterEach(() => resetShutdownState());

describe("shutdown", () => {
  it("reads its bound from SHUTDOWN_TIMEOUT_MS, never past 9.5 s", () => {
    expect(shutdownTimeoutMs(undefined)).toBe(8_000);
    expect(shutdownTimeoutMs("3000")).toBe(3_000);
    expect(shutdownTimeoutMs("60000")).toBe(9_500);
    expect(shutdownTimeoutMs("nonsense")).toBe(8_000);
  });

  it("waits for in-flight requests and their follow-ups, ends streams first, refuses new requests, closes the pool, then hands over", async () => {
    const order: string[] = [];
    const srv = server();
    watchServer(srv);
    const inflight = res();
    expect(admitRequest(req("/api/plural/webhook"), inflight)).toBe(false);
    let finishWork!: () => void;
    void trackWork(new Promise<void>((r) => (finishWork = r)).then(() => order.push("follow-up done")));
    onShutdown(() => order.push("stream ended"));
    closeOnShutdown(async () => order.push("pool closed"));
    const exit = vi.fn();
    const done = shutdown("SIGTERM", { timeoutMs: 5_000, exit, finish: (s) => order.push(`next's handler (${s})`) });
    expect(isDraining()).toBe(true);
    expect(srv.close).toHaveBeenCalled();
    // A new request, and readiness: 503 at once, and the connection closes.
    const late = res();
    expect(admitRequest(req("/api/ready"), late)).toBe(true);
    expect(late.status).toBe(503);
    expect(JSON.parse(late.body)).toEqual({ ready: false, draining: true });
    expect(late.headers).toMatchObject({ connection: "close", "retry-after": "1" });
    expect(late.shouldKeepAlive).toBe(false);
    await new Promise((r) => setTimeout(r, 50));
    expect(order).toEqual(["stream ended"]);
    inflight.end("{}");
    await new Promise((r) => setTimeout(r, 20));
    expect(order).toEqual(["stream ended"]); // the follow-up still runs
    finishWork();
    const report = await done;
    expect(order).toEqual(["stream ended", "follow-up done", "pool closed", "next's handler (SIGTERM)"]);
    expect(report).toMatchObject({ signal: "SIGTERM", inflightLeft: 0, workLeft: 0, streamsEnded: 1, timedOut: false });
    expect(exit).not.toHaveBeenCalled();
  });

  it("gives up waiting before the bound, still closes and hands over; the bound's timer exits with 1 if even that hangs", async () => {
    vi.useFakeTimers();
    try {
      admitRequest(req("/slow"), res()); // never ends
      const exit = vi.fn();
      const finish = vi.fn();
      const done = shutdown("SIGTERM", { timeoutMs: 3_000, exit, finish });
      await vi.advanceTimersByTimeAsync(600);
      expect(finish).not.toHaveBeenCalled();
      await vi.advanceTimersByTimeAsync(1_000); // 3 000 less the 1 500 ms margin has passed
      const report = await done;
      expect(report).toMatchObject({ timedOut: true, inflightLeft: 1 });
      expect(finish).toHaveBeenCalledWith("SIGTERM");
      expect(exit).not.toHaveBeenCalled();
      await vi.advanceTimersByTimeAsync(1_500); // Next's handler did not exit: the bound does
      expect(exit).toHaveBeenCalledWith(1);
    } finally {
      vi.useRealTimers();
    }
  });

  it("a stream opened while draining is ended at once", async () => {
    void shutdown("SIGTERM", { timeoutMs: 1_000, exit: () => undefined, finish: () => undefined });
    const ended = vi.fn();
    onShutdown(ended);
    expect(ended).not.toHaveBeenCalled();
    await Promise.resolve();
    expect(ended).toHaveBeenCalled();
  });
});

import { connect } from "node:net";

/**
 * Sends a request with a big body over a raw socket, as fast as the server takes it, and stops as
 * soon as the server answers or closes. Reports the answer's status and how many body bytes went
 * out first: a server that refuses before reading the body in full answers long before `total`.
 */
export type Oversized = {
  host?: string;
  port: number;
  path: string;
  method?: string;
  headers?: Record<string, string>;
  /** Body bytes to offer (sent in 64 KiB pieces). */
  total: number;
  /** Announce the size with Content-Length (default) or send it chunked with no length. */
  chunked?: boolean;
};

export async function sendOversized(o: Oversized): Promise<{ status: number; sent: number; head: string }> {
  const socket = connect({ host: o.host ?? "127.0.0.1", port: o.port });
  await new Promise<void>((resolve, reject) => socket.once("connect", resolve).once("error", reject));
  let received = "";
  let closed = false;
  const answered = new Promise<void>((resolve) => {
    socket.on("data", (d: Buffer) => {
      received += d.toString("latin1");
      if (received.includes("\r\n\r\n")) resolve();
    });
    socket.on("close", () => {
      closed = true;
      resolve();
    });
    socket.on("error", () => {
      closed = true;
      resolve();
    });
  });
  let done = false;
  void answered.then(() => (done = true));

  const headers: Record<string, string> = { host: `127.0.0.1:${o.port}`, ...o.headers };
  if (o.chunked) headers["transfer-encoding"] = "chunked";
  else headers["content-length"] = String(o.total);
  socket.write(
    `${o.method ?? "POST"} ${o.path} HTTP/1.1\r\n${Object.entries(headers)
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join("")}\r\n`,
  );

  const piece = Buffer.alloc(64 * 1024, "a");
  let sent = 0;
  while (!done && !closed && sent < o.total) {
    const n = Math.min(piece.length, o.total - sent);
    const data = n === piece.length ? piece : piece.subarray(0, n);
    const ok = o.chunked ? socket.write(Buffer.concat([Buffer.from(`${n.toString(16)}\r\n`), data, Buffer.from("\r\n")])) : socket.write(data);
    sent += n;
    // Like any real client, read while sending: yield to the event loop after each piece.
    if (!ok) await Promise.race([new Promise((r) => socket.once("drain", r)), answered]);
    else await new Promise((r) => setImmediate(r));
  }
  if (o.chunked && !done && !closed) socket.write("0\r\n\r\n");
  await Promise.race([answered, new Promise((r) => setTimeout(r, 30_000))]);
  socket.destroy();
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(received)?.[1] ?? 0);
  return { status, sent, head: received.split("\r\n\r\n")[0] ?? "" };
}

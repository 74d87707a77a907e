/**
 * Reads a request body with a ceiling, instead of `request.text()` / `formData()`, which read
 * whatever arrives. A Content-Length over the limit is refused before a byte is read; a body without
 * one (chunked) is counted while it is read and abandoned as soon as it passes the limit.
 */
export type Body = { ok: true; bytes: Uint8Array<ArrayBuffer>; text: string } | { ok: false; status: 400 | 413; error: string };

export async function readBody(request: Request, limit: number): Promise<Body> {
  const declared = request.headers.get("content-length");
  if (declared !== null) {
    if (!/^\s*\d{1,15}\s*$/.test(declared)) return refuse(request, 400, "Content-Length is not a number");
    if (Number(declared) > limit) return refuse(request, 413, `request body is larger than ${limit} bytes`);
  }
  if (!request.body) return { ok: true, bytes: new Uint8Array(0), text: "" };
  const reader = request.body.getReader();
  const parts: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      return { ok: false, status: 413, error: `request body is larger than ${limit} bytes` };
    }
    parts.push(value);
  }
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    bytes.set(p, at);
    at += p.byteLength;
  }
  // ignoreBOM keeps a leading byte-order mark in the text: signatures are over the exact bytes, and
  // request.text() would have dropped it (found by the webhook fuzzer: a BOM-prefixed delivery passed).
  return { ok: true, bytes, text: new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes) };
}

async function refuse(request: Request, status: 400 | 413, error: string): Promise<Body> {
  await request.body?.cancel().catch(() => undefined);
  return { ok: false, status, error };
}

import { describe, expect, it } from "vitest";
import { readBody } from "./body";

const req = (body: BodyInit | null, headers: Record<string, string> = {}) =>
  new Request("http://store.test/x", { method: "POST", body, headers, duplex: "half" } as RequestInit);
const chunks = (...parts: string[]) =>
  new ReadableStream<Uint8Array>({
    start(c) {
      for (const p of parts) c.enqueue(new TextEncoder().encode(p));
      c.close();
    },
  });

describe("readBody", () => {
  it("reads a body up to the limit, exactly", async () => {
    expect(await readBody(req("a".repeat(10)), 10)).toMatchObject({ ok: true, text: "a".repeat(10) });
    expect(await readBody(req(chunks("abc", "défg")), 9)).toMatchObject({ ok: true, text: "abcdéfg" });
    expect(await readBody(req(null), 10)).toMatchObject({ ok: true, text: "" });
  });

  it("refuses one byte more, declared or not", async () => {
    expect(await readBody(req("a".repeat(11)), 10)).toMatchObject({ ok: false, status: 413 });
    expect(await readBody(req(chunks("aaaaa", "aaaaaa")), 10)).toMatchObject({ ok: false, status: 413 });
  });

  it("refuses a Content-Length that is not a number, or that lies about a bigger body", async () => {
    expect(await readBody(req(chunks("abc"), { "content-length": "1e3" }), 10)).toMatchObject({ ok: false, status: 400 });
    expect(await readBody(req(chunks("aaaaaaaaaaaa"), { "content-length": "3" }), 10)).toMatchObject({ ok: false, status: 413 });
  });

  it("keeps a byte-order mark: the text is the bytes that were signed", async () => {
    const r = await readBody(req(new Uint8Array([0xef, 0xbb, 0xbf, 0x7b, 0x7d])), 10);
    expect(r.ok && r.text).toBe("\ufeff{}");
  });
});

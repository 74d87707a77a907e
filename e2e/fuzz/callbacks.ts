import { createHmac } from "node:crypto";
import type { Random } from "./random";
import type { Attempt, FuzzCase } from "./run";

/**
 * Mutations of Plural's signed return (the browser's form POST, or a GET with the same fields):
 * field values, field names, signatures, encodings, content types, ids, raw body bytes, sizes.
 *
 * Whether a case is the genuine message in another spelling is decided here, by reading it the
 * standard way (URLSearchParams for forms and queries; by construction for multipart), never by the
 * store's own code: the genuine fields, each once, with the signature in either case.
 */
export type GenuineReturn = { fields: Record<string, string> };

type Pairs = Array<[string, string]>;
const PATH = "/api/plural/return";
const FORM = "application/x-www-form-urlencoded";
const enc = new TextEncoder();

function urlencode(pairs: Pairs, opts: { all?: boolean; plus?: boolean } = {}): string {
  const e = (s: string) => {
    const v = opts.all
      ? [...enc.encode(s)].map((b) => `%${b.toString(16).toUpperCase().padStart(2, "0")}`).join("")
      : encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
    return opts.plus ? v.replace(/%20/g, "+") : v;
  };
  return pairs.map(([k, v]) => `${e(k)}=${e(v)}`).join("&");
}

const post = (body: string | Uint8Array, contentType = FORM): Attempt => ({
  method: "POST",
  path: PATH,
  headers: contentType ? { "content-type": contentType } : {},
  body: typeof body === "string" ? enc.encode(body) : body,
});
const get = (query: string): Attempt => ({ method: "GET", path: `${PATH}?${query}`, headers: {} });

function multipart(rng: Random, pairs: Pairs, file?: { name: string; content: string }): { body: Uint8Array; contentType: string } {
  const boundary = `----fuzz${rng.int(1e9, 9e9)}`;
  let s = "";
  for (const [k, v] of pairs) s += `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`;
  if (file)
    s += `--${boundary}\r\nContent-Disposition: form-data; name="${file.name}"; filename="x.txt"\r\nContent-Type: text/plain\r\n\r\n${file.content}\r\n`;
  s += `--${boundary}--\r\n`;
  return { body: enc.encode(s), contentType: `multipart/form-data; boundary=${boundary}` };
}

/** The pairs a standard reader finds in a form body or query; undefined when it is not a form. */
function formPairs(a: Attempt): Pairs | undefined {
  if (a.method === "GET") return [...new URL(a.path, "http://x").searchParams];
  const type = Object.entries(a.headers).find(([k]) => k.toLowerCase() === "content-type")?.[1] ?? "";
  if (!/^application\/x-www-form-urlencoded\s*(;|$)/i.test(type) || !a.body) return undefined;
  return [...new URLSearchParams(new TextDecoder("utf-8", { ignoreBOM: true }).decode(a.body))];
}

const canonical = (pairs: Pairs) =>
  pairs
    .map(([k, v]) => JSON.stringify([k, k === "signature" ? v.toUpperCase() : v]))
    .sort()
    .join("\n");

function sameFields(a: Pairs | undefined, b: Pairs): boolean {
  return !!a && canonical(a) === canonical(b);
}

export function* callbackCases(rng: Random, genuine: GenuineReturn[], count: number): Generator<FuzzCase> {
  if (genuine.length < 2) throw new Error("callbackCases needs at least two genuine returns (to swap ids and signatures)");
  for (let i = 0; i < count; i++) {
    const base = rng.pick(genuine);
    const other = rng.pick(genuine.filter((g) => g !== base));
    const pairs: Pairs = rng.shuffle(Object.entries(base.fields));
    const { kind, attempt, byConstruction } = mutate(rng, pairs, base, other);
    const original = Object.entries(base.fields);
    const equivalent = byConstruction ?? sameFields(formPairs(attempt), original);
    yield { kind, attempt, equivalent };
  }
}

type Mutation = { kind: string; attempt: Attempt; byConstruction?: boolean };

function mutate(rng: Random, pairs: Pairs, base: GenuineReturn, other: GenuineReturn): Mutation {
  const fieldIdx = () => {
    const names = pairs.map(([k], i) => [k, i] as const).filter(([k]) => k !== "signature");
    return rng.pick(names)[1];
  };
  const sigIdx = pairs.findIndex(([k]) => k === "signature");
  const withPair = (i: number, pair: [string, string] | null): Pairs => pairs.flatMap((p, j) => (j === i ? (pair ? [pair] : []) : [p]));
  const sig = base.fields.signature!;
  const hex = "0123456789ABCDEF";
  const k = rng.int(0, 39);
  switch (k) {
    // The genuine message, spelt differently.
    case 0:
      return { kind: "genuine:reordered", attempt: post(urlencode(rng.shuffle(pairs))) };
    case 1:
      return { kind: "genuine:percent-encoded-throughout", attempt: post(urlencode(pairs, { all: true })) };
    case 2:
      return { kind: "genuine:plus-for-space", attempt: post(urlencode(pairs, { plus: true })) };
    case 3:
      return { kind: "genuine:lower-case-signature", attempt: post(urlencode(withPair(sigIdx, ["signature", sig.toLowerCase()]))) };
    case 4: {
      const m = multipart(rng, pairs);
      return { kind: "genuine:multipart", attempt: post(m.body, m.contentType), byConstruction: true };
    }
    case 5:
      return { kind: "genuine:get-query", attempt: get(urlencode(pairs)) };
    case 6:
      return { kind: "genuine:empty-segments", attempt: post(`&${urlencode(pairs).replace(/&/g, "&&")}&`) };
    // Field values.
    case 7: {
      const i = fieldIdx();
      const [n, v] = pairs[i]!;
      const at = rng.int(0, Math.max(0, v.length - 1));
      const flipped = v.length ? v.slice(0, at) + String.fromCharCode(v.charCodeAt(at) ^ (1 << rng.int(0, 5))) + v.slice(at + 1) : "x";
      return { kind: "value:flip-a-character", attempt: post(urlencode(withPair(i, [n, flipped]))) };
    }
    case 8: {
      const i = fieldIdx();
      const [n, v] = pairs[i]!;
      return { kind: "value:append", attempt: post(urlencode(withPair(i, [n, v + rng.junk(4)]))) };
    }
    case 9: {
      const i = fieldIdx();
      return { kind: "value:empty", attempt: post(urlencode(withPair(i, [pairs[i]![0], ""]))) };
    }
    case 10: {
      const i = fieldIdx();
      const [n, v] = pairs[i]!;
      const changed = v === v.toLowerCase() ? v.toUpperCase() : v.toLowerCase();
      return { kind: "value:case", attempt: post(urlencode(withPair(i, [n, changed === v ? `${v}x` : changed]))) };
    }
    case 11: {
      const i = fieldIdx();
      return { kind: "value:junk", attempt: post(urlencode(withPair(i, [pairs[i]![0], rng.junk(20)]))) };
    }
    case 12: {
      const i = fieldIdx();
      const [n, v] = pairs[i]!;
      return { kind: "value:whitespace", attempt: post(urlencode(withPair(i, [n, rng.pick([` ${v}`, `${v} `, `${v}\n`, `\t${v}`])]))) };
    }
    case 13:
      return {
        kind: "value:status",
        attempt: post(
          urlencode(
            pairs.map(([n, v]) =>
              n === "status" ? [n, rng.pick(["PROCESSED", "AUTHORIZED", "FAILED", "processed", "PENDING"].filter((s) => s !== v))] : [n, v],
            ),
          ),
        ),
      };
    // Field names.
    case 14: {
      const i = fieldIdx();
      const [n, v] = pairs[i]!;
      return { kind: "name:case", attempt: post(urlencode(withPair(i, [n.toUpperCase(), v]))) };
    }
    case 15: {
      const i = fieldIdx();
      const [n, v] = pairs[i]!;
      return { kind: "name:renamed", attempt: post(urlencode(withPair(i, [rng.pick([`${n}_`, `_${n}`, n.replace("_", "-"), `${n}[]`, `${n}\u200b`]), v]))) };
    }
    case 16:
      return { kind: "name:field-removed", attempt: post(urlencode(withPair(fieldIdx(), null))) };
    case 17:
      return {
        kind: "name:field-added",
        attempt: post(urlencode([...pairs, [rng.pick(["amount", "order_status", "x", "payment_status", "status_code"]), rng.junk(6)]])),
      };
    case 18: {
      const i = fieldIdx();
      return { kind: "name:field-twice-same", attempt: post(urlencode([...pairs, pairs[i]!])) };
    }
    case 19: {
      const i = fieldIdx();
      const [n] = pairs[i]!;
      const forged: [string, string] = [n, n === "status" ? "PROCESSED" : rng.junk(6)];
      return { kind: "name:field-twice-different", attempt: post(urlencode(rng.chance(0.5) ? [forged, ...pairs] : [...pairs, forged])) };
    }
    case 20:
      return { kind: "name:signature-twice", attempt: post(urlencode([...pairs, ["signature", other.fields.signature!]])) };
    // Signatures.
    case 21: {
      const at = rng.int(0, sig.length - 1);
      const flipped = sig.slice(0, at) + hex[(hex.indexOf(sig[at]!.toUpperCase()) + rng.int(1, 15)) % 16] + sig.slice(at + 1);
      return { kind: "signature:flip-a-digit", attempt: post(urlencode(withPair(sigIdx, ["signature", flipped]))) };
    }
    case 22:
      return { kind: "signature:truncated", attempt: post(urlencode(withPair(sigIdx, ["signature", sig.slice(0, rng.int(0, 63))]))) };
    case 23:
      return { kind: "signature:extended", attempt: post(urlencode(withPair(sigIdx, ["signature", sig + rng.pick(["0", "00", "A", sig])]))) };
    case 24:
      return {
        kind: "signature:not-hex",
        attempt: post(urlencode(withPair(sigIdx, ["signature", sig.slice(0, 63) + rng.pick(["G", "z", " ", "=", "\u0000"])]))),
      };
    case 25:
      return { kind: "signature:missing-or-empty", attempt: post(urlencode(rng.chance(0.5) ? withPair(sigIdx, null) : withPair(sigIdx, ["signature", ""]))) };
    case 26:
      return { kind: "signature:prefixed", attempt: post(urlencode(withPair(sigIdx, ["signature", rng.pick(["sha256=", "v1,", "0x", " "]) + sig]))) };
    case 27:
      return { kind: "signature:another-order's", attempt: post(urlencode(withPair(sigIdx, ["signature", other.fields.signature!]))) };
    case 28: {
      const wrongKey = rng.pick(["00".repeat(16), "5a4e3b2c1d0f9e8d7c6b5a4938271604", "ff".repeat(32)]);
      const changed = withPair(fieldIdx(), null);
      const s = createHmac("sha256", Buffer.from(wrongKey, "hex"))
        .update(
          changed
            .filter(([n]) => n !== "signature")
            .sort(([a], [b]) => (a < b ? -1 : 1))
            .map(([n, v]) => `${n}=${v}`)
            .join("&"),
        )
        .digest("hex")
        .toUpperCase();
      return { kind: "signature:signed-with-a-wrong-key", attempt: post(urlencode(changed.map(([n, v]) => (n === "signature" ? [n, s] : [n, v])))) };
    }
    // Ids.
    case 29:
      return { kind: "id:another-order", attempt: post(urlencode(pairs.map(([n, v]) => (n === "order_id" ? [n, other.fields.order_id!] : [n, v])))) };
    case 30:
      return {
        kind: "id:unknown",
        attempt: post(
          urlencode(pairs.map(([n, v]) => (n === "order_id" ? [n, rng.pick([`${v}0`, v.slice(0, -1), "v1-000000000000-aa-AAAAAA", "", "../x"])] : [n, v]))),
        ),
      };
    // Raw bytes.
    case 31: {
      const bytes = enc.encode(urlencode(pairs));
      const edits = rng.int(1, 3);
      let b = Array.from(bytes);
      for (let e = 0; e < edits; e++) {
        const at = rng.int(0, b.length - 1);
        const op = rng.int(0, 2);
        if (op === 0) b[at] = b[at]! ^ (1 << rng.int(0, 7));
        else if (op === 1) b.splice(at, 0, rng.int(0, 255));
        else b.splice(at, 1);
      }
      b = b.slice(0, 100_000);
      return { kind: "bytes:edited", attempt: post(new Uint8Array(b)) };
    }
    case 32: {
      const s = urlencode(pairs);
      return { kind: "bytes:truncated", attempt: post(s.slice(0, rng.int(0, s.length - 1))) };
    }
    case 33:
      return { kind: "bytes:nul-or-control-inserted", attempt: post(urlencode(pairs).replace(/=/, rng.pick(["=%00", "=\u0000", "=%0d%0a", "\u0000="]))) };
    // Content types and encodings.
    case 34: {
      const t = rng.pick(["text/plain", "application/json", "", "application/x-www-form-urlencoded-x", "multipart/form-data"]);
      const body = t === "application/json" ? JSON.stringify(base.fields) : urlencode(pairs);
      return { kind: `type:${t || "none"}`, attempt: post(body, t) };
    }
    case 35: {
      const withFile = rng.chance(0.5);
      const m = withFile
        ? multipart(rng, pairs, { name: rng.pick(["signature", "order_id", "extra"]), content: rng.junk(10) })
        : multipart(rng, withPair(fieldIdx(), null));
      return { kind: withFile ? "type:multipart-with-a-file" : "type:multipart-field-removed", attempt: post(m.body, m.contentType), byConstruction: false };
    }
    case 36: {
      const s = urlencode(pairs);
      const utf16 = new Uint8Array(s.length * 2);
      for (let j = 0; j < s.length; j++) utf16[j * 2] = s.charCodeAt(j);
      return rng.chance(0.5)
        ? { kind: "encoding:utf-16", attempt: post(utf16, `${FORM}; charset=utf-16le`) }
        : { kind: "encoding:byte-order-mark", attempt: post(new Uint8Array([0xef, 0xbb, 0xbf, ...enc.encode(s)])) };
    }
    // Time and size.
    case 37:
      return { kind: "time:timestamp-added", attempt: post(urlencode([...pairs, [rng.pick(["timestamp", "created_at", "updated_at"]), String(Date.now())]])) };
    case 38:
      return rng.chance(0.5)
        ? {
            kind: "size:many-fields",
            attempt: post(urlencode([...pairs, ...Array.from({ length: rng.int(65, 300) }, (_, j): [string, string] => [`f${j}`, "x"])])),
          }
        : {
            kind: "size:huge-value",
            attempt: post(urlencode(withPair(sigIdx === 0 ? 1 : 0, [pairs[sigIdx === 0 ? 1 : 0]![0], "x".repeat(rng.int(3_000, 40_000))]))),
          };
    default: {
      const i = fieldIdx();
      return { kind: "get:value-changed", attempt: get(urlencode(withPair(i, [pairs[i]![0], rng.junk(8)]))) };
    }
  }
}

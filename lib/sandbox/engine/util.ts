import { createHash, randomInt } from "node:crypto";

export const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
export const rand = (n: number, alphabet = ALNUM) => Array.from({ length: n }, () => alphabet[randomInt(alphabet.length)]).join("");
export const digits = (n: number) => rand(n, "0123456789");
const pad = (n: number) => String(n).padStart(2, "0");

/** Plural's order id: v1-YYMMDDhhmmss-aa-XXXXXX. */
export function orderIdAt(ms: number): string {
  const d = new Date(ms);
  const stamp = `${pad(d.getUTCFullYear() % 100)}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}`;
  return `v1-${stamp}-aa-${rand(6)}`;
}

function stable(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stable).join(",")}]`;
  if (value && typeof value === "object") {
    return `{${Object.keys(value as object)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${stable((value as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(value);
}

/** A request body's fingerprint, independent of key order: same reference + same hash = a replay. */
export const hashBody = (body: unknown) => createHash("sha256").update(stable(body)).digest("hex");

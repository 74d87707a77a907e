/** Small things every benchmark uses: arguments, pools, percentiles, tables, the machine's description, results files. */
import { writeFigures } from "../figures.mjs";
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

export const ROOT = path.resolve(import.meta.dirname, "../..");

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
export const rand = (n = 16) =>
  randomBytes(n * 2)
    .toString("base64")
    .replace(/[^A-Za-z0-9]/g, "")
    .slice(0, n);
/**
 * A shopper's address, as a load balancer in front would pass it on (`X-Forwarded-For`; the store
 * believes it from 127.0.0.1, TRUSTED_PROXIES below): every benchmark request comes from a shopper of
 * its own, as real traffic does, so the store's per-address limits (lib/security/limits.ts) count
 * and answer as they would, and never refuse the benchmark itself.
 */
export const shopperAddress = () => `100.${64 + (randomBytes(1)[0] & 63)}.${randomBytes(1)[0]}.${1 + (randomBytes(1)[0] % 254)}`;
export const withAddress = (headers = {}) =>
  Object.keys(headers).some((k) => k.toLowerCase() === "x-forwarded-for") ? headers : { ...headers, "x-forwarded-for": shopperAddress() };

/** A checkout key as lib/orders makes them (`ord_` + 16 letters/digits): the checkout form's idempotency key. */
export const checkoutKey = () => `ord_${rand(16)}`;

/** `--name value` and `--flag` from argv, with defaults; numbers stay numbers. */
export function args(defaults) {
  const out = { ...defaults };
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(argv[i]);
    if (!m) throw new Error(`Unknown argument ${argv[i]}`);
    const key = m[1].replace(/-([a-z])/g, (_, c) => c.toUpperCase());
    if (!(key in defaults)) throw new Error(`Unknown option --${m[1]} (known: ${Object.keys(defaults).join(", ")})`);
    let value = m[2];
    if (value === undefined) value = typeof defaults[key] === "boolean" ? "true" : argv[++i];
    out[key] = typeof defaults[key] === "number" ? Number(value) : typeof defaults[key] === "boolean" ? value !== "false" : value;
  }
  return out;
}

/** Runs `fn` over `items` with at most `n` at once; returns the results in order (rejections as Error values). */
export async function pool(items, n, fn) {
  const out = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i], i).catch((e) => (e instanceof Error ? e : new Error(String(e))));
      }
    }),
  );
  return out;
}

export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export function table(headers, rows) {
  const cells = [headers, ...rows].map((r) => r.map((c) => (c === undefined || c === null ? "" : String(c))));
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
  const line = (r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  return [line(cells[0]), widths.map((w) => "-".repeat(w)).join("  "), ...cells.slice(1).map(line)].join("\n");
}

export const fmt = {
  ms: (v) => (Number.isFinite(v) ? (v >= 100 ? v.toFixed(0) : v.toFixed(1)) : "-"),
  rps: (v) => (Number.isFinite(v) ? v.toFixed(1) : "-"),
  ratio: (v) => (Number.isFinite(v) ? v.toFixed(2) : "-"),
};

export function machine() {
  const cpus = os.cpus();
  let commit = "";
  try {
    commit = spawnSync("git", ["rev-parse", "--short", "HEAD"], { cwd: ROOT, encoding: "utf8" }).stdout.trim();
    if (spawnSync("git", ["status", "--porcelain"], { cwd: ROOT, encoding: "utf8" }).stdout.trim()) commit += "+dirty";
  } catch {
    /* not a git checkout */
  }
  return {
    cpus: cpus.length,
    model: cpus[0]?.model ?? "unknown",
    memGiB: +(os.totalmem() / 2 ** 30).toFixed(1),
    loadavg: os.loadavg().map((l) => +l.toFixed(2)),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    commit,
  };
}

export const machineLine = (m) =>
  `machine: ${m.cpus} × ${m.model}, ${m.memGiB} GiB, load average ${m.loadavg.join(" ")}, node ${m.node}, ${m.platform}, commit ${m.commit}`;

export function saveResults(name, data) {
  const dir = path.join(ROOT, "bench", "results");
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}-${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
  writeFileSync(file, JSON.stringify(data, null, 2));
  const page = writeFigures(name, data?.machine);
  if (page) console.log(`figures written to ${page}`);
  return path.relative(ROOT, file);
}

/**
 * Benchmarks write their own figures into docs/benchmarks.md, so nobody edits figures by hand.
 *
 * Each benchmark owns one section of that page, between `<!-- bench:NAME -->` and
 * `<!-- /bench:NAME -->`. What the benchmark printed on stdout since it started (its tables and
 * verdicts; progress lines overwritten with `\r` are dropped) replaces that section, headed by the
 * date, the machine and the commit. A section that does not exist yet is appended at the end of the
 * page. Everything outside the markers (what each benchmark measures, how to read it) is prose kept
 * by hand.
 *
 * Capture starts when this module is loaded (bench/harness.mjs loads it first). `--no-docs` on the
 * command line, or BENCH_DOCS=0, leaves the page alone (a quick run with small numbers).
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

const ROOT = path.resolve(import.meta.dirname, "..");
export const BENCHMARKS_PAGE = path.join(ROOT, "docs", "benchmarks.md");

const captured = [];
const write = process.stdout.write.bind(process.stdout);
process.stdout.write = (chunk, ...rest) => {
  captured.push(typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8"));
  return write(chunk, ...rest);
};

/** What was printed, as a reader would have seen it at the end: colours and overwritten progress lines gone. */
export function printed(text = captured.join("")) {
  return text
    .replace(/\u001b\[[0-9;]*[A-Za-z]/g, "")
    .split("\n")
    .map((line) => line.slice(line.lastIndexOf("\r") + 1).trimEnd())
    .filter((line) => !/^(saved|results:) bench\/results\//.test(line))
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

const machineText = (m) =>
  `${m.cpus} × ${m.model}, ${m.memGiB} GiB, Node ${m.node}, ${m.platform}; load average ${m.loadavg.join(" ")} at the start` +
  (m.commit ? `; commit ${m.commit}` : "");

/** The page with `name`'s section replaced (or appended) by `body`. Pure, for the tests. */
export function replaceSection(page, name, body) {
  const open = `<!-- bench:${name} -->`;
  const close = `<!-- /bench:${name} -->`;
  const block = `${open}\n${body.trim()}\n${close}`;
  const start = page.indexOf(open);
  const end = page.indexOf(close);
  if (start === -1 || end < start) return `${page.trimEnd()}\n\n${block}\n`;
  return page.slice(0, start) + block + page.slice(end + close.length);
}

/**
 * Replaces the benchmark `name`'s section of docs/benchmarks.md with what it printed.
 * `machine`: the harness's machine() record taken at the start. Returns the page's path, or
 * undefined when the run asked to leave the page alone.
 */
export function writeFigures(name, machine, { now = new Date(), page = BENCHMARKS_PAGE } = {}) {
  if (process.argv.includes("--no-docs") || process.env.BENCH_DOCS === "0") return undefined;
  const command = `npm run bench:${name === "first-load-js" ? "first-load" : name}`;
  const args = process.argv.slice(2).filter((a) => a !== "--no-docs");
  const m = machine ?? {
    cpus: os.cpus().length,
    model: os.cpus()[0]?.model ?? "unknown",
    memGiB: +(os.totalmem() / 2 ** 30).toFixed(1),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    loadavg: os.loadavg().map((l) => +l.toFixed(2)),
  };
  const body = [
    `Written by \`${process.env.BENCH_N ? `BENCH_N=${process.env.BENCH_N} ` : ""}${command}${args.length ? ` -- ${args.join(" ")}` : ""}\` on ${now.toISOString().slice(0, 16).replace("T", " ")} UTC.`,
    `Machine: ${machineText(m)}.`,
    "",
    "```",
    printed(),
    "```",
  ].join("\n");
  const text = existsSync(page) ? readFileSync(page, "utf8") : "# Benchmarks\n";
  writeFileSync(page, replaceSection(text, name, body));
  return path.relative(ROOT, page);
}

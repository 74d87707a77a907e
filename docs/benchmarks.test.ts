import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { printed, replaceSection } from "../bench/figures.mjs";

/** docs/benchmarks.md has a section for every benchmark that writes one, and the writer replaces only its own. */

const ROOT = path.resolve(__dirname, "..");
const page = readFileSync(path.join(ROOT, "docs", "benchmarks.md"), "utf8");

describe("docs/benchmarks.md", () => {
  const names = readdirSync(path.join(ROOT, "bench"))
    .filter((f) => /\.(mjs|ts)$/.test(f))
    .flatMap((f) => [...readFileSync(path.join(ROOT, "bench", f), "utf8").matchAll(/(?:saveResults|writeFigures)\("([a-z-]+)"/g)].map((m) => m[1]!));

  it("has a marked section for each benchmark's figures", () => {
    expect(names.length).toBeGreaterThanOrEqual(10);
    for (const name of new Set(names)) {
      const open = page.indexOf(`<!-- bench:${name} -->`);
      const close = page.indexOf(`<!-- /bench:${name} -->`);
      expect(open, name).toBeGreaterThan(-1);
      expect(close, name).toBeGreaterThan(open);
    }
  });

  it("a benchmark replaces its own section, and adds one that is missing", () => {
    const before = "# B\n\nprose\n<!-- bench:a -->\nold a\n<!-- /bench:a -->\nmore prose\n<!-- bench:b -->\nold b\n<!-- /bench:b -->\n";
    const after = replaceSection(before, "a", "new a");
    expect(after).toBe("# B\n\nprose\n<!-- bench:a -->\nnew a\n<!-- /bench:a -->\nmore prose\n<!-- bench:b -->\nold b\n<!-- /bench:b -->\n");
    expect(replaceSection(after, "a", "newer a")).toContain("<!-- bench:a -->\nnewer a\n<!-- /bench:a -->\nmore prose");
    expect(replaceSection(before, "c", "c's")).toMatch(/old b\n<!-- \/bench:b -->\n\n<!-- bench:c -->\nc's\n<!-- \/bench:c -->\n$/);
  });

  it("keeps what a reader saw: progress lines overwritten by \\r and colours dropped", () => {
    expect(printed("table\n  push: 1/20\r  push: 20/20\r  push: p50 12 ms\n\u001b[32mok\u001b[39m\n\n\n\nend\n")).toBe("table\n  push: p50 12 ms\nok\n\nend");
  });
});

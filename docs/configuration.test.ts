import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

/** Every variable lib/env.ts reads is on docs/configuration.md: a new setting is documented with it. */

const ROOT = path.resolve(__dirname, "..");
const page = readFileSync(path.join(ROOT, "docs", "configuration.md"), "utf8");

/** The keys of the zod object lib/env.ts parses `process.env` with: `  NAME: z…`. */
function envVariables(): string[] {
  const source = readFileSync(path.join(ROOT, "lib", "env.ts"), "utf8");
  return [...new Set([...source.matchAll(/^\s{2}([A-Z][A-Z0-9_]+):\s/gm)].map((m) => m[1]!))];
}

describe("docs/configuration.md", () => {
  it("documents every variable lib/env.ts reads", () => {
    const names = envVariables().filter((n) => n !== "NODE_ENV"); // set by Next.js itself
    expect(names.length).toBeGreaterThan(15);
    const missing = names.filter((n) => !page.includes(`\`${n}\``));
    expect(missing).toEqual([]);
  });
});

import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

/**
 * Every dependency is pinned to one exact version, in package.json and in the lock's
 * record of it. A range (`^1.0.41`) lets the next `npm install` take whatever a hijacked account
 * publishes next: ua-parser-js itself was hijacked on npm in 2021.
 */
const pkg = JSON.parse(readFileSync("package.json", "utf8")) as Record<string, Record<string, string> | undefined>;
const lock = JSON.parse(readFileSync("package-lock.json", "utf8")) as { packages: Record<string, Record<string, Record<string, string> | undefined>> };
const EXACT = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/;

describe("dependency pins", () => {
  for (const section of ["dependencies", "devDependencies", "optionalDependencies"] as const) {
    it(`every entry of ${section} is an exact version, the same in the lock`, () => {
      const ranges = Object.entries(pkg[section] ?? {}).filter(([, v]) => !EXACT.test(v));
      expect(ranges).toEqual([]);
      expect(lock.packages[""]![section] ?? {}).toEqual(pkg[section] ?? {});
    });
  }

  it("what is installed is what is pinned", () => {
    const all = { ...pkg.dependencies, ...pkg.devDependencies };
    const drift = Object.entries(all).filter(([name, version]) => lock.packages[`node_modules/${name}`]?.version !== (version as unknown));
    expect(drift).toEqual([]);
  });
});

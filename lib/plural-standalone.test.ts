import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/**
 * lib/plural is a library a developer copies into their own app: it must import nothing of this
 * store. Here it is copied alone into an empty folder with a minimal package.json and tsconfig
 * (npm packages come from this checkout's node_modules, linked: no network), compiled with tsc as
 * strictly as the store compiles, and its own unit tests run there.
 */
const root = path.resolve(__dirname, "..");
const source = path.join(root, "lib/plural");
const ours = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

/** The npm packages lib/plural may use; anything else it imports is a leak of the app into the library. */
const DEPENDENCIES = ["zod", "standardwebhooks", "@opentelemetry/api"];
const DEV_DEPENDENCIES = ["typescript", "vitest", "@types/node"];

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(path.join(dir, e.name)) : e.name.endsWith(".ts") ? [path.join(dir, e.name)] : [],
  );
}

function run(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, args, {
    cwd,
    encoding: "utf8",
    env: { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: "test", NO_COLOR: "1", CI: "1" },
  });
  return { status: r.status, output: `${r.stdout}\n${r.stderr}` };
}

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), "plural-standalone-"));
  cpSync(source, path.join(dir, "plural"), { recursive: true });
  symlinkSync(path.join(root, "node_modules"), path.join(dir, "node_modules"), "dir");
  const pick = (names: string[], from: Record<string, string>) =>
    Object.fromEntries(names.map((n) => [n, from[n] ?? ours.dependencies[n] ?? ours.devDependencies[n]]));
  writeFileSync(
    path.join(dir, "package.json"),
    JSON.stringify(
      {
        name: "plural-standalone",
        private: true,
        type: "module",
        dependencies: pick(DEPENDENCIES, ours.dependencies),
        devDependencies: pick(DEV_DEPENDENCIES, ours.devDependencies),
      },
      null,
      2,
    ),
  );
  writeFileSync(
    path.join(dir, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: {
        target: "ES2022",
        lib: ["es2023"],
        module: "esnext",
        moduleResolution: "bundler",
        strict: true,
        noUncheckedIndexedAccess: true,
        isolatedModules: true,
        noEmit: true,
        skipLibCheck: true,
        types: ["node"],
      },
      include: ["plural/**/*.ts"],
    }),
  );
  writeFileSync(
    path.join(dir, "vitest.config.mjs"),
    `export default { cacheDir: ".vite", test: { include: ["plural/**/*.test.ts"], environment: "node" } };\n`,
  );
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("lib/plural copied alone into an empty folder", () => {
  it("imports only its own files, Node's built-ins and its declared npm packages", () => {
    const allowed = new Set([...DEPENDENCIES, "vitest"]);
    const leaks: string[] = [];
    for (const file of sources(source)) {
      const text = readFileSync(file, "utf8");
      for (const m of text.matchAll(/(?:from\s+|import\s*\(\s*|^import\s+)"([^"]+)"/gm)) {
        const spec = m[1]!;
        if (spec.startsWith("node:")) continue;
        if (spec.startsWith(".")) {
          const target = path.resolve(path.dirname(file), spec);
          if (!target.startsWith(source + path.sep)) leaks.push(`${path.relative(root, file)}: ${spec}`);
        } else if (!allowed.has(spec)) leaks.push(`${path.relative(root, file)}: ${spec}`);
      }
    }
    expect(leaks).toEqual([]);
  });

  it("compiles with tsc (strict, no path aliases)", () => {
    const r = run([path.join(root, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.json"], dir);
    expect(r.output.trim()).toBe("");
    expect(r.status).toBe(0);
  }, 120_000);

  it("passes its own unit tests there", () => {
    const r = run([path.join(root, "node_modules/vitest/vitest.mjs"), "run", "--config", "vitest.config.mjs"], dir);
    expect(r.status, r.output.slice(-4000)).toBe(0);
    expect(r.output).toMatch(/Test Files\s+\d+ passed/);
  }, 120_000);
});

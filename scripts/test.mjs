#!/usr/bin/env node
/**
 * `npm test`: the whole suite. Finds a Chromium (installing Debian's when it can), runs the unit and
 * route tests (Vitest), builds the app and runs the browser tests (Playwright). Ends with one line:
 * "N passed, N failed".
 * The route and domain suites run a second time on PostgreSQL when a throw-away cluster can be
 * started here (scripts/pg.mjs); CI fails when it cannot.
 *   --e2e-only   skip Vitest        --unit-only   skip the build and the browser tests
 *   --sqlite-only   skip the PostgreSQL run
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { startCluster, unavailableReason } from "./pg.mjs";

const args = new Set(process.argv.slice(2));
const passthrough = process.argv.slice(2).filter((a) => !a.startsWith("--"));
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" };
let passed = 0;
let failed = 0;
let skipped = 0;
let flaky = 0;
const flakyNames = [];

/** Titles of the tests Playwright marked flaky (failed, then passed on a retry). */
function flakyTests(report) {
  const out = [];
  const walk = (suite, path) => {
    for (const spec of suite.specs ?? []) for (const t of spec.tests ?? []) if (t.status === "flaky") out.push([...path, spec.title].join(" › "));
    for (const child of suite.suites ?? []) walk(child, [...path, child.title]);
  };
  for (const suite of report.suites ?? []) walk(suite, [suite.title]);
  return out;
}

function run(cmd, argv, extraEnv = {}) {
  const r = spawnSync(cmd, argv, { stdio: "inherit", env: { ...env, ...extraEnv } });
  return r.status ?? 1;
}

function findChromium() {
  const candidates = [process.env.CHROMIUM_PATH, "/usr/bin/chromium", "/usr/bin/chromium-browser"];
  try {
    const { chromium } = createRequire(import.meta.url)("playwright-core");
    candidates.push(chromium.executablePath());
  } catch {
    /* Playwright has no browser of its own here */
  }
  return candidates.find((p) => p && existsSync(p));
}

function ensureChromium() {
  let found = findChromium();
  if (found) return found;
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  if (isRoot && existsSync("/etc/debian_version") && existsSync("/usr/bin/apt-get")) {
    console.log("No Chromium found: installing Debian's chromium package (as `playwright install --with-deps` would)...");
    const env2 = { DEBIAN_FRONTEND: "noninteractive" };
    if (
      run("apt-get", ["update", "-q"], env2) === 0 &&
      run("apt-get", ["install", "-y", "-q", "--no-install-recommends", "chromium", "fonts-liberation"], env2) === 0
    )
      found = findChromium();
  }
  if (!found) {
    console.error(
      "\nNo Chromium for the browser tests. Install one, then run npm test again:\n  sudo apt-get install -y chromium     # Debian/Ubuntu\nor point CHROMIUM_PATH at an existing Chromium or Chrome binary.\n",
    );
    process.exit(1);
  }
  return found;
}

mkdirSync("test-results", { recursive: true });

if (!args.has("--e2e-only")) {
  const out = "test-results/vitest.json";
  rmSync(out, { force: true });
  const code = run(process.execPath, ["node_modules/vitest/vitest.mjs", "run", "--reporter=default", "--reporter=json", `--outputFile=${out}`, ...passthrough]);
  if (existsSync(out)) {
    const r = JSON.parse(readFileSync(out, "utf8"));
    passed += r.numPassedTests;
    failed += r.numFailedTests;
    skipped += r.numPendingTests + (r.numTodoTests ?? 0);
  } else if (code !== 0) failed += 1;
  if (code !== 0 && failed === 0) failed += 1;
}

/** The suites that touch the database: run again on PostgreSQL wherever a cluster can be started. */
const DATABASE_SUITES = ["lib/orders", "lib/db", "app"];

if (!args.has("--e2e-only") && !args.has("--sqlite-only")) {
  const reason = unavailableReason();
  if (reason) {
    console.log(`\nPostgreSQL suites NOT run: ${reason}.`);
    if (process.env.CI) failed += 1;
  } else {
    const cluster = await startCluster();
    console.log(`\n--- the route and domain suites again, on PostgreSQL (${cluster.url})`);
    const out = "test-results/vitest-postgres.json";
    rmSync(out, { force: true });
    try {
      const code = run(
        process.execPath,
        [
          "node_modules/vitest/vitest.mjs",
          "run",
          "--reporter=default",
          "--reporter=json",
          `--outputFile=${out}`,
          ...(passthrough.length ? passthrough : DATABASE_SUITES),
        ],
        { TEST_POSTGRES_URL: cluster.url },
      );
      const before = failed;
      if (existsSync(out)) {
        const r = JSON.parse(readFileSync(out, "utf8"));
        passed += r.numPassedTests;
        failed += r.numFailedTests;
        skipped += r.numPendingTests + (r.numTodoTests ?? 0);
      }
      if (code !== 0 && failed === before) failed += 1;
    } finally {
      cluster.stop();
    }
  }
}

if (!args.has("--unit-only")) {
  const chromium = ensureChromium();
  console.log(`Chromium: ${chromium}`);
  let code = run(process.execPath, ["node_modules/next/dist/bin/next", "build"]);
  if (code !== 0) {
    console.error("next build failed");
    failed += 1;
  } else {
    const out = "test-results/playwright.json";
    rmSync(out, { force: true });
    code = run(process.execPath, ["node_modules/@playwright/test/cli.js", "test", ...passthrough], { CHROMIUM_PATH: chromium, PW_JSON_OUTPUT: out });
    if (existsSync(out)) {
      const report = JSON.parse(readFileSync(out, "utf8"));
      const s = report.stats;
      flakyNames.push(...flakyTests(report));
      passed += s.expected;
      failed += s.unexpected;
      skipped += s.skipped;
      // Passed only on a retry: a flaky test is a failing test (it fails CI; locally it is reported).
      flaky += s.flaky;
    }
    if (code !== 0 && failed === 0) failed += 1;
  }
}

console.log(`\n${passed} passed, ${failed} failed${flaky ? `, ${flaky} flaky` : ""}${skipped ? `, ${skipped} skipped` : ""}`);
if (flaky) console.log(`Flaky (passed only when retried)${process.env.CI ? "; CI fails on them" : ""}:\n${flakyNames.map((n) => `  - ${n}`).join("\n")}`);
process.exit(failed > 0 || (flaky > 0 && process.env.CI) ? 1 : 0);

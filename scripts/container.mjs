#!/usr/bin/env node
/**
 * `npm run container:test`: builds the container image (Dockerfile) with podman and runs the browser
 * checkout against the container on PostgreSQL. No image registry is needed: without
 * CONTAINER_BASE, the base image is made from Debian's packages and Node from the npm registry
 * (scripts/node-base-image.sh). Installs podman, runc and debootstrap from Debian's packages when
 * missing and run as root (as `.ci/run` does for Chromium). Prints the build time and image size,
 * and checks: the user is not root, Node is PID 1, the HEALTHCHECK passes, a shopper pays, and
 * `podman stop` (SIGTERM) ends the container within the shutdown bound.
 *   CONTAINER_BASE=node:20-bookworm-slim   use a base from a registry instead
 *   CONTAINER_PORT=4130                     where the container listens (default: a free port)
 *   --keep-image                            keep the built image (default: removed at the end)
 *   --prebuilt                              the image's run stage on this checkout's .next/standalone
 *                                           (built if missing), skipping npm ci and next build inside
 *                                           the image: what .ci/run does right after npm test built it
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { freePort, startCluster, unavailableReason } from "./pg.mjs";

const ROOT = path.resolve(import.meta.dirname, "..");
const IMAGE = "localhost/plural-upi-storefront:test";
const NAME = `store-test-${process.pid}`;
// This family of hosts: crun and podman's default limits fail; runc, cgroupfs and explicit limits work (found by trying each here).
const PODMAN = ["--runtime", "runc", "--cgroup-manager=cgroupfs"];
const LIMITS = ["--ulimit", "nofile=1024:1024", "--ulimit", "nproc=1000:1000"];
const WEBHOOK_SECRET = "container-test-webhook-secret";

const has = (cmd) => spawnSync("sh", ["-c", `command -v ${cmd}`]).status === 0;
const isRoot = typeof process.getuid === "function" && process.getuid() === 0;

function sh(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: ROOT, encoding: "utf8", stdio: opts.quiet ? "pipe" : ["ignore", "inherit", "inherit"], ...opts });
  if (r.status !== 0 && !opts.allowFail) throw new Error(`${cmd} ${args.join(" ")} failed (${r.status})${r.stderr ? `: ${r.stderr.slice(-1500)}` : ""}`);
  return r;
}
const podman = (args, opts) => sh("podman", [...PODMAN, ...args], opts);

function ensurePodman() {
  const missing = ["podman", "runc", "debootstrap"].filter((c) => !has(c));
  if (!missing.length) return;
  if (!isRoot || !existsSync("/usr/bin/apt-get")) throw new Error(`${missing.join(", ")} missing: sudo apt-get install -y ${missing.join(" ")}`);
  console.log(`--- installing Debian's ${missing.join(" ")}`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  sh("apt-get", ["update", "-q"], { env });
  sh("apt-get", ["install", "-y", "-q", "--no-install-recommends", ...missing], { env });
}

const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

async function waitReady(url, ms) {
  const end = Date.now() + ms;
  for (;;) {
    try {
      if ((await fetch(`${url}/api/ready`, { signal: AbortSignal.timeout(3_000) })).ok) return;
    } catch {
      /* not yet */
    }
    if (Date.now() > end) throw new Error(`${url}/api/ready did not answer 200 within ${ms / 1000} s`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function main() {
  const figures = {};
  ensurePodman();
  const pgProblem = unavailableReason();
  if (pgProblem) throw new Error(`PostgreSQL: ${pgProblem}`);

  let base = process.env.CONTAINER_BASE;
  if (!base) {
    const t = Date.now();
    base = sh("bash", ["scripts/node-base-image.sh"], { quiet: true }).stdout.trim().split("\n").pop();
    figures.baseImage = seconds(Date.now() - t);
  }
  // --prebuilt: the run stage on the .next/standalone this checkout built (CI built and tested it
  // just before), rather than npm ci and next build again inside the image (most of the build's time).
  const prebuilt = process.argv.includes("--prebuilt");
  const from = prebuilt ? ["--build-arg", "STANDALONE=prebuilt", "--ignorefile", ".dockerignore.prebuilt"] : [];
  if (prebuilt) {
    if (!existsSync(".next/standalone/server.js")) sh("npm", ["run", "build"]);
    else sh(process.execPath, ["scripts/standalone.mjs"]);
  }
  console.log(`--- podman build (base ${base}${prebuilt ? ", the standalone folder built here" : ""})`);
  let t = Date.now();
  // Docker's image format: the OCI format has no HEALTHCHECK.
  podman(["build", "--format", "docker", ...LIMITS, "--build-arg", `BASE=${base}`, ...from, "-t", IMAGE, "."]);
  figures.imageBuild = seconds(Date.now() - t);
  const size = Number(podman(["image", "inspect", "--format", "{{.Size}}", IMAGE], { quiet: true }).stdout.trim());
  figures.imageSize = `${Math.round(size / 1e6)} MB`;

  const dir = mkdtempSync(path.join(tmpdir(), "container-"));
  const pg = await startCluster(); // its own folder, which the postgres user can reach
  const port = Number(process.env.CONTAINER_PORT || (await freePort()));
  const url = `http://127.0.0.1:${port}`;
  const env = {
    DATABASE_URL: pg.url,
    PORT: String(port),
    HOSTNAME: "127.0.0.1",
    APP_URL: url,
    PLURAL_ENV: "sandbox",
    PLURAL_WEBHOOK_SECRET: WEBHOOK_SECRET,
    ADMIN_PASSWORD: "e2e-admin",
    LOG_LEVEL: "info",
  };
  const envArgs = Object.entries(env).flatMap(([k, v]) => ["-e", `${k}=${v}`]);
  let failed = false;
  try {
    console.log("--- migrations, as on a deploy (a one-off container)");
    podman(["run", "--rm", ...LIMITS, "--network", "host", ...envArgs, IMAGE, "node", "scripts/db-prepare.mjs"]);
    console.log(`--- the store, in a container, on ${url}`);
    podman(["run", "-d", "--name", NAME, ...LIMITS, "--network", "host", ...envArgs, IMAGE], { quiet: true });
    await waitReady(url, 120_000);
    const uid = podman(["exec", NAME, "id", "-u"], { quiet: true }).stdout.trim();
    // Next renames its process (next-server (v…)): the executable says what PID 1 is.
    const pid1 = podman(["exec", NAME, "readlink", "/proc/1/exe"], { quiet: true }).stdout.trim();
    const health = podman(["healthcheck", "run", NAME], { quiet: true, allowFail: true });
    console.log(`user ${uid}; PID 1: ${pid1}; HEALTHCHECK: ${health.status === 0 ? "healthy" : `failed (${health.stdout}${health.stderr})`}`);
    if (uid === "0") throw new Error("the container runs as root");
    if (!/\/node$/.test(pid1)) throw new Error(`PID 1 is not node: ${pid1}`);
    if (health.status !== 0) throw new Error("the HEALTHCHECK failed");

    console.log("--- the browser checkout against the container (e2e/deploy)");
    const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
    const pw = spawnSync(process.execPath, ["node_modules/@playwright/test/cli.js", "test", "--project=deploy"], {
      cwd: ROOT,
      stdio: "inherit",
      env: { ...process.env, DEPLOY_URL: url, DEPLOY_DATABASE_URL: pg.url, CHROMIUM_PATH: chromium },
    });
    if (pw.status !== 0) failed = true;

    console.log("--- podman stop (SIGTERM, then SIGKILL after 30 s)");
    t = Date.now();
    podman(["stop", "-t", "30", NAME], { quiet: true });
    figures.stop = seconds(Date.now() - t);
    const exitCode = podman(["inspect", "--format", "{{.State.ExitCode}}", NAME], { quiet: true }).stdout.trim();
    figures.stopExitCode = exitCode;
    if (Date.now() - t >= 10_000) throw new Error(`the container took ${figures.stop} to stop (bound: 10 s)`);
  } catch (e) {
    failed = true;
    console.error(e.message);
    const logs = podman(["logs", "--tail", "40", NAME], { quiet: true, allowFail: true });
    if (logs.stdout || logs.stderr) console.error(`container log:\n${logs.stdout}${logs.stderr}`);
  } finally {
    podman(["rm", "-f", NAME], { quiet: true, allowFail: true });
    if (!process.argv.includes("--keep-image")) podman(["rmi", "-f", IMAGE], { quiet: true, allowFail: true });
    pg.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`\ncontainer: ${failed ? "FAILED" : "passed"}; ${JSON.stringify(figures)}`);
  process.exit(failed ? 1 : 0);
}

main().catch((e) => {
  console.error(e.message);
  process.exit(1);
});

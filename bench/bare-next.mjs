/**
 * The bare reference of the page benchmarks: a Next.js app with nothing of ours, written here at run
 * time (not a checkout of anything), built with this project's own Next (the same node_modules) and
 * started beside the store in the same run. Its one page is dynamic (rendered per request, as a
 * page that reads a cookie or a database is) and lists 6 products as a catalog does: a header with
 * links, a grid of cards with an image, a name, a price and a button. Beside it, a route handler
 * answering JSON (`/api/health`, as a health check does, without a database), a file in public/
 * (`/icon.svg`) and the 404 of a missing page. Whatever each costs is Next's floor on this machine.
 *
 * Built under bench/results/ (git-ignored) so that Node finds the project's node_modules by walking
 * up; built again only when this file or Next's version changes.
 */
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { get, ROOT, serverPid, sleep } from "./harness.mjs";

const DIR = path.join(ROOT, "bench", "results", "bare-next");

const PRODUCTS = [
  ["masala-chai-tin", "Masala Chai Tin", 34900],
  ["brass-diya-pair", "Brass Diya Pair", 89900],
  ["block-print-scarf", "Block-Print Cotton Scarf", 129900],
  ["jute-tote", "Handwoven Jute Tote", 59900],
  ["terracotta-planter", "Terracotta Planter", 44900],
  ["darjeeling-first-flush", "Darjeeling First Flush", 74900],
];

const FILES = {
  "package.json": JSON.stringify({ name: "bare-next", private: true }, null, 2),
  "next.config.mjs": "export default { poweredByHeader: false };\n",
  "app/layout.jsx": `export const metadata = { title: "Bare" };
export default function RootLayout({ children }) {
  return (
    <html lang="en">
      <body>
        <header><a href="/">Store</a> <nav><a href="/">Catalog</a> <a href="/cart">Cart</a></nav></header>
        <main>{children}</main>
        <footer>Prices include GST.</footer>
      </body>
    </html>
  );
}
`,
  "app/api/health/route.js": `export const dynamic = "force-dynamic";
export function GET() {
  return Response.json({ ok: true }, { headers: { "cache-control": "no-store" } });
}
`,
  "public/icon.svg": '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#1d5fd1"/></svg>\n',
  "app/page.jsx": `import { connection } from "next/server";
const PRODUCTS = ${JSON.stringify(PRODUCTS)};
const rupees = (p) => new Intl.NumberFormat("en-IN", { style: "currency", currency: "INR" }).format(p / 100);
export default async function Page() {
  await connection(); // dynamic: rendered for every request
  return (
    <section>
      <h1>Catalog</h1>
      <ul>
        {PRODUCTS.map(([slug, name, price]) => (
          <li key={slug}>
            <a href={"/products/" + slug}>
              <img src={"/" + slug + ".svg"} alt="" width={400} height={400} />
              <h2>{name}</h2>
              <p>{rupees(price)}</p>
            </a>
            <form><button type="button">Add</button></form>
          </li>
        ))}
      </ul>
    </section>
  );
}
`,
};

const key = () =>
  createHash("sha256")
    .update(JSON.stringify(FILES))
    .update(readFileSync(path.join(ROOT, "node_modules/next/package.json")))
    .digest("hex")
    .slice(0, 16);

/** Writes and builds the bare app (once per version of it); answers its folder. */
export function buildBareNext(log = console.log) {
  const stamp = path.join(DIR, ".built");
  if (existsSync(stamp) && readFileSync(stamp, "utf8") === key() && existsSync(path.join(DIR, ".next", "BUILD_ID"))) return DIR;
  rmSync(DIR, { recursive: true, force: true });
  for (const [file, text] of Object.entries(FILES)) {
    mkdirSync(path.dirname(path.join(DIR, file)), { recursive: true });
    writeFileSync(path.join(DIR, file), text);
  }
  log("building the bare Next app (bench/results/bare-next)...");
  const r = spawnSync(process.execPath, [path.join(ROOT, "node_modules/next/dist/bin/next"), "build"], {
    cwd: DIR,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1", NODE_ENV: "production" },
    encoding: "utf8",
  });
  if (r.status !== 0) throw new Error(`bare Next app: build failed\n${r.stdout}\n${r.stderr}`);
  writeFileSync(stamp, key());
  return DIR;
}

/** `next start` of the bare app on `port`, in its own process group. */
export async function startBareNext({ port, log = console.log }) {
  const dir = buildBareNext(log);
  const base = `http://127.0.0.1:${port}`;
  const logFile = path.join(dir, "server.log");
  const fd = openSync(logFile, "w");
  const child = spawn(process.execPath, [path.join(ROOT, "node_modules/next/dist/bin/next"), "start", "-H", "127.0.0.1", "-p", String(port)], {
    cwd: dir,
    env: { ...process.env, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1" },
    detached: true,
    stdio: ["ignore", fd, fd],
  });
  closeSync(fd);
  let exited = false;
  const exitedP = new Promise((r) => child.once("exit", () => ((exited = true), r())));
  const kill = (sig) => {
    try {
      process.kill(-child.pid, sig);
    } catch {
      /* gone */
    }
  };
  process.once("exit", () => kill("SIGKILL"));
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited) throw new Error(`the bare Next app exited at start; see ${logFile}`);
    if (
      await get(`${base}/`, {}, 2000).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    if (Date.now() > deadline) throw new Error(`the bare Next app did not answer within 60 s; see ${logFile}`);
    await sleep(200);
  }
  return {
    base,
    pid: serverPid(child.pid),
    async stop() {
      if (exited) return;
      kill("SIGTERM");
      const t = setTimeout(() => kill("SIGKILL"), 10_000);
      await exitedP;
      clearTimeout(t);
    },
  };
}

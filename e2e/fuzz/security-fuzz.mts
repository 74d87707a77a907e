/**
 * `npm run security:fuzz`: the security suite against a production build served by `next start`,
 * over real HTTP, as an attacker would try it.
 *
 *   npm run security:fuzz                       # 10,000 returns and 10,000 webhooks, then the attacks
 *   npm run security:fuzz -- --cases 2000 --seed 7 --port 3170 --no-build
 *
 * It builds the app (unless --no-build), starts it on its own port with its own database
 * (prisma/security-test.db) and sandbox state, shops through it over HTTP to get real orders, then:
 * fuzzes Plural's return URL and webhooks from genuine signed messages; tries another shopper's order
 * without their cookies; tries to dodge the console lockout with forwarding headers; tries to leave
 * the site through the sandbox's redirect; sends 50 MB bodies. Each reports tried / accepted /
 * written (rows changed in the database) / 5xx; the figures go to test-results/security-fuzz.json.
 * Exits 1 if anything was accepted or written or answered 5xx.
 */
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: {
    cases: { type: "string", default: "10000" },
    seed: { type: "string" },
    port: { type: "string", default: "3170" },
    "no-build": { type: "boolean", default: false },
  },
});
const CASES = Number(values.cases);
const SEED = Number(values.seed ?? Date.now() % 1_000_000_000);
const PORT = Number(values.port);
const BASE = `http://127.0.0.1:${PORT}`;
const DB_FILE = "prisma/security-test.db";
const STATE = ".sandbox/security-state.json";
const ADMIN_PASSWORD = randomBytes(12).toString("hex");

// The store's code reads its configuration from the environment: this process reads the server's database.
Object.assign(process.env, { PLURAL_ENV: "sandbox", APP_URL: BASE, DATABASE_URL: `file:./${DB_FILE}`, LOG_LEVEL: "silent" });

const { db } = await import("@/lib/db");
const { SANDBOX_DEFAULTS } = await import("@/lib/env");
const { signCallback } = await import("@/lib/plural/signature");
const { callbackCases } = await import("@/e2e/fuzz/callbacks");
const { Browser } = await import("@/e2e/fuzz/http");
const { Random } = await import("@/e2e/fuzz/random");
const { formatReports, rowsChanged, runFuzz } = await import("@/e2e/fuzz/run");
const { TRICKY_TARGETS } = await import("@/e2e/fuzz/targets");
const { signedDelivery, webhookCases } = await import("@/e2e/fuzz/webhooks");
const { sendOversized } = await import("@/lib/testing/raw-http");
const { actionIds, checkoutFormData, payerAnswers, SHOP_ACTIONS: SHOP } = await import("@/lib/testing/shopper.mjs");
type Report = import("@/e2e/fuzz/run").Report;
type Attempt = import("@/e2e/fuzz/run").Attempt;
type Row = { name: string; tried: number; accepted: number; written: number; fiveXX: number; ms?: number };

const SECRET = SANDBOX_DEFAULTS.clientSecret; // the sandbox signs returns and webhooks with it (lib/env.ts)

/* ------------------------------------------------------------------------------------ the server */

if (!values["no-build"] || !existsSync(".next/BUILD_ID")) {
  console.log("Building (skip with --no-build when the build is current)…");
  if (
    spawnSync(process.execPath, ["node_modules/next/dist/bin/next", "build"], { stdio: "inherit", env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" } })
      .status !== 0
  )
    process.exit(1);
}
const server = spawn(process.execPath, ["scripts/e2e-server.mjs"], {
  env: {
    ...process.env,
    E2E_PORT: String(PORT),
    SANDBOX_STATE_FILE: STATE,
    ADMIN_PASSWORD,
    RECONCILE_INTERVAL_MS: "0",
    NEXT_TELEMETRY_DISABLED: "1",
  },
  detached: true,
  stdio: ["ignore", "ignore", "inherit"],
});
const stop = () => {
  try {
    process.kill(-server.pid!, "SIGKILL");
  } catch {
    /* gone */
  }
  rmSync(STATE, { force: true });
};
process.on("SIGINT", () => {
  stop();
  process.exit(130);
});

async function until<T>(what: string, f: () => Promise<T | undefined>, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/* ----------------------------------------------------------------------------- database snapshots */

async function snapshot(): Promise<Map<string, string>> {
  const [orders, payments, refunds, events, items] = await Promise.all([
    db().order.findMany({ select: { id: true, status: true, updatedAt: true } }),
    db().payment.findMany({ select: { id: true, status: true, updatedAt: true } }),
    db().refund.findMany({ select: { id: true, status: true, updatedAt: true } }),
    db().orderEvent.count(),
    db().cartItem.findMany({ select: { id: true, quantity: true } }),
  ]);
  const m = new Map<string, string>();
  for (const [t, rows] of [
    ["order", orders],
    ["payment", payments],
    ["refund", refunds],
  ] as const)
    for (const r of rows) m.set(`${t}:${r.id}`, `${r.status}@${r.updatedAt.getTime()}`);
  m.set("#event", String(events));
  for (const i of items) m.set(`cartItem:${i.id}`, String(i.quantity));
  return m;
}

const sendHttp = async (a: Attempt): Promise<number> => {
  const res = await fetch(BASE + a.path, { method: a.method, headers: a.headers, body: a.body as BodyInit | undefined, redirect: "manual" });
  await res.arrayBuffer();
  return res.status;
};

/* --------------------------------------------------------------------------------------- the run */

const started = Date.now();
const rows: Row[] = [];
const reports: Report[] = [];
try {
  await until("the server", async () => ((await fetch(`${BASE}/api/health`)).ok ? true : undefined), 120_000);
  const id = actionIds();

  // Real orders, bought over HTTP like a shopper: two paid, one declined.
  console.log(`Seed ${SEED}. Shopping for three orders…`);
  const products = await db().product.findMany({ where: { active: true }, orderBy: { slug: "asc" } });
  const orders: Array<{ id: string; pluralOrderId: string; shopper: InstanceType<typeof Browser> }> = [];
  for (const outcome of ["paid", "declined", "paid"] as const) {
    const shopper = new Browser(BASE);
    const add = new FormData();
    add.set("productId", products[orders.length]!.id);
    await shopper.action("/", id(SHOP, "addToCartAction"), [null, add]);
    const form = checkoutFormData(`ord_${randomBytes(12).toString("hex").slice(0, 16)}`);
    const placed = await shopper.action("/checkout", id(SHOP, "placeOrderAction"), [null, form]);
    const orderId = /\/orders\/([^/]+)\/pay/.exec(placed.redirect ?? "")?.[1];
    if (!orderId) throw new Error(`checkout failed: ${JSON.stringify(placed)}`);
    const started = await shopper.action(`/orders/${orderId}/pay`, id(SHOP, "startPaymentAction"), [orderId, "QR"]);
    if ((started.value as { ok?: boolean })?.ok !== true) throw new Error(`payment failed: ${JSON.stringify(started)}`);
    const payment = await db().payment.findFirstOrThrow({ where: { orderId }, orderBy: { createdAt: "desc" } });
    await payerAnswers(BASE, payment.pluralPaymentId!, outcome === "paid" ? "approve" : "decline");
    await until("the order's webhook", async () => {
      const o = await db().order.findUniqueOrThrow({ where: { id: orderId } });
      return o.status === (outcome === "paid" ? "PROCESSED" : "ATTEMPTED") ? o : undefined;
    });
    const o = await db().order.findUniqueOrThrow({ where: { id: orderId } });
    orders.push({ id: orderId, pluralOrderId: o.pluralOrderId!, shopper });
  }
  await fetch(`${BASE}/sandbox/control/settings`, {
    method: "PATCH",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ webhook: { enabled: false } }),
  });
  // Let the sandbox's last deliveries land before anything is counted.
  await new Promise((r) => setTimeout(r, 1_000));

  // The genuine messages, as Plural would sign them (the sandbox's own rule: callbackFor, lib/sandbox/engine/callbacks.ts).
  const token = (
    (await (
      await fetch(`${BASE}/sandbox/api/auth/v1/token`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ client_id: SANDBOX_DEFAULTS.clientId, client_secret: SECRET, grant_type: "client_credentials" }),
      })
    ).json()) as { access_token: string }
  ).access_token;
  const returns: Array<{ fields: Record<string, string> }> = [];
  const webhooks: ReturnType<typeof signedDelivery>[] = [];
  for (const o of orders) {
    const plural = (
      (await (await fetch(`${BASE}/sandbox/api/pay/v1/orders/${o.pluralOrderId}`, { headers: { authorization: `Bearer ${token}` } })).json()) as {
        data: Record<string, unknown>;
      }
    ).data;
    const fields: Record<string, string> = { order_id: o.pluralOrderId, status: String(plural.status) };
    if (plural.status !== "PROCESSED") {
      const failed = (plural.payments as Array<{ error_detail?: { code: string; message: string } }>).findLast((p) => p.error_detail)!.error_detail!;
      Object.assign(fields, { error_code: failed.code, error_message: failed.message });
    }
    fields.signature = signCallback(fields, SECRET);
    returns.push({ fields });
    const body = JSON.stringify({ event_type: plural.status === "PROCESSED" ? "ORDER_PROCESSED" : "PAYMENT_FAILED", data: plural });
    webhooks.push(signedDelivery(SECRET, `msg_fuzz_${SEED}_${webhooks.length}`, Math.floor(Date.now() / 1000), body, o.pluralOrderId));
  }
  for (const r of returns)
    await sendHttp({
      method: "POST",
      path: "/api/plural/return",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new TextEncoder().encode(new URLSearchParams(r.fields).toString()),
    });
  for (const w of webhooks)
    await sendHttp({
      method: "POST",
      path: "/api/plural/webhook",
      headers: { "content-type": "application/json", "webhook-id": w.id, "webhook-timestamp": w.timestamp, "webhook-signature": w.signature },
      body: new TextEncoder().encode(w.body),
    });

  /* The fuzzers. */
  console.log(`Fuzzing ${CASES} returns…`);
  reports.push(await runFuzz("return URL (fuzzed)", SEED, callbackCases(new Random(SEED), returns, CASES), sendHttp, snapshot));
  console.log(`Fuzzing ${CASES} webhooks…`);
  reports.push(await runFuzz("webhook (fuzzed)", SEED, webhookCases(new Random(SEED + 1), webhooks, CASES, SECRET), sendHttp, snapshot));

  /* Another shopper's order, without their cookies. */
  {
    const t0 = Date.now();
    const row: Row = { name: "another shopper's order", tried: 0, accepted: 0, written: 0, fiveXX: 0 };
    const stranger = new Browser(BASE);
    const otherShopper = orders[0]!.shopper; // has a cart of its own
    for (const o of orders.slice(1)) {
      for (const who of [stranger, otherShopper]) {
        const tries: Array<() => Promise<{ status: number; shows: boolean }>> = [
          async () => ({ status: (await who.get(`/orders/${o.id}/pay`)).status, shows: false }),
          async () => ({ status: (await who.get(`/orders/${o.id}`)).status, shows: false }),
          async () => ({ status: (await who.get(`/api/orders/${o.id}/status`)).status, shows: false }),
          async () => ({
            status: (await who.action(`/orders/${o.id}/pay`, id(SHOP, "startPaymentAction"), [o.id, "COLLECT", "attacker@upi"])).status,
            shows: false,
          }),
          async () => ({ status: (await who.action(`/orders/${o.id}/pay`, id(SHOP, "startPaymentAction"), [o.id, "QR"])).status, shows: false }),
          async () => ({ status: (await who.action(`/orders/${o.id}/pay`, id(SHOP, "cancelCheckoutAction"), [o.id])).status, shows: false }),
          async () => {
            const fd = new FormData();
            fd.set("orderId", o.id);
            return { status: (await who.action(`/orders/${o.id}`, id(SHOP, "reorderAction"), [fd])).status, shows: false };
          },
        ];
        for (const attempt of tries) {
          const before = await snapshot();
          const { status } = await attempt();
          row.tried++;
          if (status !== 404) row.accepted++;
          if (status >= 500) row.fiveXX++;
          if (rowsChanged(before, await snapshot())) row.written++;
        }
      }
    }
    row.ms = Date.now() - t0;
    rows.push(row);
  }

  /* The console lockout, with every forwarding header an attacker can set. */
  {
    const t0 = Date.now();
    const row: Row = { name: "console lockout", tried: 0, accepted: 0, written: 0, fiveXX: 0 };
    const before = await snapshot();
    const ADMIN = "app/admin/actions.ts";
    for (let i = 0; i <= 200; i++) {
      const spoof = `${10 + (i % 200)}.${i >> 8}.${i & 255}.1`;
      const attacker = new Browser(BASE, { "x-forwarded-for": spoof, "x-real-ip": spoof, forwarded: `for=${spoof}`, "true-client-ip": spoof });
      const fd = new FormData();
      fd.set("password", i === 200 ? ADMIN_PASSWORD : `guess-${i}`);
      const r = await attacker.action("/admin/login", id(ADMIN, "signIn"), [null, fd]);
      row.tried++;
      if (r.status >= 500) row.fiveXX++;
      const error = (r.value as { error?: string } | null)?.error ?? "";
      // Five wrong guesses may be checked; after that, nothing (not even the right password) gets past.
      if (i >= 5 && !/^Too many attempts/.test(error)) row.accepted++;
    }
    row.written = rowsChanged(before, await snapshot());
    row.ms = Date.now() - t0;
    rows.push(row);
  }

  /* Redirects through the sandbox's payer page. */
  {
    const t0 = Date.now();
    const row: Row = { name: "redirects (sandbox payer page)", tried: 0, accepted: 0, written: 0, fiveXX: 0 };
    const payer = new Browser(BASE);
    for (const target of TRICKY_TARGETS) {
      const fd = new FormData();
      fd.set("paymentId", "pay_unknown");
      fd.set("decision", "approve");
      fd.set("returnTo", target);
      const before = await snapshot();
      const r = await payer.action("/sandbox/upi", id("app/sandbox/actions.ts", "answerPayment"), [fd]);
      row.tried++;
      if (r.status >= 500) row.fiveXX++;
      const location = (r.redirect ?? "").replace(/;(push|replace)$/, "");
      const lands = new URL(location || "/", `${BASE}/sandbox/upi`);
      if (!r.redirect || lands.origin !== BASE || !(lands.pathname === "/sandbox" || lands.pathname.startsWith("/sandbox/"))) row.accepted++;
      if (rowsChanged(before, await snapshot())) row.written++;
    }
    row.ms = Date.now() - t0;
    rows.push(row);
  }

  /* 50 MB bodies, announced and streamed. */
  {
    const t0 = Date.now();
    const row: Row = { name: "50 MB bodies", tried: 0, accepted: 0, written: 0, fiveXX: 0 };
    const MB50 = 50 * 1024 * 1024;
    for (const path of ["/api/plural/webhook", "/api/plural/return", "/cart", "/admin/login", "/sandbox/api/pay/v1/orders", "/"]) {
      for (const chunked of [false, true]) {
        const before = await snapshot();
        const r = await sendOversized({ port: PORT, path, total: MB50, chunked, headers: { "content-type": "application/octet-stream", "next-action": "x" } });
        row.tried++;
        if (r.status >= 500) row.fiveXX++;
        // Accepted: anything but a refusal (no answer at all included), or a refusal only once it was all sent.
        if (![411, 413].includes(r.status) || r.sent >= MB50) row.accepted++;
        if (rowsChanged(before, await snapshot())) row.written++;
      }
    }
    row.ms = Date.now() - t0;
    rows.push(row);
  }
} finally {
  stop();
}

const all: Row[] = [...reports, ...rows];
const machine = `${cpus().length} × ${cpus()[0]?.model.trim() ?? "CPU"}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.versions.node}`;
console.log(`\nSecurity suite against next start (seed ${SEED}; ${machine}; ${((Date.now() - started) / 1000).toFixed(0)} s):\n${formatReports(all)}\n`);
for (const r of reports) if (r.failures.length) console.log(`${r.name}: first failures`, JSON.stringify(r.failures, null, 2));
mkdirSync("test-results", { recursive: true });
writeFileSync("test-results/security-fuzz.json", JSON.stringify({ seed: SEED, cases: CASES, machine, rows: all }, null, 2));
const bad = all.some((r) => r.accepted || r.written || r.fiveXX);
process.exit(bad ? 1 : 0);

/**
 * The sandbox's cost against its size: create order + create payment + get order through the real
 * HTTP handler (routeSandbox), with persistence to a temp state file on, at 1,000 and at 20,000
 * existing orders. Prints p50/p99 per operation and the ratio 20k/1k (goal ≈ 1), then how long a
 * state save takes and whether it happens on the request path. Asserts nothing.
 *   npm run bench:sandbox          (BENCH_N=checkouts per size, default 1000; 100 more warm up first)
 */
// First: from here on, what the benchmark prints is kept for docs/benchmarks.md.
import { writeFigures } from "./figures.mjs";
import { machine } from "./harness.mjs";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { monitorEventLoopDelay } from "node:perf_hooks";

const N = Number(process.env.BENCH_N ?? 1000);
const SIZES = [1_000, 20_000];
const CREDS = { clientId: "bench-client", clientSecret: "0123456789abcdef0123456789abcdef" };

type Op = "createOrder" | "createPayment" | "getOrder";
type Figures = Record<Op, { p50: number; p99: number }>;

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

async function measure(size: number, dir: string, n = N): Promise<{ figures: Figures; saveMs: string; maxLoopBlockMs: number; fileMb: number }> {
  const { Sandbox } = await import("../lib/sandbox/engine");
  const { routeSandbox } = await import("../lib/sandbox/http");
  const stateFile = path.join(dir, `state-${size}.json`);
  const config = {
    merchantId: "100001",
    clientId: CREDS.clientId,
    clientSecret: CREDS.clientSecret,
    secretKey: CREDS.clientSecret,
    webhookSecret: "whsec-bench",
    webhookSecretFormat: "raw" as const,
    appUrl: "http://127.0.0.1:9",
    publicUrl: "http://127.0.0.1:9/sandbox",
    stateFile,
  };
  {
    const seed = new Sandbox(config);
    seed.updateSettings({ webhook: { enabled: false } });
    // Existing orders, each with a pending payment (the expensive kind to scan), created through the engine.
    for (let i = 0; i < size; i++) {
      const { order } = seed.createOrder({ merchant_order_reference: `seed_${i}`, order_amount: { value: 10_000 + i, currency: "INR" } });
      seed.createPayment(order.order_id, { merchant_payment_reference: `seedpay_${i}`, amount: 10_000 + i, txn_mode: "INTENT", upi_qr: true }, `h${i}`);
    }
    // Settle the seed on disk (and let it be collected), then measure a sandbox started from that file.
    seed.close();
  }
  const loaded = new Sandbox(config);

  const call = async (method: string, p: string, body?: unknown, token?: string) => {
    const res = await routeSandbox(
      loaded,
      new Request(`http://127.0.0.1/sandbox/api/${p}`, {
        method,
        headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
    );
    const json = (await res.json()) as Record<string, unknown>;
    if (res.status !== 200) throw new Error(`${method} ${p}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
  const token = (await call("POST", "auth/v1/token", { client_id: CREDS.clientId, client_secret: CREDS.clientSecret, grant_type: "client_credentials" }))
    .access_token as string;

  const times: Record<Op, number[]> = { createOrder: [], createPayment: [], getOrder: [] };
  const checkout = async (tag: string, i: number, record: boolean) => {
    let t0 = performance.now();
    const created = (
      await call("POST", "pay/v1/orders", { merchant_order_reference: `b_${tag}_${i}`, order_amount: { value: 34_900, currency: "INR" } }, token)
    ).data as { order_id: string };
    if (record) times.createOrder.push(performance.now() - t0);
    t0 = performance.now();
    await call(
      "POST",
      `pay/v1/orders/${created.order_id}/payments`,
      {
        payments: [
          {
            merchant_payment_reference: `bp_${tag}_${i}`,
            payment_method: "UPI",
            payment_amount: { value: 34_900, currency: "INR" },
            payment_option: { upi_details: { txn_mode: "INTENT", upi_qr: true } },
          },
        ],
      },
      token,
    );
    if (record) times.createPayment.push(performance.now() - t0);
    t0 = performance.now();
    await call("GET", `pay/v1/orders/${created.order_id}`, undefined, token);
    if (record) times.getOrder.push(performance.now() - t0);
    // Let timers (the journal's write, the background tick) run between iterations, as between real requests.
    await new Promise((r) => setImmediate(r));
  };
  for (let i = 0; i < 100; i++) await checkout(`warm${size}`, i, false);
  const loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();
  for (let i = 0; i < n; i++) await checkout(String(size), i, true);
  loop.disable();
  await loaded.persisted();
  const s = loaded.persistenceStats();

  // A full rewrite of the file (compaction), with requests going on: how long it takes, and what the requests feel.
  const during: number[] = [];
  const compactionLoop = monitorEventLoopDelay({ resolution: 1 });
  compactionLoop.enable();
  let done = false;
  const compaction = loaded.compactStateFile().then(() => (done = true));
  for (let i = 0; !done; i++) {
    const t0 = performance.now();
    await checkout(`c${size}`, i, false);
    during.push(performance.now() - t0);
  }
  await compaction;
  compactionLoop.disable();
  const c = loaded.persistenceStats();
  const saveMs =
    `journal append ${s.lastSaveMs.toFixed(2)} ms for ${(s.lastSaveBytes / 1000).toFixed(1)} kB, asynchronous, after the answer (${s.saves} appends)\n` +
    `  compaction (full rewrite, ${(statSync(stateFile).size / 1e6).toFixed(1)} MB) ${c.lastCompactionMs.toFixed(0)} ms in slices; ` +
    `${during.length} checkouts meanwhile, p50 ${pct(during, 50).toFixed(2)} ms, max ${Math.max(...during).toFixed(2)} ms; longest stall ${(compactionLoop.max / 1e6).toFixed(1)} ms`;
  const fileMb = statSync(stateFile).size / 1e6;
  loaded.close();
  const figures = Object.fromEntries(Object.entries(times).map(([op, xs]) => [op, { p50: pct(xs, 50), p99: pct(xs, 99) }])) as Figures;
  return { figures, saveMs, maxLoopBlockMs: loop.max / 1e6, fileMb };
}

async function main() {
  process.env.LOG_LEVEL = "silent";
  const dir = mkdtempSync(path.join(tmpdir(), "sandbox-bench-"));
  const results: Record<number, Figures> = {};
  console.log(`sandbox bench: ${N} × (create order, create payment, get order) through routeSandbox, state file on (${dir}), after a warm-up`);
  try {
    // Warm the JIT on a separate sandbox first, so that the first size measured is not the cold one.
    await measure(200, dir, 1500);
    for (const size of SIZES) {
      const r = await measure(size, dir);
      results[size] = r.figures;
      console.log(`\n${size.toLocaleString("en")} existing orders (state file ${r.fileMb.toFixed(1)} MB)`);
      for (const [op, f] of Object.entries(r.figures))
        console.log(`  ${op.padEnd(14)} p50 ${f.p50.toFixed(2).padStart(7)} ms   p99 ${f.p99.toFixed(2).padStart(7)} ms`);
      console.log(`  save: ${r.saveMs}`);
      console.log(`  longest event-loop stall while measuring: ${r.maxLoopBlockMs.toFixed(1)} ms`);
    }
    const [small, big] = SIZES.map((s) => results[s]!);
    console.log(`\nratio ${SIZES[1]! / 1000}k/${SIZES[0]! / 1000}k (goal ≈ 1, ≤ 1.3)`);
    for (const op of Object.keys(small!) as Op[]) {
      console.log(`  ${op.padEnd(14)} p50 ×${(big![op].p50 / small![op].p50).toFixed(2)}   p99 ×${(big![op].p99 / small![op].p99).toFixed(2)}`);
    }
    const page = writeFigures("sandbox", machine());
    if (page) console.log(`figures written to ${page}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);

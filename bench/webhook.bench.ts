/**
 * Webhook handling time: verify + dedupe + state machine + write, per delivery, against a real
 * SQLite database (the route adds only Next's own overhead). Prints percentiles and the process's
 * CPU per delivery, with the machine and its load average, and saves them to bench/results/;
 * asserts nothing. Goal: a first delivery's p50 ≤ 2.5 ms.
 *   npm run bench:webhook
 */
import { performance } from "node:perf_hooks";
import { machine, machineLine, saveResults } from "./harness.mjs";

const N = Number(process.env.BENCH_N ?? 400);
/** `--profile FILE`: a V8 CPU profile of the first deliveries only (open it in Chrome's DevTools or speedscope). */
const PROFILE = process.argv.includes("--profile") ? process.argv[process.argv.indexOf("--profile") + 1] : undefined;

async function startProfile() {
  const { Session } = await import("node:inspector/promises");
  const { writeFileSync } = await import("node:fs");
  const session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.setSamplingInterval", { interval: 100 });
  await session.post("Profiler.start");
  return {
    async stop(file: string) {
      const { profile } = await session.post("Profiler.stop");
      writeFileSync(file, JSON.stringify(profile));
      session.disconnect();
      return file;
    },
  };
}

async function main() {
  process.env.LOG_LEVEL = "silent";
  const { startTestStore } = await import("../lib/testing/store");
  const server = await startTestStore();
  const sb = server.sandbox;
  sb.updateSettings({ webhook: { enabled: false } });
  const { db } = await import("../lib/db");
  const { createCart, setQuantity, placeOrder, newCheckoutKey, startPayment, handleWebhook } = await import("../lib/orders");
  const { webhookHeaders } = await import("../lib/plural/signature");
  const { TEST_CREDENTIALS } = await import("../lib/testing/sandbox");
  const chai = await db().product.findUniqueOrThrow({ where: { slug: "chai" } });
  const { checkoutForm } = await import("../lib/testing/shopper.mjs");

  // Orders paid at the gateway, whose ORDER_PROCESSED webhook has not been applied yet: a shopper
  // each (one shopper's orders for the same items would each be flagged as paid twice).
  const bodies: string[] = [];
  for (let i = 0; i < N; i++) {
    const cart = await createCart();
    await setQuantity(cart.id, chai.id, 1);
    const placed = await placeOrder(cart.token, checkoutForm({ email: `bench-${i}@example.com` }), newCheckoutKey());
    if (!placed.ok) throw new Error(placed.error);
    const p = await startPayment(placed.value.orderId, "QR");
    if (!p.ok) throw new Error(p.error);
    const row = await db().payment.findUniqueOrThrow({ where: { id: p.value.id } });
    const { order } = sb.approve(row.pluralPaymentId!);
    bodies.push(JSON.stringify({ event_type: "ORDER_PROCESSED", data: sb.orderJson(order, { webhook: true }) }));
  }

  const results: Record<string, unknown> = { kind: "webhook", startedAt: new Date().toISOString(), machine: machine(), n: N };
  console.log(machineLine(machine()));
  async function run(label: string, ids: string[]) {
    const times: number[] = [];
    const cpu0 = process.cpuUsage();
    for (let i = 0; i < N; i++) {
      const ts = Math.floor(Date.now() / 1000);
      const headers = new Headers(webhookHeaders(TEST_CREDENTIALS.webhookSecret, ids[i]!, ts, bodies[i]!));
      const t0 = performance.now();
      const a = await handleWebhook(bodies[i]!, headers);
      times.push(performance.now() - t0);
      if (a.status !== 200) throw new Error(`unexpected ${a.status}`);
    }
    const cpu = process.cpuUsage(cpu0);
    times.sort((a, b) => a - b);
    const pct = (p: number) => times[Math.min(times.length - 1, Math.floor((p / 100) * times.length))]!;
    const cpuMs = (cpu.user + cpu.system) / 1000 / N;
    results[label] = { p50: pct(50), p95: pct(95), p99: pct(99), max: times.at(-1), cpuMsEach: cpuMs };
    console.log(
      `${label.padEnd(28)} n=${N}  p50=${pct(50).toFixed(2)} ms  p95=${pct(95).toFixed(2)} ms  p99=${pct(99).toFixed(2)} ms  max=${times.at(-1)!.toFixed(2)} ms  CPU ${cpuMs.toFixed(2)} ms each`,
    );
  }
  const ids = bodies.map((_, i) => `msg_bench_${i}_${Date.now()}`);
  const profiler = PROFILE ? await startProfile() : undefined;
  await run("first delivery (applies)", ids);
  if (profiler) console.log(`CPU profile of the first deliveries: ${await profiler.stop(PROFILE!)}`);
  await run("redelivery (duplicate)", ids);
  results.machineAfter = machine();
  console.log(`goal: first delivery p50 ≤ 2.5 ms; load average at the end ${(results.machineAfter as { loadavg: number[] }).loadavg.join(" ")}`);
  console.log(`saved ${saveResults("webhook", results)}`);
  await server.close();
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);

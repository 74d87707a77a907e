/** 1. A cold burst: N checkouts at once right after a restart, then again on the warm server. */
import { startBareNext } from "../bare-next.mjs";
import { fmt, get, percentile, pool } from "../harness.mjs";
import { callsLine, range } from "./calls.mjs";

export async function coldBurst({ opt, shop, proxy, results, restart, sample, warmOrder }) {
  /* ----------------------------------------------------------------------- 1. cold burst */
  if (opt.cold > 0) {
    console.log(`\n# Cold burst: ${opt.cold} checkouts at once right after a restart (each: checkout page, form post, pay page, start payment), then again`);
    // Twice the carts: the same burst again on the then warm server is the baseline (what the work
    // itself costs on this machine, without a fresh process's first requests).
    const carts = await pool(range(2 * opt.cold), 4, () => shop.newCart());
    if (carts.some((c) => c instanceof Error)) throw new Error(`could not fill ${2 * opt.cold} carts: ${carts.find((c) => c instanceof Error).message}`);
    const warm = await warmOrder();
    await shop.payPage(warm.orderId, undefined, warm.cookie); // learn the start-payment action id before the restart
    await restart("restarted");
    /** All of `cookies`' checkouts at once: wall time, each one's time, upstream calls, failures. */
    const burst = async (cookies) => {
      proxy.reset();
      const t0 = performance.now();
      const outcomes = await Promise.all(
        cookies.map(async (cookie) => {
          const s = performance.now();
          try {
            await shop.checkout(cookie, opt.coldTimeout * 1000);
            return { ok: true, ms: performance.now() - s };
          } catch (e) {
            return { ok: false, ms: performance.now() - s, error: e.name === "TimeoutError" ? `timeout after ${opt.coldTimeout} s` : e.message };
          }
        }),
      );
      const wall = (performance.now() - t0) / 1000;
      const done = outcomes
        .filter((o) => o.ok)
        .map((o) => o.ms)
        .sort((a, b) => a - b);
      const errors = {};
      for (const o of outcomes.filter((o) => !o.ok)) errors[o.error.slice(0, 80)] = (errors[o.error.slice(0, 80)] ?? 0) + 1;
      return {
        checkouts: cookies.length,
        finished: done.length,
        wallSeconds: +wall.toFixed(1),
        msPerCheckout: { p50: percentile(done, 50), p99: percentile(done, 99), max: done.at(-1) },
        calls: proxy.counts(),
        sandboxMedianMs: proxy.medians(),
        errors,
      };
    };
    const line = (b) =>
      `finished ${b.finished} of ${b.checkouts} in ${b.wallSeconds.toFixed(1)} s; per checkout p50 ${fmt.ms(b.msPerCheckout.p50)} ms, p99 ${fmt.ms(b.msPerCheckout.p99)} ms, max ${fmt.ms(b.msPerCheckout.max)} ms`;
    const cold = await burst(carts.slice(0, opt.cold));
    const warmBurst = await burst(carts.slice(opt.cold));
    results.upstream.coldBurst = { ...cold, warm: warmBurst };
    console.log(`  cold: ${line(cold)}`);
    console.log(
      `  upstream calls: ${callsLine(cold.calls)}   (goal: token 1, createOrder ${opt.cold}, createPayment ${opt.cold}; all finish within a few seconds)`,
    );
    console.log(`  median upstream answer through the proxy, ms (the sandbox is a process of its own): ${JSON.stringify(cold.sandboxMedianMs)}`);
    for (const [e, n] of Object.entries(cold.errors)) console.log(`  failed: ${n} × ${e}`);
    console.log(
      `  the same burst again, the server now warm: ${line(warmBurst)}; cold/warm max ${fmt.ratio(cold.msPerCheckout.max / warmBurst.msPerCheckout.max)}`,
    );
    // Next's own floor: a bare Next app (bench/bare-next.mjs), started fresh, given the same number
    // of requests the same way (each shopper four in a row, all shoppers at once), each its dynamic
    // page. Whatever it takes is what four requests per checkout cost on this machine before any
    // work of ours; the burst goal is judged beside it.
    const bare = await startBareNext({ port: opt.port + 3, log: () => {} });
    try {
      const bareBurst = async () => {
        const t0 = performance.now();
        await Promise.all(
          range(opt.cold).map(async () => {
            for (let i = 0; i < 4; i++) await (await get(`${bare.base}/`, {}, opt.coldTimeout * 1000)).arrayBuffer();
          }),
        );
        return +((performance.now() - t0) / 1000).toFixed(2);
      };
      const floor = { cold: await bareBurst(), warm: await bareBurst() };
      results.upstream.coldBurst.bareNext = floor;
      const oursMax = cold.msPerCheckout.max / 1000;
      console.log(
        `  bare Next, ${opt.cold} × 4 page requests at once (its floor): fresh ${floor.cold.toFixed(1)} s, warm ${floor.warm.toFixed(1)} s; ours/bare: fresh ${fmt.ratio(oursMax / floor.cold)}, warm ${fmt.ratio(warmBurst.msPerCheckout.max / 1000 / floor.warm)}`,
      );
    } finally {
      await bare.stop();
    }
    sample("after the cold burst");
    // A clean process for what follows (the burst may have left a connection or a lock behind).
    await restart("restarted again");
  }
}

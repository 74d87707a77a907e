/** A scenario run three ways (our route, its Prisma twin, its raw-SQL twin), interleaved over rounds. */
import { cannon, fmt, percentile, settle, summarize } from "../harness.mjs";

/** `duel(name, sides)` for this run's server, options and results; `sample(label)` records the server's handles after each. */
export function duelRunner({ opt, base, results, sample }) {
  /**
   * Runs our route and its bare twin back to back, `rounds` times, alternating which goes first,
   * after an unmeasured warm-up of each (`--warmup` seconds, or `warmAmount()` requests where the
   * scenario uses up its data). `ours()`/`bare()` return { next, check } for one run; `amount()`
   * bounds a run by requests as well as by `--seconds`.
   */
  async function duel(name, { connections, ours, bare, raw, amount, warmAmount }) {
    const runs = { ours: [], bare: [], raw: [] };
    const once = async (side, n, seconds) => {
      if (n !== undefined && n < 1) return null; // nothing left to send
      if (!(await settle(base))) console.log("  (the server still answers /api/health slowly; going on)");
      const { next, check } = { ours, bare, raw }[side]();
      const res = await cannon({ base, connections: n ? Math.min(connections, n) : connections, seconds, amount: n, next, check }).done;
      const s = res.ops.run ?? { sent: 0, ok: 0, failed: 0, unanswered: 0, times: [], statuses: {} };
      return { ...s, seconds: res.seconds, errors: res.errors, timeouts: res.timeouts };
    };
    if (opt.warmup > 0) for (const side of ["ours", "bare", "raw"]) await once(side, warmAmount?.(), opt.warmup);
    for (let r = 0; r < opt.rounds; r++) {
      for (const side of r % 2 === 0 ? ["ours", "bare", "raw"] : ["raw", "bare", "ours"]) {
        const run = await once(side, amount?.(), opt.seconds);
        if (!run) continue;
        runs[side].push(run);
        const p99 = percentile(
          [...run.times].sort((a, b) => a - b),
          99,
        );
        console.log(
          `  ${name.padEnd(13)} round ${r + 1} ${side}: ${String(run.ok).padStart(5)} ok in ${run.seconds.toFixed(1)} s = ${fmt.rps(run.ok / run.seconds)}/s, ` +
            `p99 ${fmt.ms(p99)} ms; bad ${run.failed}, timeouts ${run.timeouts}, errors ${run.errors}; statuses ${JSON.stringify(run.statuses)}`,
        );
      }
    }
    const out = { connections, ours: summarize(runs.ours), bare: summarize(runs.bare), raw: summarize(runs.raw) };
    results.scenarios[name] = out;
    sample(`after ${name}`);
    return out;
  }
  return duel;
}

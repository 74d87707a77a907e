/** autocannon runs and their summaries. */
import { performance } from "node:perf_hooks";
import autocannon from "autocannon";
import { percentile, withAddress } from "./util.mjs";

/**
 * One autocannon run against `base`. `next(ctx)` returns the next request ({ op, method, path,
 * headers, body }), or null when there is nothing left to send (the connection then polls
 * /api/health, which is not counted); `check(status, body, headers, ctx)` says whether the answer
 * is a success. Per op (the request's `op`, default "run"): requests sent, answers good and bad,
 * every answer's latency, statuses; `unanswered` is what timed out or was still in flight at the end.
 * The run stops after `seconds`, or after `amount` requests (or `seconds`, whichever comes first),
 * or at stop(). `ops` and `live` (socket errors and timeouts so far) can be read while it runs.
 */
export function cannon({ base, connections, seconds, amount, timeoutS = 20, next, check }) {
  const u = new URL(base);
  const ops = {};
  const op = (name) => (ops[name] ??= { sent: 0, ok: 0, failed: 0, times: [], statuses: {} });
  const live = { errors: 0, timeouts: 0 };
  const started = performance.now();
  // autocannon ends a run on its next 1 s sampling tick, so its end (and its `duration`) is rounded up
  // to whole seconds: a run bounded by `amount` is timed to its last answer instead.
  let lastAnswer = started;
  let instance;
  const done = new Promise((resolve, reject) => {
    instance = autocannon(
      {
        url: base,
        connections,
        ...(amount ? { amount } : { duration: seconds }),
        timeout: timeoutS,
        requests: [
          {
            setupRequest(req, ctx) {
              const q = next(ctx);
              ctx.op = q ? (q.op ?? "run") : null;
              if (!q) return { ...req, method: "GET", path: "/api/health", headers: { host: u.host }, body: undefined };
              op(ctx.op).sent++;
              return { ...req, method: q.method ?? "GET", path: q.path, headers: withAddress({ host: u.host, ...q.headers }), body: q.body };
            },
            onResponse(status, body, ctx, headers) {
              if (!ctx.op) return;
              const s = op(ctx.op);
              s.statuses[status] = (s.statuses[status] ?? 0) + 1;
              if (check(status, body, headers, ctx)) s.ok++;
              else s.failed++;
            },
          },
        ],
      },
      (err, result) => {
        if (err) return reject(err);
        for (const s of Object.values(ops)) s.unanswered = s.sent - s.ok - s.failed;
        const ended = amount ? lastAnswer : performance.now();
        resolve({ ops, errors: result.errors - result.timeouts, timeouts: result.timeouts, seconds: (ended - started) / 1000 });
      },
    );
    // Emitted right after onResponse, before the connection moves on: its context is still the answered request's.
    instance.on("response", (client, _status, _bytes, responseTime) => {
      const name = client.requestIterator?.context?.op;
      if (!name) return; // a connection with nothing left to send, polling /api/health
      op(name).times.push(responseTime);
      lastAnswer = performance.now();
    });
    instance.on("reqError", (e) => {
      lastAnswer = performance.now();
      return e.message === "request timed out" ? live.timeouts++ : live.errors++;
    });
  });
  const timer = amount && seconds ? setTimeout(() => instance.stop(), seconds * 1000) : undefined;
  return { done: done.finally(() => clearTimeout(timer)), stop: () => instance.stop(), ops, live };
}

/** Sums runs of one side of a scenario: req/s over the time spent, latency percentiles over every answer. */
export function summarize(runs) {
  const times = runs.flatMap((r) => r.times).sort((a, b) => a - b);
  const sum = (k) => runs.reduce((n, r) => n + (r[k] ?? 0), 0);
  const seconds = sum("seconds");
  return {
    rounds: runs.length,
    sent: sum("sent"),
    ok: sum("ok"),
    failed: sum("failed"),
    unanswered: sum("unanswered"),
    errors: sum("errors"),
    timeouts: sum("timeouts"),
    seconds: +seconds.toFixed(2),
    rps: sum("ok") / seconds,
    rpsPerRound: runs.map((r) => +(r.ok / r.seconds).toFixed(1)),
    p50: percentile(times, 50),
    p99: percentile(times, 99),
    max: times.at(-1),
    statuses: runs.reduce((acc, r) => {
      for (const [k, v] of Object.entries(r.statuses)) acc[k] = (acc[k] ?? 0) + v;
      return acc;
    }, {}),
  };
}

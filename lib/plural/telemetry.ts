import { metrics } from "@opentelemetry/api";

/**
 * Plural calls as metrics, through OpenTelemetry's API only (a no-op until instrumentation.ts
 * registers an SDK): `plural.calls` by op and outcome (ok, http_<status>, timeout, network,
 * response), and their duration in milliseconds.
 */
let instruments:
  | { calls: ReturnType<ReturnType<typeof metrics.getMeter>["createCounter"]>; duration: ReturnType<ReturnType<typeof metrics.getMeter>["createHistogram"]> }
  | undefined;
let provider: unknown;

function get() {
  // Re-created when a (test's) meter provider replaces the global one.
  const current = metrics.getMeterProvider();
  if (!instruments || provider !== current) {
    const meter = metrics.getMeter("plural-upi-storefront.plural");
    instruments = {
      calls: meter.createCounter("plural.calls", { description: "Calls to Plural's API, by operation and outcome" }),
      duration: meter.createHistogram("plural.call.duration", { description: "Duration of a call to Plural, retries included", unit: "ms" }),
    };
    provider = current;
  }
  return instruments;
}

export function recordCall(op: string, outcome: string, ms: number) {
  const i = get();
  i.calls.add(1, { op, outcome });
  i.duration.record(ms, { op, outcome });
}

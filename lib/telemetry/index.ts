import { metrics, SpanStatusCode, trace, type Attributes, type Span } from "@opentelemetry/api";

/**
 * The store's own spans and metrics, through OpenTelemetry's API: no-ops until instrumentation.ts
 * registers the SDK (lib/telemetry/otel.ts), exported only when an OTLP endpoint is configured.
 * Plural's calls are traced in lib/plural itself (http.ts, telemetry.ts).
 */

const tracer = () => trace.getTracer("plural-upi-storefront");

/** Runs `fn` in an active span; a throw marks the span as an error (its message is not recorded: it may hold data). */
export function inSpan<T>(name: string, attributes: Attributes, fn: (span: Span) => Promise<T>): Promise<T> {
  return tracer().startActiveSpan(name, { attributes }, async (span) => {
    try {
      return await fn(span);
    } catch (e) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: e instanceof Error ? e.name : "error" });
      throw e;
    } finally {
      span.end();
    }
  });
}

type Counter = ReturnType<ReturnType<typeof metrics.getMeter>["createCounter"]>;
let counters: { provider: unknown; webhooks: Counter; sweeps: Counter } | undefined;

function instruments() {
  const provider = metrics.getMeterProvider();
  if (!counters || counters.provider !== provider) {
    const meter = metrics.getMeter("plural-upi-storefront");
    counters = {
      provider,
      webhooks: meter.createCounter("webhooks.received", { description: "Plural webhooks received, by outcome" }),
      sweeps: meter.createCounter("sweeps.runs", { description: "Reconciliation and settlement sweeps, by kind and outcome" }),
    };
  }
  return counters;
}

/** A webhook's outcome: applied, unchanged, duplicate, unknown_order, rejected_signature, bad_request, refund, ignored... */
export const countWebhook = (outcome: string) => instruments().webhooks.add(1, { outcome });
export const countSweep = (kind: "reconcile" | "settlements", outcome: "ok" | "error") => instruments().sweeps.add(1, { kind, outcome });

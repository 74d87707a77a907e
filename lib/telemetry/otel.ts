import type { Configuration } from "@vercel/otel";
import { OTLPMetricExporter } from "@opentelemetry/exporter-metrics-otlp-http";
import { PeriodicExportingMetricReader, type MetricReader } from "@opentelemetry/sdk-metrics";
import type { SpanProcessor } from "@opentelemetry/sdk-trace-base";
import type { Context } from "@opentelemetry/api";
import { env, type OtelSettings } from "@/lib/env";
import { currentRequestId, OTEL_REQUEST_ID_KEY, requestIdPropagator } from "@/lib/request-context";

/** Puts the request id on every span (`request.id`): from a log line's requestId to its trace. */
export const requestIdSpanProcessor: SpanProcessor = {
  onStart(span, parent: Context) {
    const fromContext = parent.getValue(OTEL_REQUEST_ID_KEY);
    const id = currentRequestId() ?? (typeof fromContext === "string" ? fromContext : undefined);
    if (id) span.setAttribute("request.id", id);
  },
  onEnd() {},
  forceFlush: () => Promise.resolve(),
  shutdown: () => Promise.resolve(),
};

/** Attributes where Next (and HTTP instrumentations) record a request's URL. */
const URL_ATTRIBUTES = ["http.target", "http.url", "url.full", "url.query"] as const;

/**
 * Keeps query strings out of traces: Next records each request's URL, query included,
 * as `http.target`, and a GET return from Plural carries its signed fields there (a signature that
 * opened the order, the payment's status). Every server span keeps the path only; `url.query` goes.
 */
export const queryScrubSpanProcessor: SpanProcessor = {
  onStart(span) {
    const attributes = (span as unknown as { attributes?: Record<string, unknown> }).attributes ?? {};
    for (const key of URL_ATTRIBUTES) {
      const value = attributes[key];
      if (typeof value !== "string") continue;
      if (key === "url.query") span.setAttribute(key, "");
      else if (value.includes("?")) span.setAttribute(key, value.slice(0, value.indexOf("?")));
    }
  },
  onEnd() {},
  forceFlush: () => Promise.resolve(),
  shutdown: () => Promise.resolve(),
};

/** Whether anything is exported: only then does instrumentation.ts register the SDK. */
export const otelExports = (o: OtelSettings = env().otel): boolean => !!(o.endpoint || o.tracesEndpoint || o.metricsEndpoint);

/**
 * The OpenTelemetry SDK's configuration for `registerOTel` (@vercel/otel) in instrumentation.ts.
 *
 * Registered only when something is exported (otelExports; the request id reaches pages and server
 * actions through the front door either way, lib/security/front-door.ts): traces go
 * over OTLP/HTTP (OTEL_EXPORTER_OTLP_PROTOCOL, OTEL_EXPORTER_OTLP_HEADERS as usual), and metrics
 * every OTEL_METRIC_EXPORT_INTERVAL ms (default 60 s). Outgoing fetches are not instrumented: our
 * own spans cover each Plural call (with its op, status and attempt), and no trace header is sent
 * to Plural.
 */
export function otelConfiguration(
  o: OtelSettings = env().otel,
  overrides: { spanProcessors?: SpanProcessor[]; metricReaders?: MetricReader[] } = {},
): Configuration {
  const endpoint = o.endpoint || o.tracesEndpoint;
  const metricsEndpoint = o.endpoint || o.metricsEndpoint;
  const interval = o.metricExportIntervalMs || 60_000;
  const exporting = !!endpoint || !!overrides.spanProcessors;
  return {
    serviceName: o.serviceName || "plural-upi-storefront",
    attributes: { "plural.env": o.pluralEnv || "sandbox" },
    propagators: ["tracecontext", requestIdPropagator],
    // Nothing to export to: spans are not recorded at all (context, and the request id, still flow).
    traceSampler: exporting ? "auto" : "always_off",
    // With no endpoint, none: @vercel/otel would otherwise send to localhost:4318 by default.
    spanProcessors: [requestIdSpanProcessor, queryScrubSpanProcessor, ...(overrides.spanProcessors ?? (endpoint ? ["auto" as const] : []))],
    metricReaders:
      overrides.metricReaders ??
      (metricsEndpoint ? [new PeriodicExportingMetricReader({ exporter: new OTLPMetricExporter(), exportIntervalMillis: interval })] : []),
    instrumentations: [],
  };
}

import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { context, metrics, propagation, ROOT_CONTEXT, trace } from "@opentelemetry/api";
import { registerOTel } from "@vercel/otel";
import { afterAll, describe, expect, it } from "vitest";
import { parseEnv } from "@/lib/env";
import { OTEL_REQUEST_ID_KEY, requestIdPropagator } from "@/lib/request-context";
import { inSpan } from "./index";
import { otelConfiguration, otelExports, queryScrubSpanProcessor, requestIdSpanProcessor } from "./otel";

describe("otelConfiguration", () => {
  it("registers nothing unless something exports (instrumentation.ts)", () => {
    expect(otelExports({})).toBe(false);
    expect(otelExports(parseEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:4318" }).otel)).toBe(true);
    expect(otelExports(parseEnv({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://127.0.0.1:4318/v1/traces" }).otel)).toBe(true);
  });

  it("exports nothing without an OTLP endpoint (only the request-id processor, no metric reader)", () => {
    const c = otelConfiguration({});
    expect(c.spanProcessors).toEqual([requestIdSpanProcessor, queryScrubSpanProcessor]);
    expect(c.metricReaders).toEqual([]);
    expect(c.instrumentations).toEqual([]);
    expect(c.traceSampler).toBe("always_off");
  });

  it("exports traces and metrics when OTEL_EXPORTER_OTLP_ENDPOINT is set", () => {
    const c = otelConfiguration(parseEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:4318" }).otel);
    expect(c.spanProcessors).toEqual([requestIdSpanProcessor, queryScrubSpanProcessor, "auto"]);
    expect(c.metricReaders).toHaveLength(1);
    expect(c.traceSampler).toBe("auto");
  });

  it("takes a valid incoming x-request-id into the context, and makes one otherwise", () => {
    const getter = { get: (c: Record<string, string>, k: string) => c[k], keys: (c: Record<string, string>) => Object.keys(c) };
    expect(requestIdPropagator.extract(ROOT_CONTEXT, { "x-request-id": "lb-0123456789abcdef" }, getter).getValue(OTEL_REQUEST_ID_KEY)).toBe(
      "lb-0123456789abcdef",
    );
    expect(String(requestIdPropagator.extract(ROOT_CONTEXT, { "x-request-id": "bad id" }, getter).getValue(OTEL_REQUEST_ID_KEY))).toMatch(/^[0-9a-f-]{36}$/);
    expect(String(requestIdPropagator.extract(ROOT_CONTEXT, {}, getter).getValue(OTEL_REQUEST_ID_KEY))).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe("with an endpoint", () => {
  const received: Array<{ path: string; body: string }> = [];
  const collector = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    received.push({ path: req.url ?? "", body: Buffer.concat(chunks).toString("utf8") });
    res.writeHead(200, { "content-type": "application/json" }).end("{}");
  });
  afterAll(async () => {
    trace.disable();
    metrics.disable();
    context.disable();
    propagation.disable();
    await new Promise<void>((r) => collector.close(() => r()));
  });

  it("sends spans, with the request id, to the collector over OTLP/HTTP", async () => {
    await new Promise<void>((r) => collector.listen(0, "127.0.0.1", r));
    const env = {
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${(collector.address() as AddressInfo).port}`,
      OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
    };
    Object.assign(process.env, env);
    try {
      registerOTel(otelConfiguration(parseEnv(env).otel));
    } finally {
      delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
      delete process.env.OTEL_EXPORTER_OTLP_PROTOCOL;
    }
    const ctx = requestIdPropagator.extract(
      context.active(),
      { "x-request-id": "edge-42424242" },
      { get: (c, k) => (c as Record<string, string>)[k], keys: () => [] },
    );
    await context.with(ctx, () => inSpan("settlements.sweep", { "settlements.days": 1 }, async () => undefined));
    // A GET return from Plural, as Next records the request: its signed query string must not leave the process.
    const returnQuery = "order_id=v1-1&status=PROCESSED&signature=0f0f0f0fsecretsignature";
    trace
      .getTracer("next.js")
      .startSpan("GET", { attributes: { "http.method": "GET", "http.target": `/api/plural/return?${returnQuery}`, "url.query": returnQuery } })
      .end();
    await (trace.getTracerProvider() as unknown as { getDelegate(): { forceFlush(): Promise<void> } }).getDelegate().forceFlush();
    await expect.poll(() => received.filter((r) => r.path === "/v1/traces").length).toBeGreaterThan(0);
    const body = received.find((r) => r.path === "/v1/traces")!.body;
    expect(body).toContain("settlements.sweep");
    expect(body).toContain("edge-42424242");
    await expect.poll(() => received.filter((r) => r.path === "/v1/traces" && r.body.includes("/api/plural/return")).length).toBeGreaterThan(0);
    const all = received.map((r) => r.body).join("\n");
    expect(all).toContain('"/api/plural/return"');
    expect(all).not.toContain("secretsignature");
  });
});

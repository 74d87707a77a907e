/**
 * Traces and metrics, with the SDK registered exactly as instrumentation.ts registers it
 * (@vercel/otel and lib/telemetry/otel.ts), exporting to memory.
 */
import { context, metrics, propagation, trace } from "@opentelemetry/api";
import { AggregationTemporality, InMemoryMetricExporter, PeriodicExportingMetricReader } from "@opentelemetry/sdk-metrics";
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { registerOTel } from "@vercel/otel";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { runWithRequestId } from "@/lib/request-context";
import { TEST_CREDENTIALS } from "@/lib/testing/sandbox";
import { otelConfiguration } from "@/lib/telemetry/otel";
import { startTestStore } from "@/lib/testing/store";
import { handleWebhook, newCheckoutKey, reconcile, setQuantity } from "@/lib/orders";
import { testCart } from "@/lib/testing/cart";
import { TEST_FORM } from "@/lib/testing/checkout";

const spans = new InMemorySpanExporter();
const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
const reader = new PeriodicExportingMetricReader({ exporter: metricExporter, exportIntervalMillis: 3_600_000 });
let server: Awaited<ReturnType<typeof startTestStore>>;

beforeAll(async () => {
  registerOTel(otelConfiguration({}, { spanProcessors: [new SimpleSpanProcessor(spans)], metricReaders: [reader] }));
  server = await startTestStore();
  server.sandbox.updateSettings({ webhook: { enabled: false } });
});
afterAll(async () => {
  await server.close();
  trace.disable();
  metrics.disable();
  context.disable();
  propagation.disable();
});
beforeEach(() => spans.reset());

async function metricPoints(name: string) {
  await reader.forceFlush();
  const last = metricExporter.getMetrics().at(-1);
  const metric = last?.scopeMetrics.flatMap((s) => s.metrics).find((m) => m.descriptor.name === name);
  return (metric?.dataPoints ?? []) as Array<{ attributes: Record<string, unknown>; value: unknown }>;
}
const sum = async (name: string, attrs: Record<string, string>) =>
  (await metricPoints(name)).filter((p) => Object.entries(attrs).every(([k, v]) => p.attributes[k] === v)).reduce((s, p) => s + (p.value as number), 0);

const form = TEST_FORM;

async function checkout() {
  const cart = await testCart();
  const chai = await db().product.findUniqueOrThrow({ where: { slug: "chai" } });
  await setQuantity(cart.id, chai.id, 1);
  const placed = await cart.place(form, newCheckoutKey());
  if (!placed.ok) throw new Error(placed.error);
  return placed.value.orderId;
}

describe("traces", () => {
  it("a span per Plural call with its op, status and attempts, a child per attempt, no secrets, the request id on each", async () => {
    server.sandbox.addFault({ endpoint: "createOrder", kind: "status", status: 503, remaining: 1 });
    await runWithRequestId("req-trace-000001", checkout);
    const all = spans.getFinishedSpans();
    const call = all.find((s) => s.name === "plural createOrder")!;
    expect(call.attributes).toMatchObject({
      "plural.op": "createOrder",
      "http.request.method": "POST",
      "http.response.status_code": 200,
      "plural.attempts": 2,
    });
    expect(call.attributes["request.id"]).toBe("req-trace-000001");
    const attempts = all.filter((s) => s.name === "plural createOrder attempt" && s.parentSpanContext?.spanId === call.spanContext().spanId);
    expect(attempts.map((s) => [s.attributes["plural.attempt"], s.attributes["http.response.status_code"], s.attributes["plural.will_retry"] ?? null])).toEqual(
      [
        [0, 503, true],
        [1, 200, null],
      ],
    );
    expect(attempts[0]!.status.code).toBe(2); // ERROR
    const text = JSON.stringify(all.map((s: ReadableSpan) => ({ name: s.name, attributes: s.attributes, events: s.events })));
    for (const secret of [TEST_CREDENTIALS.clientSecret, "Bearer", "asha@example.com", "9876543210"]) expect(text).not.toContain(secret);
  });

  it("spans the webhook handling and the reconciliation sweep", async () => {
    const answer = await handleWebhook(
      "{}",
      new Headers({ "webhook-id": "msg_1", "webhook-timestamp": String(Math.floor(Date.now() / 1000)), "webhook-signature": "v1,bad" }),
    );
    expect(answer.status).toBe(401);
    const webhook = spans.getFinishedSpans().find((s) => s.name === "webhook")!;
    expect(webhook.attributes).toMatchObject({ "webhook.outcome": "rejected_signature", "http.response.status_code": 401 });

    const orderId = await checkout();
    await db().order.update({ where: { id: orderId }, data: { updatedAt: new Date(Date.now() - 120_000) } });
    spans.reset();
    const report = await reconcile({ olderThanMs: 60_000 });
    expect(report.checked).toBeGreaterThan(0);
    const sweep = spans.getFinishedSpans().find((s) => s.name === "reconcile.sweep")!;
    expect(sweep.attributes["reconcile.checked"]).toBe(report.checked);
    expect(String(sweep.attributes["request.id"])).toMatch(/^sweep_/);
    const getOrder = spans.getFinishedSpans().find((s) => s.name === "plural getOrder")!;
    expect(getOrder.parentSpanContext?.spanId).toBe(sweep.spanContext().spanId);
  });
});

describe("metrics", () => {
  it("counts Plural calls by op and outcome, and webhooks by outcome", async () => {
    const okBefore = await sum("plural.calls", { op: "createOrder", outcome: "ok" });
    const failedBefore = await sum("plural.calls", { op: "getOrder", outcome: "http_404" });
    await checkout();
    const { plural } = await import("@/lib/plural-client");
    await expect(plural().getOrder("v1-000000000000-aa-nothere")).rejects.toMatchObject({ status: 404 });
    expect(await sum("plural.calls", { op: "createOrder", outcome: "ok" })).toBe(okBefore + 1);
    expect(await sum("plural.calls", { op: "getOrder", outcome: "http_404" })).toBe(failedBefore + 1);

    const rejectedBefore = await sum("webhooks.received", { outcome: "rejected_signature" });
    await handleWebhook("{}", new Headers({ "webhook-id": "msg_2", "webhook-timestamp": "1", "webhook-signature": "v1,bad" }));
    expect(await sum("webhooks.received", { outcome: "rejected_signature" })).toBe(rejectedBefore + 1);
  });
});

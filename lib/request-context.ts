import { AsyncLocalStorage } from "node:async_hooks";
import { randomUUID } from "node:crypto";
import { context as otelContext, createContextKey, type Context, type TextMapGetter, type TextMapPropagator } from "@opentelemetry/api";

/**
 * One id per incoming request, carried through everything that request does: every log line
 * (lib/log.ts adds it), every call to Plural (their log lines and spans), and every timeline entry
 * written meanwhile (OrderEvent.requestId). A valid incoming `x-request-id` is kept (a proxy or a
 * load balancer in front may already have given one); otherwise one is made.
 *
 * Two ways in, both AsyncLocalStorage underneath:
 * - `withRequestId(handler)` wraps a route handler (and tests, scripts and sweeps use `runWithRequestId`);
 * - for pages and server actions, Next extracts OpenTelemetry context from each incoming request's
 *   headers; `requestIdPropagator` (registered in instrumentation.ts) puts the id there, and OTel's
 *   context manager (AsyncLocalStorage) carries it.
 */

const REQUEST_ID_HEADER = "x-request-id";
/** What we accept from outside: short, printable, no spaces (it goes into logs and the database). */
const VALID = /^[A-Za-z0-9][A-Za-z0-9._:-]{7,99}$/;

const isValidRequestId = (v: unknown): v is string => typeof v === "string" && VALID.test(v);
const newRequestId = () => randomUUID();

type Store = { requestId: string };
const g = globalThis as unknown as { [k: symbol]: AsyncLocalStorage<Store> | undefined };
const KEY = Symbol.for("plural-upi-storefront.request-context");
/** One storage per process, whichever route bundle loads this module first. */
const storage: AsyncLocalStorage<Store> = (g[KEY] ??= new AsyncLocalStorage<Store>());

/** The OpenTelemetry context key (Symbol.for, so every bundle's copy names the same key). */
export const OTEL_REQUEST_ID_KEY = createContextKey("plural-upi-storefront.request-id");

/** The current request's id, or undefined outside a request. */
export function currentRequestId(): string | undefined {
  const own = storage.getStore()?.requestId;
  if (own) return own;
  const fromOtel = otelContext.active().getValue(OTEL_REQUEST_ID_KEY);
  return typeof fromOtel === "string" ? fromOtel : undefined;
}

export function runWithRequestId<T>(requestId: string, fn: () => T): T {
  return storage.run({ requestId }, fn);
}

/** The id for an incoming request: its valid `x-request-id`, the one OTel already gave it, or a new one. */
function requestIdFor(headers: Headers): string {
  const incoming = headers.get(REQUEST_ID_HEADER);
  if (isValidRequestId(incoming)) return incoming;
  return currentRequestId() ?? newRequestId();
}

/**
 * Wraps a route handler: the handler runs with the request's id, and the answer carries it back
 * in `x-request-id` (so a merchant can quote it, and find the order by it in the console).
 */
export function withRequestId<A extends unknown[]>(handler: (request: Request, ...rest: A) => Promise<Response> | Response) {
  return async (request: Request, ...rest: A): Promise<Response> => {
    const id = requestIdFor(request.headers);
    const response = await runWithRequestId(id, () => handler(request, ...rest));
    try {
      response.headers.set(REQUEST_ID_HEADER, id);
      return response;
    } catch {
      // Immutable headers (a Response.redirect): copy it.
      const headers = new Headers(response.headers);
      headers.set(REQUEST_ID_HEADER, id);
      return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
    }
  };
}

/** For OpenTelemetry (instrumentation.ts): reads `x-request-id` from every incoming request, or makes one. */
export const requestIdPropagator: TextMapPropagator = {
  inject() {
    // Nothing goes out: Plural gets its own Request-ID per call (lib/plural/http.ts).
  },
  extract(ctx: Context, carrier: unknown, getter: TextMapGetter<unknown>): Context {
    const raw = getter.get(carrier, REQUEST_ID_HEADER);
    const value = Array.isArray(raw) ? raw[0] : raw;
    return ctx.setValue(OTEL_REQUEST_ID_KEY, isValidRequestId(value) ? value : newRequestId());
  },
  fields: () => [REQUEST_ID_HEADER],
};

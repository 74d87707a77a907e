import { AsyncLocalStorage } from "node:async_hooks";
import { randomUUID } from "node:crypto";
import { context as otelContext, createContextKey, type Context, type TextMapGetter, type TextMapPropagator } from "@opentelemetry/api";
import { processGlobal } from "@/lib/process-global";

/**
 * One id per incoming request, carried through everything that request does: every log line
 * (lib/log.ts adds it), every call to Plural (their log lines and spans), and every timeline entry
 * written meanwhile (OrderEvent.requestId). A valid incoming `x-request-id` is kept (a proxy or a
 * load balancer in front may already have given one); otherwise one is made.
 *
 * How it gets there, AsyncLocalStorage underneath:
 * - the front door (lib/security/front-door.ts) runs Next's handling of every request inside
 *   `runWithRequestId`, so pages, server actions and route handlers all see it;
 * - `withRequestId(handler)` wraps a route handler (the id goes back in `x-request-id`; without the
 *   front door, in tests, it makes one), and tests, scripts and sweeps use `runWithRequestId`;
 * - when OpenTelemetry is registered (something exports), `requestIdPropagator` puts the same id in
 *   its context for the spans.
 */

const REQUEST_ID_HEADER = "x-request-id";
/** What we accept from outside: short, printable, no spaces (it goes into logs and the database). */
const VALID = /^[A-Za-z0-9][A-Za-z0-9._:-]{7,99}$/;

const isValidRequestId = (v: unknown): v is string => typeof v === "string" && VALID.test(v);
const newRequestId = () => randomUUID();

type Store = { requestId: string };
/** One storage per process, whichever route bundle loads this module first. */
const storage = processGlobal("storeRequestContext", () => new AsyncLocalStorage<Store>());

/** The OpenTelemetry context key (Symbol.for, so every bundle's copy names the same key). */
export const OTEL_REQUEST_ID_KEY = createContextKey("plural-upi-storefront.request-id");

/** The current request's id, or undefined outside a request. */
export function currentRequestId(): string | undefined {
  const own = storage.getStore()?.requestId;
  if (own) return own;
  const fromOtel = otelContext.active().getValue(OTEL_REQUEST_ID_KEY);
  return typeof fromOtel === "string" ? fromOtel : undefined;
}

/** The id for a request with this `x-request-id` header value: the header's when valid, else a new one. */
export const requestIdOf = (header: string | string[] | undefined): string => {
  const value = Array.isArray(header) ? header[0] : header;
  return isValidRequestId(value) ? value : newRequestId();
};

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
    // The front door's id when it gave one (the same for logs and spans), else the header's or a new one.
    return ctx.setValue(OTEL_REQUEST_ID_KEY, storage.getStore()?.requestId ?? requestIdOf(getter.get(carrier, REQUEST_ID_HEADER)));
  },
  fields: () => [REQUEST_ID_HEADER],
};

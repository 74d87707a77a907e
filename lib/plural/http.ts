import { randomUUID } from "node:crypto";
import { SpanKind, SpanStatusCode, trace, type Span } from "@opentelemetry/api";
import { RETRYABLE_STATUSES } from "./constants";
import { PluralError } from "./errors";
import { errorBody } from "./schemas";
import { recordCall } from "./telemetry";

export type Logger = {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
};
export const silentLogger: Logger = { info() {}, warn() {} };

export type RetryPolicy = {
  /** Retries after the first attempt (so attempts = retries + 1). */
  retries: number;
  baseDelayMs: number;
  maxDelayMs: number;
};
export const DEFAULT_RETRY: RetryPolicy = { retries: 3, baseDelayMs: 250, maxDelayMs: 4_000 };

export type HttpRequest = {
  method: "GET" | "POST" | "PUT";
  path: string;
  body?: unknown;
  token?: string;
  /** Safe to send again: GETs, and writes that carry a merchant reference (Plural deduplicates them). */
  idempotent: boolean;
  /** Short name for logs, e.g. "createOrder". */
  op: string;
};

/**
 * fetch's options, with `cache`: Next.js caches a server-side fetch unless told `no-store` (a call to
 * Plural never is cached). The DOM's types list `cache`, Node's do not; Node's fetch accepts it.
 */
export type FetchInit = RequestInit & { cache?: "no-store" };

export type HttpResponse = { status: number; body: unknown; requestId: string };

export type Transport = {
  baseUrl: string;
  timeoutMs: number;
  retry: RetryPolicy;
  fetch: typeof fetch;
  logger: Logger;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
};

/** Full-jitter exponential backoff; a server's Retry-After (seconds) wins when it is longer. */
function backoffDelay(attempt: number, policy: RetryPolicy, random: () => number, retryAfter?: string | null): number {
  const exp = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  const jittered = Math.round(random() * exp);
  const ra = retryAfter ? Number(retryAfter) : NaN;
  return Number.isFinite(ra) && ra >= 0 ? Math.max(jittered, Math.min(ra * 1000, policy.maxDelayMs)) : jittered;
}

async function attemptOnce(t: Transport, req: HttpRequest, requestId: string): Promise<HttpResponse & { retryAfter: string | null }> {
  const headers: Record<string, string> = {
    accept: "application/json",
    "Request-ID": requestId,
    "Request-Timestamp": new Date().toISOString(),
  };
  if (req.body !== undefined) headers["content-type"] = "application/json";
  if (req.token) headers.authorization = `Bearer ${req.token}`;

  let res: Response;
  try {
    const init: FetchInit = {
      method: req.method,
      headers,
      body: req.body === undefined ? undefined : JSON.stringify(req.body),
      signal: AbortSignal.timeout(t.timeoutMs),
      cache: "no-store",
      redirect: "error",
    };
    res = await t.fetch(t.baseUrl + req.path, init);
  } catch (err) {
    const timedOut = err instanceof Error && (err.name === "TimeoutError" || err.name === "AbortError");
    throw new PluralError({
      kind: timedOut ? "timeout" : "network",
      code: timedOut ? "TIMEOUT" : "NETWORK_ERROR",
      message: timedOut
        ? `${req.op}: no answer from Plural within ${t.timeoutMs} ms`
        : `${req.op}: could not reach Plural (${(err as Error)?.cause ? String((err as { cause: { code?: string } }).cause.code ?? "connection failed") : "connection failed"})`,
      requestId,
      retryable: true,
    });
  }

  let text: string;
  try {
    text = await res.text();
  } catch {
    throw new PluralError({
      kind: "timeout",
      code: "TIMEOUT",
      message: `${req.op}: Plural's answer was cut off`,
      requestId,
      retryable: true,
      status: res.status,
    });
  }
  let body: unknown = undefined;
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
  }
  if (!res.ok) {
    const parsed = errorBody.safeParse(body);
    // Plural's errors are JSON with a code (Pine Labs' "Error Codes" page). Anything else (a proxy's or gateway's HTML
    // page, an empty body) is an upstream fault, whatever its status: a 404 without Plural's
    // ORDER_NOT_FOUND does not say the order does not exist, so it is worth asking again later.
    const plurals = parsed.success && !!parsed.data.code;
    const code = plurals ? parsed.data.code! : `HTTP_${res.status}`;
    const message =
      (parsed.success && parsed.data.message) || `Plural answered HTTP ${res.status}${plurals ? "" : " without its JSON error (a proxy or gateway?)"}`;
    throw Object.assign(
      new PluralError({
        kind: "http",
        status: res.status,
        code,
        message: `${req.op}: ${message}`,
        requestId,
        retryable: RETRYABLE_STATUSES.has(res.status) || res.status >= 500 || (res.status === 404 && code !== "ORDER_NOT_FOUND"),
        details: parsed.success ? (parsed.data.additional_error_details ?? parsed.data.additionalErrorPayload) : undefined,
      }),
      { retryAfter: res.headers.get("retry-after") },
    );
  }
  if (body === undefined) {
    throw new PluralError({
      kind: "response",
      status: res.status,
      code: "INVALID_RESPONSE",
      message: `${req.op}: Plural's answer was not JSON`,
      requestId,
      retryable: false,
    });
  }
  return { status: res.status, body, requestId, retryAfter: null };
}

function shouldRetry(err: PluralError, req: HttpRequest): boolean {
  if (!req.idempotent) return false;
  if (err.kind === "network" || err.kind === "timeout") return true;
  return err.kind === "http" && RETRYABLE_STATUSES.has(err.status);
}

const tracer = () => trace.getTracer("plural-upi-storefront.plural");

/**
 * Sends one logical request: fresh Request-ID and Request-Timestamp per attempt, a timeout on each
 * attempt, and retries with backoff only where the request is safe to repeat. Traced as one span
 * per call (`plural <op>`) with a child span per attempt; counted by op and outcome. Log lines name
 * Plural's Request-ID `pluralRequestId` (the incoming request's id is `requestId`, added by the logger).
 */
export async function send(t: Transport, req: HttpRequest): Promise<HttpResponse> {
  const started = Date.now();
  return tracer().startActiveSpan(
    `plural ${req.op}`,
    { kind: SpanKind.CLIENT, attributes: { "plural.op": req.op, "http.request.method": req.method, "url.path": req.path } },
    async (call) => {
      try {
        const res = await attempts(t, req, call);
        call.setAttribute("http.response.status_code", res.status);
        recordCall(req.op, "ok", Date.now() - started);
        return res;
      } catch (e) {
        const outcome = e instanceof PluralError ? (e.kind === "http" ? `http_${e.status}` : e.kind) : "error";
        if (e instanceof PluralError) {
          call.setAttributes({ "plural.error_code": e.code, ...(e.status ? { "http.response.status_code": e.status } : {}) });
        }
        call.setStatus({ code: SpanStatusCode.ERROR, message: e instanceof PluralError ? e.code : "error" });
        recordCall(req.op, outcome, Date.now() - started);
        throw e;
      } finally {
        call.end();
      }
    },
  );
}

async function attempts(t: Transport, req: HttpRequest, call: Span): Promise<HttpResponse> {
  for (let attempt = 0; ; attempt++) {
    call.setAttribute("plural.attempts", attempt + 1);
    const requestId = randomUUID();
    const started = Date.now();
    const span = tracer().startSpan(`plural ${req.op} attempt`, {
      kind: SpanKind.CLIENT,
      attributes: { "plural.op": req.op, "plural.attempt": attempt, "plural.request_id": requestId, "http.request.method": req.method },
    });
    let delay: number;
    try {
      const res = await attemptOnce(t, req, requestId);
      span.setAttribute("http.response.status_code", res.status);
      t.logger.info("plural.request", { op: req.op, method: req.method, status: res.status, pluralRequestId: requestId, attempt, ms: Date.now() - started });
      return res;
    } catch (e) {
      if (!(e instanceof PluralError)) throw e;
      const retry = attempt < t.retry.retries && shouldRetry(e, req);
      span.setAttributes({ "plural.error_code": e.code, "plural.will_retry": retry, ...(e.status ? { "http.response.status_code": e.status } : {}) });
      span.setStatus({ code: SpanStatusCode.ERROR, message: e.code });
      t.logger.warn("plural.request_failed", {
        op: req.op,
        method: req.method,
        status: e.status,
        code: e.code,
        pluralRequestId: requestId,
        attempt,
        ms: Date.now() - started,
        willRetry: retry,
      });
      if (!retry) throw e;
      delay = backoffDelay(attempt, t.retry, t.random, (e as PluralError & { retryAfter?: string | null }).retryAfter);
    } finally {
      span.end();
    }
    await t.sleep(delay);
  }
}

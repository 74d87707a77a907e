import { randomUUID } from "node:crypto";
import { RETRYABLE_STATUSES } from "./constants";
import { PluralError } from "./errors";
import { errorBody } from "./schemas";

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
export function backoffDelay(attempt: number, policy: RetryPolicy, random: () => number, retryAfter?: string | null): number {
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
    res = await t.fetch(t.baseUrl + req.path, {
      method: req.method,
      headers,
      body: req.body === undefined ? undefined : JSON.stringify(req.body),
      signal: AbortSignal.timeout(t.timeoutMs),
      cache: "no-store",
      redirect: "error",
    });
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
    const code = (parsed.success && parsed.data.code) || (res.status === 404 ? "ORDER_NOT_FOUND" : `HTTP_${res.status}`);
    const message = (parsed.success && parsed.data.message) || `Plural answered HTTP ${res.status}`;
    throw Object.assign(
      new PluralError({
        kind: "http",
        status: res.status,
        code,
        message: `${req.op}: ${message}`,
        requestId,
        retryable: RETRYABLE_STATUSES.has(res.status) || res.status >= 500,
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

/**
 * Sends one logical request: fresh Request-ID and Request-Timestamp per attempt, a timeout on each
 * attempt, and retries with backoff only where the request is safe to repeat.
 */
export async function send(t: Transport, req: HttpRequest): Promise<HttpResponse> {
  for (let attempt = 0; ; attempt++) {
    const requestId = randomUUID();
    const started = Date.now();
    try {
      const res = await attemptOnce(t, req, requestId);
      t.logger.info("plural.request", { op: req.op, method: req.method, status: res.status, requestId, attempt, ms: Date.now() - started });
      return res;
    } catch (e) {
      if (!(e instanceof PluralError)) throw e;
      const retry = attempt < t.retry.retries && shouldRetry(e, req);
      t.logger.warn("plural.request_failed", {
        op: req.op,
        method: req.method,
        status: e.status,
        code: e.code,
        requestId,
        attempt,
        ms: Date.now() - started,
        willRetry: retry,
      });
      if (!retry) throw e;
      await t.sleep(backoffDelay(attempt, t.retry, t.random, (e as PluralError & { retryAfter?: string | null }).retryAfter));
    }
  }
}

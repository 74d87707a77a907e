import type { z } from "zod";
import { PATHS, SETTLEMENT_LIMITS } from "./constants";
import { PluralError } from "./errors";
import { DEFAULT_RETRY, send, silentLogger, type FetchInit, type HttpRequest, type Logger, type RetryPolicy, type Transport } from "./http";
import {
  captureRequest,
  createOrderRequest,
  createPaymentRequest,
  paymentAnswerBody,
  refundRequest,
  refundResponse,
  tokenResponse,
  wrappedOrder,
  type CaptureRequest,
  type CreateOrderRequest,
  type CreatePaymentRequest,
  type PluralOrder,
  type PluralRefund,
  type RefundRequest,
} from "./schemas";
import { settlementDetail, settlementList, type PluralSettlementDetail, type PluralSettlementList, type PluralSettlementSummary } from "./settlement-schemas";

/** A settlement window: calendar days as Plural reads them (India time is likely, undocumented), both inclusive. */
export type SettlementWindow = { from: string; to: string };

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const dayNumber = (d: string) => Date.parse(`${d}T00:00:00Z`) / 86_400_000;

/** Checks a window against the documented limits; the query Plural expects (zone-less datetimes, Pine Labs' "Get All Settlements" page). */
function settlementQuery(w: SettlementWindow, page = 1, perPage: number = SETTLEMENT_LIMITS.perPage): string {
  const bad = (message: string) => new PluralError({ kind: "validation", code: "INVALID_REQUEST", message: `listSettlements: ${message}` });
  if (!DAY.test(w.from) || !DAY.test(w.to) || Number.isNaN(dayNumber(w.from)) || Number.isNaN(dayNumber(w.to))) throw bad("dates must be YYYY-MM-DD");
  // Both days are inclusive (00:00:00 of the first to 23:59:59 of the last): at most 60 days is at most 60 calendar days.
  const days = dayNumber(w.to) - dayNumber(w.from) + 1;
  if (days < 1) throw bad("the window ends before it starts");
  if (days > SETTLEMENT_LIMITS.maxWindowDays) throw bad(`the window is longer than ${SETTLEMENT_LIMITS.maxWindowDays} days`);
  if (!Number.isInteger(page) || page < 1) throw bad("page must be a positive integer");
  if (!Number.isInteger(perPage) || perPage < 1 || perPage > SETTLEMENT_LIMITS.perPage) throw bad(`per_page must be 1–${SETTLEMENT_LIMITS.perPage}`);
  return new URLSearchParams({ start_date: `${w.from}T00:00:00`, end_date: `${w.to}T23:59:59`, page: String(page), per_page: String(perPage) }).toString();
}

/** Splits any span of days into windows Plural accepts (at most 60 calendar days each, both ends inclusive). */
export function settlementWindows(w: SettlementWindow): SettlementWindow[] {
  const out: SettlementWindow[] = [];
  const day = (n: number) => new Date(n * 86_400_000).toISOString().slice(0, 10);
  const end = dayNumber(w.to);
  const span = SETTLEMENT_LIMITS.maxWindowDays;
  for (let start = dayNumber(w.from); start <= end; start += span) out.push({ from: day(start), to: day(Math.min(end, start + span - 1)) });
  return out;
}

/** Pages are fetched until one comes back short; this many at most (10 a page: 10,000 settlements). */
const MAX_PAGES = 1000;

export type PluralClientConfig = {
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  logger?: Logger;
  fetch?: typeof fetch;
  /** Refresh the token this long before it expires (default 60 s, or a tenth of a short lifetime). */
  tokenSkewMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
};

export type UpiPaymentInput = {
  merchantPaymentReference: string;
  amountInPaise: number;
} & ({ mode: "INTENT" } | { mode: "QR" } | { mode: "COLLECT"; vpa: string });

/**
 * What Create Payment tells about the payment it made. Plural answers with the whole order in
 * `{ data }` (the API pages, Pine Labs' MCP server) or, as the seamless guide's QR sample shows, flat:
 * `{payment_id, status, challenge_url, image_url}` (the seamless UPI guide's QR sample; the API pages wrap it in `data`). After a
 * DUPLICATE_REQUEST the payment is read back with Get Order.
 */
export type PaymentAnswer = {
  /** The order, when the answer carried it (`wrapped`) or Get Order read it (`read`); undefined after a flat answer. */
  order: PluralOrder | undefined;
  shape: "wrapped" | "flat" | "read";
  paymentId: string | undefined;
  /** The payment's status as answered (a flat answer may say INITIATED). */
  status: string;
  /** The UPI link (INTENT and QR), or an https page in the redirect flow. */
  challengeUrl: string | undefined;
  /** The QR image (QR only). */
  imageUrl: string | undefined;
};

function answerFromOrder(order: PluralOrder, merchantPaymentReference: string, shape: "wrapped" | "read"): PaymentAnswer {
  const last = order.payments.at(-1);
  const mine = order.payments.find((p) => p.merchant_payment_reference === merchantPaymentReference) ?? (shape === "wrapped" ? last : undefined);
  // The order's challenge_url and image_url are its latest payment's.
  const current = !!mine && mine === last;
  return {
    order,
    shape,
    paymentId: mine?.id,
    status: mine?.status ?? order.status,
    challengeUrl: current ? order.challenge_url : undefined,
    imageUrl: current ? order.image_url : undefined,
  };
}

const FALLBACK_TOKEN_SECONDS = 3600;

function validate<S extends z.ZodType>(schema: S, input: unknown, op: string): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => `${i.path.join(".") || "body"} ${i.message}`).join("; ");
  throw new PluralError({ kind: "validation", code: "INVALID_REQUEST", message: `${op}: ${problems}`, retryable: false });
}

function parseResponse<S extends z.ZodType>(schema: S, body: unknown, op: string, requestId: string): z.output<S> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues
    .slice(0, 5)
    .map((i) => `${i.path.join(".")} ${i.message}`)
    .join("; ");
  throw new PluralError({
    kind: "response",
    code: "INVALID_RESPONSE",
    message: `${op}: unexpected answer from Plural (${problems})`,
    requestId,
    retryable: false,
  });
}

/**
 * The one client for Plural's v3 API. Holds a token cache (single-flight), and refreshes the token
 * once on a 401. No database and no React here: callers decide what to store.
 */
export function createPluralClient(config: PluralClientConfig) {
  const now = config.now ?? Date.now;
  const transport: Transport = {
    baseUrl: config.baseUrl.replace(/\/+$/, ""),
    timeoutMs: config.timeoutMs ?? 15_000,
    retry: { ...DEFAULT_RETRY, ...config.retry },
    // The runtime's own fetch, bound (some runtimes refuse an unbound call). lib/plural is copied
    // alone into other apps and imports nothing of the store (lib/plural-standalone.test.ts), so it
    // names globalThis itself rather than through lib/process-global.ts; it keeps no state there.
    fetch: config.fetch ?? globalThis.fetch.bind(globalThis),
    logger: config.logger ?? silentLogger,
    sleep: config.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms))),
    random: config.random ?? Math.random,
  };

  let cached: { token: string; refreshAt: number } | undefined;
  let inflight: Promise<string> | undefined;
  let tokenRequests = 0;

  async function fetchToken(): Promise<string> {
    tokenRequests++;
    const res = await send(transport, {
      method: "POST",
      path: PATHS.token,
      body: { client_id: config.clientId, client_secret: config.clientSecret, grant_type: "client_credentials" },
      idempotent: true,
      op: "token",
    });
    const t = parseResponse(tokenResponse, res.body, "token", res.requestId);
    const issuedAt = now();
    let lifetimeMs = FALLBACK_TOKEN_SECONDS * 1000;
    if (t.expires_in) lifetimeMs = t.expires_in * 1000;
    else if (t.expires_at && !Number.isNaN(Date.parse(t.expires_at))) lifetimeMs = Math.max(0, Date.parse(t.expires_at) - issuedAt);
    const skew = config.tokenSkewMs ?? Math.min(60_000, lifetimeMs / 10);
    cached = { token: t.access_token, refreshAt: issuedAt + lifetimeMs - skew };
    return t.access_token;
  }

  /** A valid token, fetched at most once however many callers ask at the same time. */
  function getToken(): Promise<string> {
    if (cached && now() < cached.refreshAt) return Promise.resolve(cached.token);
    inflight ??= fetchToken().finally(() => {
      inflight = undefined;
    });
    return inflight;
  }

  async function authed(req: Omit<HttpRequest, "token">) {
    const token = await getToken();
    try {
      return await send(transport, { ...req, token });
    } catch (e) {
      if (!(e instanceof PluralError) || e.status !== 401) throw e;
      // The token was revoked or expired early: drop it (unless another call already replaced it), retry once.
      if (cached?.token === token) cached = undefined;
      const fresh = await getToken();
      return send(transport, { ...req, token: fresh });
    }
  }

  async function orderCall(req: Omit<HttpRequest, "token">): Promise<PluralOrder> {
    const res = await authed(req);
    return parseResponse(wrappedOrder, res.body, req.op, res.requestId);
  }

  const getOrder = (orderId: string) => orderCall({ method: "GET", path: PATHS.order(orderId), idempotent: true, op: "getOrder" });
  const getOrderByReference = (ref: string) => orderCall({ method: "GET", path: PATHS.orderByReference(ref), idempotent: true, op: "getOrderByReference" });

  /**
   * DUPLICATE_REQUEST (Pine Labs' "Error Codes" page; the sandbox's `idempotency: reject`): a request with this
   * merchant reference was already processed, by an earlier try whose answer was lost (a timeout, a
   * 504) or by a process that died before reading it. What it made exists: read it back and carry on.
   * `read` answers it, or undefined when what exists is not what was asked for (then the refusal stands).
   */
  async function recoverDuplicate<T>(e: unknown, op: string, read: () => Promise<T | undefined>): Promise<T> {
    if (!(e instanceof PluralError) || !e.isDuplicate) throw e;
    const found = await read().catch((readError: unknown) => {
      transport.logger.warn("plural.duplicate_unread", { op, code: readError instanceof PluralError ? readError.code : "error" });
      throw e;
    });
    if (found === undefined) {
      transport.logger.warn("plural.duplicate_mismatch", { op, pluralRequestId: e.requestId });
      throw e;
    }
    transport.logger.info("plural.duplicate_recovered", { op, pluralRequestId: e.requestId });
    return found;
  }

  async function createPayment(orderId: string, input: CreatePaymentRequest): Promise<PaymentAnswer> {
    const body = validate(createPaymentRequest, input, "createPayment");
    const ref = body.payments[0]!.merchant_payment_reference;
    try {
      const res = await authed({ method: "POST", path: PATHS.payments(orderId), body, idempotent: true, op: "createPayment" });
      const answer = parseResponse(paymentAnswerBody, res.body, "createPayment", res.requestId);
      if ("payment_id" in answer && !("order_id" in answer)) {
        return {
          order: undefined,
          shape: "flat",
          paymentId: answer.payment_id,
          status: answer.status,
          challengeUrl: answer.challenge_url,
          imageUrl: answer.image_url,
        };
      }
      return answerFromOrder(answer as PluralOrder, ref, "wrapped");
    } catch (e) {
      return recoverDuplicate(e, "createPayment", async () => {
        const order = await getOrder(orderId);
        const answer = answerFromOrder(order, ref, "read");
        return answer.paymentId ? answer : undefined;
      });
    }
  }

  return {
    getToken,
    /** Forget the cached token (e.g. after rotating credentials). */
    clearToken() {
      cached = undefined;
    },
    /** How many token requests this client has made (for tests and benchmarks). */
    get tokenRequestCount() {
      return tokenRequests;
    },

    /**
     * Whether Plural answers at all, within `timeoutMs`: one unauthenticated GET on the token path
     * (Plural answers it with a 4xx). Reachable = any answer below 500. Sends no credentials.
     */
    async reachable(timeoutMs = 3_000): Promise<{ ok: boolean; status?: number; ms: number; error?: string }> {
      const started = now();
      try {
        const init: FetchInit = { method: "GET", signal: AbortSignal.timeout(timeoutMs), cache: "no-store", redirect: "manual" };
        const res = await transport.fetch(transport.baseUrl + PATHS.token, init);
        await res.body?.cancel();
        return { ok: res.status < 500, status: res.status, ms: now() - started };
      } catch (e) {
        const timedOut = e instanceof Error && (e.name === "TimeoutError" || e.name === "AbortError");
        return { ok: false, ms: now() - started, error: timedOut ? `no answer within ${timeoutMs} ms` : "could not connect" };
      }
    },

    /** Creates the order; after DUPLICATE_REQUEST (its reference was used already), the order with that reference, if it is this one. */
    async createOrder(input: CreateOrderRequest): Promise<PluralOrder> {
      const body = validate(createOrderRequest, input, "createOrder");
      try {
        return await orderCall({ method: "POST", path: PATHS.orders, body, idempotent: true, op: "createOrder" });
      } catch (e) {
        return recoverDuplicate(e, "createOrder", async () => {
          const existing = await getOrderByReference(body.merchant_order_reference);
          return existing.order_amount.value === body.order_amount.value ? existing : undefined;
        });
      }
    },

    async getOrder(orderId: string): Promise<PluralOrder> {
      if (!orderId) throw new PluralError({ kind: "validation", code: "INVALID_REQUEST", message: "getOrder: order id is required" });
      return getOrder(orderId);
    },

    async getOrderByReference(merchantOrderReference: string): Promise<PluralOrder> {
      if (!merchantOrderReference)
        throw new PluralError({ kind: "validation", code: "INVALID_REQUEST", message: "getOrderByReference: reference is required" });
      return getOrderByReference(merchantOrderReference);
    },

    /** Creates a payment (either documented answer); after DUPLICATE_REQUEST, the payment with that reference, read with Get Order. */
    createPayment,

    /** UPI INTENT, QR (INTENT with `upi_qr`) or COLLECT on `vpa`. */
    async createUpiPayment(orderId: string, p: UpiPaymentInput): Promise<PaymentAnswer> {
      const upi_details =
        p.mode === "COLLECT"
          ? { txn_mode: "COLLECT" as const, payer: { vpa: p.vpa } }
          : p.mode === "QR"
            ? { txn_mode: "INTENT" as const, upi_qr: true }
            : { txn_mode: "INTENT" as const };
      return createPayment(orderId, {
        payments: [
          {
            merchant_payment_reference: p.merchantPaymentReference,
            payment_method: "UPI",
            payment_amount: { value: p.amountInPaise, currency: "INR" },
            payment_option: { upi_details },
          },
        ],
      });
    },

    async capture(orderId: string, input: CaptureRequest): Promise<PluralOrder> {
      const body = validate(captureRequest, input, "capture");
      return orderCall({ method: "PUT", path: PATHS.capture(orderId), body, idempotent: true, op: "capture" });
    },

    /** Not retried automatically: a lost answer is resolved by Get Order, not by cancelling twice. */
    async cancel(orderId: string): Promise<PluralOrder> {
      return orderCall({ method: "PUT", path: PATHS.cancel(orderId), idempotent: false, op: "cancel" });
    },

    /** One page of settlements (at most 10) settled in a window of at most 60 days. */
    async listSettlements(window: SettlementWindow, page = 1, perPage?: number): Promise<PluralSettlementList> {
      const query = settlementQuery(window, page, perPage);
      const res = await authed({ method: "GET", path: `${PATHS.settlements}?${query}`, idempotent: true, op: "listSettlements" });
      return parseResponse(settlementList, res.body, "listSettlements", res.requestId);
    },

    /** Every settlement in a window of at most 60 days: pages until one comes back short (the list has no pagination object). */
    async allSettlements(window: SettlementWindow): Promise<PluralSettlementSummary[]> {
      const out: PluralSettlementSummary[] = [];
      const seen = new Set<string>();
      for (let page = 1; page <= MAX_PAGES; page++) {
        const { settlements } = await this.listSettlements(window, page);
        let fresh = 0;
        for (const s of settlements) {
          if (seen.has(s.utr)) continue;
          seen.add(s.utr);
          out.push(s);
          fresh++;
        }
        // A short page is the last; a page with nothing new means Plural ignores `page`.
        if (settlements.length < SETTLEMENT_LIMITS.perPage || fresh === 0) break;
      }
      return out;
    },

    /** One page (at most 10 lines) of a settlement, by its UTR. */
    async getSettlement(utr: string, page = 1): Promise<PluralSettlementDetail> {
      if (!SETTLEMENT_LIMITS.utr.test(utr)) throw new PluralError({ kind: "validation", code: "INVALID_REQUEST", message: "getSettlement: not a UTR" });
      const query = new URLSearchParams({ page: String(page), per_page: String(SETTLEMENT_LIMITS.perPage) });
      const res = await authed({ method: "GET", path: `${PATHS.settlementByUtr(utr)}?${query}`, idempotent: true, op: "getSettlement" });
      return parseResponse(settlementDetail, res.body, "getSettlement", res.requestId);
    },

    /** A settlement with every line (all pages, per its pagination). */
    async settlementWithLines(utr: string): Promise<PluralSettlementDetail> {
      const first = await this.getSettlement(utr, 1);
      const transactions = [...first.transactions];
      const pages = Math.min(first.totalPages, MAX_PAGES);
      for (let page = 2; page <= pages; page++) transactions.push(...(await this.getSettlement(utr, page)).transactions);
      return { ...first, transactions, page: 1, totalPages: pages };
    },

    /** Requests a refund (a REFUND order of its own); after DUPLICATE_REQUEST, that refund order, read by its reference. */
    async refund(orderId: string, input: RefundRequest): Promise<PluralRefund> {
      const body = validate(refundRequest, input, "refund");
      try {
        const res = await authed({ method: "POST", path: PATHS.refund(orderId), body, idempotent: true, op: "refund" });
        return parseResponse(refundResponse, res.body, "refund", res.requestId);
      } catch (e) {
        return recoverDuplicate(e, "refund", async () => {
          const existing = await getOrderByReference(body.merchant_order_reference);
          const refund = refundResponse.safeParse({ data: existing });
          const ok = refund.success && refund.data.parentOrderId === orderId && refund.data.amount === body.order_amount.value;
          return ok ? refund.data : undefined;
        });
      }
    },
  };
}

export type PluralClient = ReturnType<typeof createPluralClient>;

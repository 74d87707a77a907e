import { z } from "zod";
import { LIMITS, SETTLEMENT_LIMITS } from "../plural/constants";
import { TEST_VPAS } from "./catalog";
import { hashBody, SandboxError, type Operation, type Sandbox, type SettlementOperation } from "./engine";
import type { FaultRule } from "./types";

/**
 * The sandbox's Plural API over HTTP: the exact paths, wrappers, validation messages and error
 * codes of reference §2–§9, plus fault injection. Routes in app/sandbox/api only delegate here.
 */

const VALID_METHODS = ["CARD", "UPI", "POINTS", "NETBANKING", "WALLET", "CREDIT_EMI", "DEBIT_EMI", "BNPL", "CARDLESS_EMI"];

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => !!v && typeof v === "object" && !Array.isArray(v);

function json(status: number, body: unknown, requestId?: string | null, extra: Record<string, string> = {}): Response {
  const headers: Record<string, string> = { "content-type": "application/json", "cache-control": "no-store", ...extra };
  if (requestId) headers["Request-ID"] = requestId;
  return new Response(JSON.stringify(body), { status, headers });
}

const invalid = (reason: string, message = "Invalid Request Parameters") =>
  Object.assign(new SandboxError(400, "INVALID_REQUEST", message), { details: { source: "body", step: "validation", reason } });

function errorResponse(e: SandboxError & { details?: unknown }, requestId: string | null): Response {
  const body: Json = { code: e.code, message: e.message };
  if (e.details) body.additional_error_details = e.details;
  return json(e.status, body, requestId);
}

/* ------------------------------------------------------------------------------- validation */

function reference(v: unknown, label = "Merchant Order Reference"): string {
  if (v === undefined || v === null || v === "") throw invalid(`${label.toLowerCase().replaceAll(" ", "_")} is required`, `${label} must not be empty`);
  if (typeof v === "number" && Number.isInteger(v) && v >= 0) v = String(v);
  if (typeof v !== "string") throw invalid(`${label} must be a string`);
  if (v.length > 50) throw invalid(`${label} is too long`, `${label} must be less than or equal to 50 characters`);
  if (!LIMITS.merchantReference.test(v)) throw invalid(`${label} may contain only A-Z a-z 0-9 _ -`);
  return v;
}

function amount(v: unknown): { value: number; currency: string } {
  if (!isObj(v)) throw invalid("amount is required", "Amount must be an Integer value greater than or equal to 1");
  const value = v.value;
  if (typeof value !== "number" || !Number.isInteger(value) || value < LIMITS.amountMin) {
    throw invalid(`amount must be an integer of at least ${LIMITS.amountMin} paise`, "Amount must be an Integer value greater than or equal to 1");
  }
  if (value > LIMITS.amountMax) throw invalid("amount too large", "Amount must be an Integer value less than or equal to 100000000");
  const currency = v.currency ?? "INR";
  if (currency !== "INR") throw invalid("currency must be INR", "Invalid currency");
  return { value, currency };
}

function optionalString(obj: Json, key: string, max: number, min = 0) {
  const v = obj[key];
  if (v === undefined || v === null) return;
  if (typeof v !== "string" || v.length > max || v.length < min) throw invalid(`${key} must be a string of ${min}–${max} characters`);
}

function optionalUrl(obj: Json, key: string) {
  const v = obj[key];
  if (v === undefined) return;
  if (typeof v !== "string" || !/^https?:\/\//.test(v) || !URL.canParse(v)) throw invalid(`${key} must be an absolute http(s) URL`);
}

function validateCustomer(c: unknown) {
  if (c === undefined) return;
  if (!isObj(c)) throw invalid("purchase_details.customer must be an object");
  optionalString(c, "email_id", LIMITS.emailMax, 1);
  if (typeof c.email_id === "string" && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(c.email_id)) throw invalid("email_id is not an e-mail address");
  optionalString(c, "first_name", LIMITS.nameMax, 1);
  optionalString(c, "last_name", LIMITS.nameMax, 1);
  optionalString(c, "customer_id", LIMITS.customerIdMax, 1);
  optionalString(c, "mobile_number", LIMITS.mobileMax, LIMITS.mobileMin);
  for (const key of ["billing_address", "shipping_address"]) {
    const a = c[key];
    if (a === undefined) continue;
    if (!isObj(a)) throw invalid(`${key} must be an object`);
    for (const line of ["address1", "address2", "address3"]) optionalString(a, line, LIMITS.addressLineMax);
    optionalString(a, "pincode", LIMITS.pincodeMax, LIMITS.pincodeMin);
    for (const f of ["city", "state", "country"]) optionalString(a, f, LIMITS.cityStateCountryMax);
  }
}

function validateMetadata(m: unknown) {
  if (m === undefined) return;
  if (!isObj(m)) throw invalid("merchant_metadata must be an object of strings");
  const entries = Object.entries(m);
  if (entries.length > LIMITS.metadataPairsMax) throw invalid(`merchant_metadata has more than ${LIMITS.metadataPairsMax} pairs`);
  for (const [k, v] of entries)
    if (typeof v !== "string" || v.length > LIMITS.metadataValueMax || k.length > LIMITS.metadataValueMax)
      throw invalid("merchant_metadata values must be strings of at most 256 characters");
}

/* ------------------------------------------------------------------------------- handlers */

type Ctx = { sb: Sandbox; body: unknown; query: URLSearchParams };

function createOrder({ sb, body }: Ctx) {
  if (!isObj(body)) throw invalid("body must be a JSON object");
  const ref = reference(body.merchant_order_reference);
  const order_amount = amount(body.order_amount);
  if (body.pre_auth !== undefined && typeof body.pre_auth !== "boolean") throw invalid("pre_auth must be a boolean");
  const methods = body.allowed_payment_methods;
  if (methods !== undefined && (!Array.isArray(methods) || methods.some((m) => !VALID_METHODS.includes(m as string))))
    throw invalid("allowed_payment_methods has an unknown method", "Payment method is missing/invalid");
  optionalString(body, "notes", 256);
  optionalUrl(body, "callback_url");
  optionalUrl(body, "failure_callback_url");
  const pd = body.purchase_details;
  if (pd !== undefined) {
    if (!isObj(pd)) throw invalid("purchase_details must be an object");
    validateCustomer(pd.customer);
    validateMetadata(pd.merchant_metadata);
  }
  const { order } = sb.createOrder({
    merchant_order_reference: ref,
    order_amount,
    pre_auth: body.pre_auth as boolean | undefined,
    notes: body.notes as string | undefined,
    callback_url: body.callback_url as string | undefined,
    failure_callback_url: body.failure_callback_url as string | undefined,
    allowed_payment_methods: methods as string[] | undefined,
    purchase_details: pd as Json | undefined,
  });
  return { status: 200, body: { data: sb.orderJson(order) } };
}

function createPayment({ sb, body }: Ctx, orderId: string) {
  if (!isObj(body) || !Array.isArray(body.payments) || body.payments.length === 0)
    throw invalid("payments must be a non-empty array", "Payment method is missing/invalid");
  if (body.payments.length > 1) throw new SandboxError(422, "PAYMENT_METHOD_NOT_ENABLED", "Split payments are not enabled for this merchant");
  const item = body.payments[0];
  if (!isObj(item) || typeof item.payment_method !== "string") throw invalid("payment_method is required", "Payment method is missing/invalid");
  if (item.payment_method !== "UPI") {
    if (VALID_METHODS.includes(item.payment_method))
      throw new SandboxError(422, "PAYMENT_METHOD_NOT_ENABLED", "Payment method is not enabled for the merchant");
    throw invalid("payment_method is unknown", "Payment method is missing/invalid");
  }
  // The docs' UPI samples omit merchant_payment_reference; the spec requires it. Accept both.
  const ref =
    item.merchant_payment_reference === undefined
      ? `auto_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 10)}`
      : reference(item.merchant_payment_reference, "Merchant Payment Reference");
  const amt = amount(item.payment_amount);
  const option = isObj(item.payment_option) ? (item.payment_option.upi_details ?? item.payment_option.upi_data) : undefined;
  if (!isObj(option)) throw invalid("payment_option.upi_details is required", "Payment method is missing/invalid");
  const mode = option.txn_mode;
  if (mode !== "INTENT" && mode !== "COLLECT") throw invalid("upi_details.txn_mode must be INTENT or COLLECT", "Payment method is missing/invalid");
  if (option.upi_qr !== undefined && typeof option.upi_qr !== "boolean") throw invalid("upi_qr must be a boolean");
  const qr = option.upi_qr === true;
  if (qr && mode === "COLLECT") throw invalid("upi_qr applies to INTENT only");
  let vpa: string | undefined;
  if (mode === "COLLECT") {
    const payer = option.payer;
    vpa = isObj(payer) && typeof payer.vpa === "string" ? payer.vpa.trim() : undefined;
    if (!vpa) throw invalid("payer.vpa is required for COLLECT");
    if (vpa.length > 256 || !LIMITS.vpa.test(vpa)) throw invalid("payer.vpa is not a valid VPA");
    const test = TEST_VPAS.find((t) => t.vpa === vpa!.toLowerCase());
    if (test?.reject) throw new SandboxError(test.reject.status, test.reject.code, test.reject.message);
  }
  const { order } = sb.createPayment(orderId, { merchant_payment_reference: ref, amount: amt.value, txn_mode: mode, upi_qr: qr, vpa }, hashBody(item));
  return { status: 200, body: { data: sb.orderJson(order) } };
}

function capture({ sb, body }: Ctx, orderId: string) {
  if (!isObj(body)) throw invalid("body must be a JSON object");
  const ref = reference(body.merchant_capture_reference, "Merchant Capture Reference");
  const capture_amount = body.capture_amount === undefined ? undefined : amount(body.capture_amount);
  return { status: 200, body: { data: sb.orderJson(sb.capture(orderId, { merchant_capture_reference: ref, capture_amount })) } };
}

function refund({ sb, body }: Ctx, orderId: string) {
  if (!isObj(body)) throw invalid("body must be a JSON object");
  const ref = reference(body.merchant_order_reference);
  // The docs and spec send order_amount; Pine Labs' WooCommerce plugin sends refund_amount (reference §13.7).
  const raw = body.order_amount ?? (typeof body.refund_amount === "number" ? { value: body.refund_amount, currency: "INR" } : body.refund_amount);
  const amt = amount(raw);
  validateMetadata(body.merchant_metadata);
  const { refund } = sb.refund(
    orderId,
    { merchant_order_reference: ref, amount: amt.value, merchant_metadata: body.merchant_metadata as Record<string, string> | undefined },
    hashBody(body),
  );
  return { status: 200, body: { data: sb.orderJson(refund) } };
}

/* ---------------------------------------------------------------------------- zod checks */

/** A zod error that carries the sandbox's answer: Plural's `reason` (additional_error_details) and `message`. */
const said = (reason: string, message = "Invalid Request Parameters") => JSON.stringify([reason, message]);

/** Validates with a zod schema; the first issue becomes the 400 the hand-written checks gave (same reason, same message). */
function check<T extends z.ZodType>(schema: T, value: unknown): z.output<T> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const [reason, message] = JSON.parse(r.error.issues[0]!.message) as [string, string];
  throw invalid(reason, message);
}

/** Token request (reference §2): checked in this order, each with its own answer. */
export const tokenRequest = z.object(
  {
    client_id: z.string({ error: said("client_id and client_secret are required") }).min(1, said("client_id and client_secret are required")),
    client_secret: z.string({ error: said("client_id and client_secret are required") }).min(1, said("client_id and client_secret are required")),
    grant_type: z
      .string({ error: said("grant_type must be client_credentials") })
      .refine((g) => g.toLowerCase() === "client_credentials", said("grant_type must be client_credentials"))
      .meta({ examples: ["client_credentials"] }),
  },
  { error: said("body must be a JSON object") },
);

/* ---------------------------------------------------------------------------- settlements */

const DAY_MS = 86_400_000;
const zoneless = z
  .string({ error: "start_date and end_date are required (YYYY-MM-DDTHH:MM:SS, no time zone)" })
  .regex(/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2})?)?$/, "start_date and end_date must be YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS, without a time zone")
  .refine((v) => !Number.isNaN(Date.parse(`${v.length === 10 ? `${v}T00:00:00` : v}Z`)), "start_date and end_date must be real dates");
const pageParam = z
  .string()
  .regex(/^[1-9]\d{0,5}$/, "page must be a positive integer")
  .optional()
  .transform((v) => Number(v ?? 1));
const perPageParam = z
  .string()
  .regex(/^\d{1,3}$/, `per_page must be between 1 and ${SETTLEMENT_LIMITS.perPage}`)
  .optional()
  .transform((v) => Number(v ?? SETTLEMENT_LIMITS.perPage))
  .refine((n) => n >= 1 && n <= SETTLEMENT_LIMITS.perPage, `per_page must be between 1 and ${SETTLEMENT_LIMITS.perPage}`);

/** Get All Settlements' query (plural-settlements §1.2). */
export const settlementListQuery = z
  .object({ start_date: zoneless, end_date: zoneless, page: pageParam, per_page: perPageParam })
  .refine((q) => ist(q.end_date) >= ist(q.start_date), { message: "end_date must not be before start_date" })
  .refine((q) => ist(q.end_date) - ist(q.start_date) <= (SETTLEMENT_LIMITS.maxWindowDays + 1) * DAY_MS, {
    message: `Maximum date range for retrieving settlement data is ${SETTLEMENT_LIMITS.maxWindowDays} days`,
  });
/** Get Settlements by UTR's query (§1.4). */
export const settlementDetailQuery = z.object({ page: pageParam, per_page: perPageParam });
export const utrParam = z.string().regex(SETTLEMENT_LIMITS.utr, "Invalid UTR number");

/** A zone-less date or datetime read as India time; a bare end date means the end of that day. */
function ist(v: string, end = false): number {
  const full = v.length === 10 ? `${v}T${end ? "23:59:59" : "00:00:00"}` : v.length === 16 ? `${v}:00` : v;
  return Date.parse(`${full}Z`) - 330 * 60_000;
}

function queryOf(query: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of query) if (!(k in out)) out[k] = v;
  return out;
}

function settlementsQuery<T extends z.ZodType>(schema: T, query: URLSearchParams): z.output<T> {
  const r = schema.safeParse(queryOf(query));
  if (!r.success)
    throw Object.assign(new SandboxError(400, "INVALID_REQUEST", r.error.issues[0]!.message), { details: { source: "query", step: "validation" } });
  return r.data;
}

function listSettlements({ sb, query }: Ctx) {
  const q = settlementsQuery(settlementListQuery, query);
  sb.advance();
  const all = sb.settlementsBetween(ist(q.start_date), ist(q.end_date, true));
  const data = all.slice((q.page - 1) * q.per_page, q.page * q.per_page);
  const paise = (r: number) => Math.round(r * 100);
  return {
    status: 200,
    body: {
      data,
      total_settlement_count: all.length,
      total_transactions_count: all.reduce((n, s) => n + s.total_transactions_count, 0),
      total_settlement_amount: all.reduce((n, s) => n + paise(s.total_amount), 0) / 100,
    },
  };
}

function getSettlement({ sb, query }: Ctx, utr: string) {
  const valid = utrParam.safeParse(utr);
  if (!valid.success) throw new SandboxError(400, "INVALID_REQUEST", "Invalid UTR number");
  const q = settlementsQuery(settlementDetailQuery, query);
  sb.advance();
  return { status: 200, body: sb.settlementDetail(utr, q.page, q.per_page) };
}

/* ------------------------------------------------------------------------------- routing */

type Route = {
  op: Operation | SettlementOperation;
  method: string;
  match: RegExp;
  auth: boolean;
  run: (ctx: Ctx, ...params: string[]) => { status: number; body: unknown };
};

const ROUTES: Route[] = [
  {
    op: "token",
    method: "POST",
    match: /^auth\/v1\/token$/,
    auth: false,
    run: ({ sb, body }) => {
      const { client_id, client_secret } = check(tokenRequest, body);
      return { status: 200, body: sb.issueToken(client_id, client_secret) };
    },
  },
  { op: "createOrder", method: "POST", match: /^pay\/v1\/orders$/, auth: true, run: createOrder },
  {
    op: "getOrderByReference",
    method: "GET",
    match: /^pay\/v1\/orders\/reference\/([^/]+)$/,
    auth: true,
    run: ({ sb }, ref) => {
      sb.advance();
      return { status: 200, body: { data: sb.orderViewByReference(ref!) } };
    },
  },
  {
    op: "getOrder",
    method: "GET",
    match: /^pay\/v1\/orders\/([^/]+)$/,
    auth: true,
    run: ({ sb }, id) => {
      sb.advance();
      return { status: 200, body: { data: sb.orderView(id!) } };
    },
  },
  { op: "createPayment", method: "POST", match: /^pay\/v1\/orders\/([^/]+)\/payments$/, auth: true, run: (ctx, id) => createPayment(ctx, id!) },
  { op: "capture", method: "PUT", match: /^pay\/v1\/orders\/([^/]+)\/capture$/, auth: true, run: (ctx, id) => capture(ctx, id!) },
  {
    op: "cancel",
    method: "PUT",
    match: /^pay\/v1\/orders\/([^/]+)\/cancel$/,
    auth: true,
    run: ({ sb }, id) => ({ status: 200, body: { data: sb.orderJson(sb.cancel(id!)) } }),
  },
  { op: "refund", method: "POST", match: /^pay\/v1\/refunds\/([^/]+)$/, auth: true, run: (ctx, id) => refund(ctx, id!) },
  { op: "listSettlements", method: "GET", match: /^settlements\/v1\/list$/, auth: true, run: listSettlements },
  { op: "getSettlement", method: "GET", match: /^settlements\/v1\/detail\/([^/]+)$/, auth: true, run: (ctx, utr) => getSettlement(ctx, utr!) },
];

const FAULT_BODIES: Record<number, { code: string; message: string }> = {
  429: { code: "API_RATE_LIMIT", message: "The client has sent too many requests in a given time window" },
  500: { code: "INTERNAL_ERROR", message: "Internal Server Error" },
  502: { code: "INTERNAL_ERROR", message: "Bad Gateway" },
  503: { code: "INTERNAL_ERROR", message: "Payment processor is unavailable" },
  504: { code: "TIMED_OUT", message: "The request timed out" },
};

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => {
      clearTimeout(t);
      resolve();
    });
  });

/** Handles `/sandbox/api/<path>`. */
export async function handleApi(sb: Sandbox, request: Request, path: string): Promise<Response> {
  const requestId = request.headers.get("request-id");
  const method = request.method.toUpperCase();
  const route = ROUTES.find((r) => r.match.test(path) && r.method === method);
  if (!route) {
    const other = ROUTES.some((r) => r.match.test(path));
    return json(
      other ? 405 : 404,
      { code: other ? "METHOD_NOT_ALLOWED" : "NOT_FOUND", message: other ? `${method} is not allowed here` : "No such API" },
      requestId,
    );
  }
  const params = path.match(route.match)!.slice(1).map(decodeURIComponent);

  const faults = sb.takeFaults(route.op);
  // Calls are counted once they reach an operation: after authentication, or when a fault answers first.
  let counted = false;
  const count = () => {
    if (!counted) sb.countCall(route.op);
    counted = true;
  };
  if (faults.length) count();
  for (const f of faults) if (f.kind === "latency") await sleep(f.latency_ms ?? 1000, request.signal);
  if (faults.some((f) => f.kind === "hang")) {
    await sleep(120_000, request.signal);
    return json(504, FAULT_BODIES[504], requestId);
  }
  const failure = faults.find((f) => f.kind === "status");
  const failNow = failure && failure.phase !== "after";
  if (failNow) return faultResponse(failure, requestId);

  if (route.auth) {
    const auth = request.headers.get("authorization") ?? "";
    const token = /^Bearer\s+(.+)$/i.exec(auth)?.[1];
    if (!sb.isValidToken(token)) return json(401, { code: "UNAUTHORIZED", message: "Unauthorized" }, requestId);
  }
  count();

  let body: unknown;
  if (method !== "GET") {
    const text = await request.text();
    if (text) {
      try {
        body = JSON.parse(text);
      } catch {
        return json(400, { code: "INVALID_REQUEST", message: "Malformed JSON in request body" }, requestId);
      }
    }
  }
  let res: Response;
  try {
    const out = route.run({ sb, body, query: new URL(request.url).searchParams }, ...params);
    res = json(out.status, out.body, requestId);
  } catch (e) {
    if (!(e instanceof SandboxError)) throw e;
    res = errorResponse(e, requestId);
  }
  // "after": the work is done, but the answer is lost, as when a gateway times out upstream.
  return failure ? faultResponse(failure, requestId) : res;
}

function faultResponse(f: FaultRule, requestId: string | null): Response {
  const status = f.status ?? 503;
  const body = FAULT_BODIES[status] ?? { code: f.code ?? "INTERNAL_ERROR", message: `Injected HTTP ${status}` };
  return json(status, f.code ? { ...body, code: f.code } : body, requestId, status === 429 ? { "retry-after": "1" } : {});
}

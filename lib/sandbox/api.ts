import { z } from "zod";
import { LIMITS, SETTLEMENT_LIMITS } from "../plural/constants";
import { TEST_VPAS } from "./catalog";
import { hashBody, SandboxError, type Operation, type Sandbox, type SettlementOperation } from "./engine";
import type { FaultRule } from "./types";

/**
 * The sandbox's Plural API over HTTP: the exact paths, wrappers, validation messages and error
 * codes of reference §2–§9, plus fault injection. Routes in app/sandbox/api only delegate here.
 */

const VALID_METHODS: string[] = ["CARD", "UPI", "POINTS", "NETBANKING", "WALLET", "CREDIT_EMI", "DEBIT_EMI", "BNPL", "CARDLESS_EMI"];

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

/*
 * Request bodies as zod schemas: they validate every request and they are what the OpenAPI document
 * (lib/sandbox/openapi.ts) is generated from. Each constraint carries the answer Plural gives when it
 * fails: a reason (`additional_error_details.reason`) and a message. The first failing constraint,
 * in the order of the fields below, decides the answer (lib/sandbox/validation.test.ts holds them to
 * the answers of the hand-written checks they replace, byte for byte).
 */

/** A zod error that carries the sandbox's answer: Plural's `reason` and `message`. */
const said = (reason: string, message = "Invalid Request Parameters") => JSON.stringify([reason, message]);

/** Validates with a zod schema; the first issue becomes the sandbox's 400 (its reason, its message). */
function check<T extends z.ZodType>(schema: T, value: unknown): z.output<T> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const first = r.error.issues[0]!.message;
  let answer: [string, string] | undefined;
  try {
    answer = JSON.parse(first) as [string, string];
  } catch {
    answer = undefined;
  }
  throw answer ? invalid(answer[0], answer[1]) : invalid(first);
}

const snake = (label: string) => label.toLowerCase().replaceAll(" ", "_");

/** A merchant reference: 1–50 of A-Z a-z 0-9 _ -; a non-negative integer is taken as its digits (the docs' samples send numbers). */
const reference = (label: string) => {
  const required = said(`${snake(label)} is required`, `${label} must not be empty`);
  return z.preprocess(
    (v) => (typeof v === "number" && Number.isInteger(v) && v >= 0 ? String(v) : v),
    z
      .string({ error: (iss) => (iss.input === undefined || iss.input === null ? required : said(`${label} must be a string`)) })
      .min(1, required)
      .max(50, said(`${label} is too long`, `${label} must be less than or equal to 50 characters`))
      .regex(LIMITS.merchantReference, said(`${label} may contain only A-Z a-z 0-9 _ -`)),
  );
};

const AMOUNT_MIN = said(`amount must be an integer of at least ${LIMITS.amountMin} paise`, "Amount must be an Integer value greater than or equal to 1");
/** `{ value, currency }` in paise; the currency defaults to INR and must be INR. */
const amountSchema = z.object(
  {
    value: z
      .number({ error: AMOUNT_MIN })
      .refine(Number.isInteger, AMOUNT_MIN)
      .min(LIMITS.amountMin, AMOUNT_MIN)
      .max(LIMITS.amountMax, said("amount too large", "Amount must be an Integer value less than or equal to 100000000"))
      .meta({ type: "integer", description: "paise" }),
    currency: z.preprocess((v) => v ?? "INR", z.literal("INR", { error: said("currency must be INR", "Invalid currency") })),
  },
  { error: said("amount is required", "Amount must be an Integer value greater than or equal to 1") },
);

const optionalString = (key: string, max: number, min = 0) => {
  const e = said(`${key} must be a string of ${min}–${max} characters`);
  return z.string({ error: e }).min(min, e).max(max, e).nullish();
};

const optionalUrl = (key: string) => {
  const e = said(`${key} must be an absolute http(s) URL`);
  return z
    .string({ error: e })
    .refine((v) => /^https?:\/\//.test(v) && URL.canParse(v), e)
    .optional();
};

const address = (key: string) =>
  z
    .object(
      {
        address1: optionalString("address1", LIMITS.addressLineMax),
        address2: optionalString("address2", LIMITS.addressLineMax),
        address3: optionalString("address3", LIMITS.addressLineMax),
        pincode: optionalString("pincode", LIMITS.pincodeMax, LIMITS.pincodeMin),
        city: optionalString("city", LIMITS.cityStateCountryMax),
        state: optionalString("state", LIMITS.cityStateCountryMax),
        country: optionalString("country", LIMITS.cityStateCountryMax),
      },
      { error: said(`${key} must be an object`) },
    )
    .optional();

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const customer = z
  .object(
    {
      email_id: z
        .string({ error: said(`email_id must be a string of 1–${LIMITS.emailMax} characters`) })
        .min(1, said(`email_id must be a string of 1–${LIMITS.emailMax} characters`))
        .max(LIMITS.emailMax, said(`email_id must be a string of 1–${LIMITS.emailMax} characters`))
        .refine((v) => EMAIL.test(v), said("email_id is not an e-mail address"))
        .nullish(),
      first_name: optionalString("first_name", LIMITS.nameMax, 1),
      last_name: optionalString("last_name", LIMITS.nameMax, 1),
      customer_id: optionalString("customer_id", LIMITS.customerIdMax, 1),
      mobile_number: optionalString("mobile_number", LIMITS.mobileMax, LIMITS.mobileMin),
      billing_address: address("billing_address"),
      shipping_address: address("shipping_address"),
    },
    { error: said("purchase_details.customer must be an object") },
  )
  .optional();

/** Up to 10 pairs of strings of at most 256 characters. */
const metadata = z
  .record(z.string(), z.unknown(), { error: said("merchant_metadata must be an object of strings") })
  .superRefine((m, ctx) => {
    const entries = Object.entries(m);
    if (entries.length > LIMITS.metadataPairsMax)
      ctx.addIssue({ code: "custom", message: said(`merchant_metadata has more than ${LIMITS.metadataPairsMax} pairs`) });
    else if (entries.some(([k, v]) => typeof v !== "string" || v.length > LIMITS.metadataValueMax || k.length > LIMITS.metadataValueMax))
      ctx.addIssue({ code: "custom", message: said("merchant_metadata values must be strings of at most 256 characters") });
  })
  .optional();

const BODY = said("body must be a JSON object");
const METHOD_INVALID = "Payment method is missing/invalid";

/** Create order (reference §3). */
export const createOrderBody = z.object(
  {
    merchant_order_reference: reference("Merchant Order Reference"),
    order_amount: amountSchema,
    pre_auth: z.boolean({ error: said("pre_auth must be a boolean") }).optional(),
    allowed_payment_methods: z
      .array(z.enum(VALID_METHODS, { error: said("allowed_payment_methods has an unknown method", METHOD_INVALID) }), {
        error: said("allowed_payment_methods has an unknown method", METHOD_INVALID),
      })
      .optional(),
    notes: optionalString("notes", 256),
    callback_url: optionalUrl("callback_url"),
    failure_callback_url: optionalUrl("failure_callback_url"),
    purchase_details: z.object({ customer, merchant_metadata: metadata }, { error: said("purchase_details must be an object") }).optional(),
  },
  { error: BODY },
);

/** Create payment: the envelope (one payment; a second is a 422, not a validation error). */
const createPaymentBody = z.object(
  {
    payments: z
      .array(z.unknown(), { error: said("payments must be a non-empty array", METHOD_INVALID) })
      .min(1, said("payments must be a non-empty array", METHOD_INVALID)),
  },
  { error: said("payments must be a non-empty array", METHOD_INVALID) },
);
const paymentMethod = z.object(
  { payment_method: z.string({ error: said("payment_method is required", METHOD_INVALID) }) },
  { error: said("payment_method is required", METHOD_INVALID) },
);

/** `upi_details` (the docs) or `upi_data` (the QR sample): whichever is there. */
const upiDetails = z
  .object(
    {
      txn_mode: z.enum(["INTENT", "COLLECT"], { error: said("upi_details.txn_mode must be INTENT or COLLECT", METHOD_INVALID) }),
      upi_qr: z.boolean({ error: said("upi_qr must be a boolean") }).optional(),
      payer: z.unknown().optional().meta({ description: "{ vpa }: the payer's UPI ID, required for COLLECT" }),
    },
    { error: said("payment_option.upi_details is required", METHOD_INVALID) },
  )
  .superRefine((o, ctx) => {
    if (o.upi_qr === true && o.txn_mode === "COLLECT") return void ctx.addIssue({ code: "custom", message: said("upi_qr applies to INTENT only") });
    if (o.txn_mode !== "COLLECT") return;
    const vpa = collectVpa(o.payer);
    if (!vpa) ctx.addIssue({ code: "custom", message: said("payer.vpa is required for COLLECT") });
    else if (vpa.length > 256 || !LIMITS.vpa.test(vpa)) ctx.addIssue({ code: "custom", message: said("payer.vpa is not a valid VPA") });
  });
const collectVpa = (payer: unknown) => (isObj(payer) && typeof payer.vpa === "string" ? payer.vpa.trim() || undefined : undefined);
const paymentOptionDoc = z.object({ upi_details: upiDetails.optional(), upi_data: upiDetails.optional() });

/** One UPI payment (reference §5.3). */
const upiPaymentItem = z.object({
  merchant_payment_reference: reference("Merchant Payment Reference").optional(),
  payment_amount: amountSchema,
  payment_option: z.preprocess((po) => (isObj(po) ? (po.upi_details ?? po.upi_data) : undefined), upiDetails),
});

/** For the OpenAPI document: the create-payment body as a whole, from the schemas above. */
export const createPaymentDoc = z.object({
  payments: z
    .array(
      z.object({
        merchant_payment_reference: upiPaymentItem.shape.merchant_payment_reference,
        payment_method: z.literal("UPI"),
        payment_amount: amountSchema,
        payment_option: paymentOptionDoc,
      }),
    )
    .min(1)
    .max(1),
});

/** Capture (reference §4.5). */
export const captureBody = z.object(
  { merchant_capture_reference: reference("Merchant Capture Reference"), capture_amount: amountSchema.optional() },
  { error: BODY },
);

/** Refund: `order_amount` (docs, spec) or `refund_amount`, a number or an amount (Pine Labs' WooCommerce plugin, reference §13.7). */
export const refundBody = z.preprocess(
  (b) =>
    isObj(b)
      ? { ...b, order_amount: b.order_amount ?? (typeof b.refund_amount === "number" ? { value: b.refund_amount, currency: "INR" } : b.refund_amount) }
      : b,
  z.object({ merchant_order_reference: reference("Merchant Order Reference"), order_amount: amountSchema, merchant_metadata: metadata }, { error: BODY }),
);

/* ------------------------------------------------------------------------------- handlers */

type Ctx = { sb: Sandbox; body: unknown; query: URLSearchParams };

function createOrder({ sb, body }: Ctx) {
  const valid = check(createOrderBody, body);
  // What is stored (and hashed for idempotency) is what arrived, unknown fields included.
  const raw = body as Json;
  const { order } = sb.createOrder({
    merchant_order_reference: valid.merchant_order_reference,
    order_amount: valid.order_amount,
    pre_auth: raw.pre_auth as boolean | undefined,
    notes: raw.notes as string | undefined,
    callback_url: raw.callback_url as string | undefined,
    failure_callback_url: raw.failure_callback_url as string | undefined,
    allowed_payment_methods: raw.allowed_payment_methods as string[] | undefined,
    purchase_details: raw.purchase_details as Json | undefined,
  });
  return { status: 200, body: { data: sb.orderJson(order) } };
}

function createPayment({ sb, body }: Ctx, orderId: string) {
  const { payments } = check(createPaymentBody, body);
  if (payments.length > 1) throw new SandboxError(422, "PAYMENT_METHOD_NOT_ENABLED", "Split payments are not enabled for this merchant");
  const item = payments[0];
  const { payment_method } = check(paymentMethod, item);
  if (payment_method !== "UPI") {
    if (VALID_METHODS.includes(payment_method)) throw new SandboxError(422, "PAYMENT_METHOD_NOT_ENABLED", "Payment method is not enabled for the merchant");
    throw invalid("payment_method is unknown", METHOD_INVALID);
  }
  const valid = check(upiPaymentItem, item);
  const option = valid.payment_option;
  const vpa = option.txn_mode === "COLLECT" ? collectVpa(option.payer) : undefined;
  if (vpa) {
    const test = TEST_VPAS.find((t) => t.vpa === vpa.toLowerCase());
    if (test?.reject) throw new SandboxError(test.reject.status, test.reject.code, test.reject.message);
  }
  // The docs' UPI samples omit merchant_payment_reference; the spec requires it. Accept both.
  const ref = valid.merchant_payment_reference ?? `auto_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 10)}`;
  const { order } = sb.createPayment(
    orderId,
    { merchant_payment_reference: ref, amount: valid.payment_amount.value, txn_mode: option.txn_mode, upi_qr: option.upi_qr === true, vpa },
    hashBody(item),
  );
  return { status: 200, body: sb.paymentAnswer(order, ref) };
}

function capture({ sb, body }: Ctx, orderId: string) {
  const valid = check(captureBody, body);
  return {
    status: 200,
    body: { data: sb.orderJson(sb.capture(orderId, { merchant_capture_reference: valid.merchant_capture_reference, capture_amount: valid.capture_amount })) },
  };
}

function refund({ sb, body }: Ctx, orderId: string) {
  const valid = check(refundBody, body);
  const { refund } = sb.refund(
    orderId,
    {
      merchant_order_reference: valid.merchant_order_reference,
      amount: valid.order_amount.value,
      merchant_metadata: (body as Json).merchant_metadata as Record<string, string> | undefined,
    },
    hashBody(body),
  );
  return { status: 200, body: { data: sb.orderJson(refund) } };
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
  // 60 days: from 2026-01-01T00:00:00 at most to 2026-03-01T23:59:59 is 61 (a bare end date means the end of its day).
  .refine((q) => ist(q.end_date, true) - ist(q.start_date) <= SETTLEMENT_LIMITS.maxWindowDays * DAY_MS, {
    message: `Maximum date range for retrieving settlement data is ${SETTLEMENT_LIMITS.maxWindowDays} days`,
  });
/** Get Settlements by UTR's query (§1.4). */
export const settlementDetailQuery = z.object({ page: pageParam, per_page: perPageParam });
const utrParam = z.string().regex(SETTLEMENT_LIMITS.utr, "Invalid UTR number");

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
  400: { code: "INVALID_REQUEST", message: "Invalid Request Parameters" },
  401: { code: "UNAUTHORIZED", message: "Unauthorized" },
  404: { code: "NOT_FOUND", message: "Not Found" },
  422: { code: "OPERATION_NOT_ALLOWED", message: "The operation is not allowed as the required precondition has failed" },
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

const HTML_REASONS: Record<number, string> = {
  404: "Not Found",
  405: "Not Allowed",
  429: "Too Many Requests",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Temporarily Unavailable",
  504: "Gateway Time-out",
};

/** What a gateway in front of the API answers by itself (setting `error_body: html`): an HTML page, no Plural JSON. */
function gatewayPage(status: number, extra: Record<string, string> = {}): Response {
  const title = `${status} ${HTML_REASONS[status] ?? "Error"}`;
  return new Response(
    `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`,
    {
      status,
      headers: { "content-type": "text/html", "cache-control": "no-store", ...extra },
    },
  );
}

/** Handles `/sandbox/api/<path>`. */
export async function handleApi(sb: Sandbox, request: Request, path: string): Promise<Response> {
  const requestId = request.headers.get("request-id");
  const method = request.method.toUpperCase();
  const route = ROUTES.find((r) => r.match.test(path) && r.method === method);
  if (!route) {
    const other = ROUTES.some((r) => r.match.test(path));
    if (sb.settings.error_body === "html") return gatewayPage(other ? 405 : 404);
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
    return sb.settings.error_body === "html" ? gatewayPage(504) : json(504, FAULT_BODIES[504], requestId);
  }
  const failure = faults.find((f) => f.kind === "status");
  const failNow = failure && failure.phase !== "after";
  if (failNow) return faultResponse(sb, failure, requestId);

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
  return failure ? faultResponse(sb, failure, requestId) : res;
}

/**
 * An injected fault's answer: Plural's JSON error (a 404 here is a gateway's own `NOT_FOUND`, not
 * ORDER_NOT_FOUND), or with `error_body: html` the gateway's HTML page. Retry-After on a 429 is the
 * sandbox's own choice (setting `retry_after`): nothing documents it.
 */
function faultResponse(sb: Sandbox, f: FaultRule, requestId: string | null): Response {
  const status = f.status ?? 503;
  const { error_body, retry_after } = sb.settings;
  const extra: Record<string, string> = status === 429 && retry_after === "sent" ? { "retry-after": "1" } : {};
  // A gateway answers its own 404, 429 and 5xx; 400, 401 and 422 are Plural's answers, always JSON.
  if (error_body === "html" && !f.code && (status === 404 || status === 429 || status >= 500)) return gatewayPage(status, extra);
  const body = FAULT_BODIES[status] ?? { code: f.code ?? "INTERNAL_ERROR", message: `Injected HTTP ${status}` };
  return json(status, f.code ? { ...body, code: f.code } : body, requestId, extra);
}

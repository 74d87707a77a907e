import { z } from "zod";
import { TEST_VPAS } from "./catalog";
import { hashBody, SandboxError, type Operation, type Sandbox, type SettlementOperation } from "./engine";
import type { FaultRule } from "./types";
import { errorResponse, invalid, json, VALID_METHODS, type Ctx, type Json } from "./api-http";
import {
  captureBody,
  check,
  collectVpa,
  createOrderBody,
  createPaymentBody,
  METHOD_INVALID,
  paymentMethod,
  refundBody,
  said,
  upiPaymentItem,
} from "./api-schemas";
import { getSettlement, listSettlements } from "./api-settlements";

/**
 * The sandbox's Plural API over HTTP: the exact paths, wrappers, validation messages and error
 * codes of Pine Labs' v3 API pages (Generate Token, Orders, Payments, Refunds, Error Codes), plus fault injection. Routes in app/sandbox/api only delegate here.
 */

/* ------------------------------------------------------------------------------- handlers */

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

/** Token request (Pine Labs' "Generate Token" page): checked in this order, each with its own answer. */
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

import { z } from "zod";
import { errorBody, paymentAnswerBody, tokenResponse, wrappedOrder } from "../plural/schemas";
import { settlementDetail, settlementList } from "../plural/settlement-schemas";
import { tokenRequest } from "./api";
import { captureBody, createOrderBody, createPaymentDoc, refundBody } from "./api-schemas";
import { settlementDetailQuery, settlementListQuery } from "./api-settlements";
import { answer, faultInput, settingsPatch, settlementRun } from "./control";

/**
 * The sandbox as an OpenAPI 3.1 document, generated from zod schemas (zod 4's toJSONSchema): every
 * request body and query is the very schema that validates it (lib/sandbox/api.ts, control.ts; the
 * create-payment body is assembled from the item's schemas); answers are lib/plural's readers of them. Served at /sandbox/openapi.json; lib/sandbox/openapi.test.ts checks
 * it against the routes the sandbox answers and against the OpenAPI 3.1 schema.
 */

type Op = {
  method: "get" | "post" | "put" | "patch" | "delete";
  path: string;
  operationId: string;
  summary: string;
  tag: "Plural API" | "Control API";
  auth?: boolean;
  body?: z.ZodType;
  query?: z.ZodObject;
  response?: z.ZodType;
  status?: string;
};

const any = z.looseObject({});
const ok = z.object({ ok: z.literal(true) });

export const SANDBOX_OPERATIONS: Op[] = [
  {
    method: "post",
    path: "/api/auth/v1/token",
    operationId: "token",
    summary: "Issue an access token (client_credentials)",
    tag: "Plural API",
    body: tokenRequest,
    response: tokenResponse,
  },
  {
    method: "post",
    path: "/api/pay/v1/orders",
    operationId: "createOrder",
    summary: "Create an order",
    tag: "Plural API",
    auth: true,
    body: createOrderBody,
    response: wrappedOrder,
  },
  {
    method: "get",
    path: "/api/pay/v1/orders/{order_id}",
    operationId: "getOrder",
    summary: "Get an order",
    tag: "Plural API",
    auth: true,
    response: wrappedOrder,
  },
  {
    method: "get",
    path: "/api/pay/v1/orders/reference/{merchant_order_reference}",
    operationId: "getOrderByReference",
    summary: "Get an order by the merchant's reference",
    tag: "Plural API",
    auth: true,
    response: wrappedOrder,
  },
  {
    method: "post",
    path: "/api/pay/v1/orders/{order_id}/payments",
    operationId: "createPayment",
    summary: "Create a UPI payment (intent, QR or collect)",
    tag: "Plural API",
    auth: true,
    body: createPaymentDoc,
    response: paymentAnswerBody,
  },
  {
    method: "put",
    path: "/api/pay/v1/orders/{order_id}/capture",
    operationId: "capture",
    summary: "Capture a pre-authorised order",
    tag: "Plural API",
    auth: true,
    body: captureBody,
    response: wrappedOrder,
  },
  {
    method: "put",
    path: "/api/pay/v1/orders/{order_id}/cancel",
    operationId: "cancel",
    summary: "Cancel a pre-authorised order",
    tag: "Plural API",
    auth: true,
    response: wrappedOrder,
  },
  {
    method: "post",
    path: "/api/pay/v1/refunds/{order_id}",
    operationId: "refund",
    summary: "Refund an order in full or in part",
    tag: "Plural API",
    auth: true,
    body: refundBody,
    response: any,
  },
  {
    method: "get",
    path: "/api/settlements/v1/list",
    operationId: "listSettlements",
    summary: "Settlements settled in a window of at most 60 days, 10 a page",
    tag: "Plural API",
    auth: true,
    query: settlementListQuery,
    response: settlementList,
  },
  {
    method: "get",
    path: "/api/settlements/v1/detail/{utr}",
    operationId: "getSettlement",
    summary: "A settlement's lines by UTR, 10 a page",
    tag: "Plural API",
    auth: true,
    query: settlementDetailQuery,
    response: settlementDetail,
  },
  {
    method: "post",
    path: "/control/reset",
    operationId: "controlReset",
    summary: "Forget every order, delivery and fault",
    tag: "Control API",
    body: z.object({ keep_settings: z.boolean().optional() }),
    response: ok,
  },
  { method: "get", path: "/control/state", operationId: "controlState", summary: "Everything the sandbox holds", tag: "Control API", response: any },
  { method: "get", path: "/control/orders", operationId: "controlOrders", summary: "Every order, newest first", tag: "Control API", response: any },
  { method: "get", path: "/control/payments", operationId: "controlPayments", summary: "Every payment, newest first", tag: "Control API", response: any },
  {
    method: "get",
    path: "/control/webhooks",
    operationId: "controlWebhooks",
    summary: "Webhook deliveries and the webhook URL's health",
    tag: "Control API",
    response: any,
  },
  { method: "get", path: "/control/summary", operationId: "controlSummary", summary: "What the dashboard shows", tag: "Control API", response: any },
  {
    method: "get",
    path: "/control/identity",
    operationId: "controlIdentity",
    summary: "This sandbox's instance id and merchant",
    tag: "Control API",
    response: any,
  },
  { method: "get", path: "/control/stats", operationId: "controlStats", summary: "API calls by operation", tag: "Control API", response: any },
  {
    method: "post",
    path: "/control/stats/reset",
    operationId: "controlStatsReset",
    summary: "Start the call counters again",
    tag: "Control API",
    response: any,
  },
  {
    method: "get",
    path: "/control/settings",
    operationId: "controlSettings",
    summary: "The sandbox's knobs, and the profile they match (friendly, strict or custom)",
    tag: "Control API",
    response: any,
  },
  {
    method: "get",
    path: "/control/profiles",
    operationId: "controlProfiles",
    summary: "The profiles: every reading (a setting where Plural's documents disagree or are silent), its sources and its value in each profile",
    tag: "Control API",
    response: any,
  },
  {
    method: "patch",
    path: "/control/settings",
    operationId: "controlPatchSettings",
    summary: "Change knobs; `profile` sets every reading of friendly or strict at once",
    tag: "Control API",
    body: settingsPatch,
    response: any,
  },
  {
    method: "post",
    path: "/control/settings",
    operationId: "controlPostSettings",
    summary: "Change knobs (same as PATCH)",
    tag: "Control API",
    body: settingsPatch,
    response: any,
  },
  {
    method: "post",
    path: "/control/tokens/expire",
    operationId: "controlExpireTokens",
    summary: "Expire every issued token",
    tag: "Control API",
    response: ok,
  },
  { method: "get", path: "/control/faults", operationId: "controlFaults", summary: "Fault rules", tag: "Control API", response: any },
  {
    method: "post",
    path: "/control/faults",
    operationId: "controlAddFault",
    summary: "Inject a fault",
    tag: "Control API",
    body: faultInput,
    response: any,
    status: "201",
  },
  { method: "delete", path: "/control/faults", operationId: "controlClearFaults", summary: "Clear every fault", tag: "Control API", response: ok },
  {
    method: "post",
    path: "/control/payments/{id}/approve",
    operationId: "controlApprove",
    summary: "The payer approves",
    tag: "Control API",
    body: answer,
    response: wrappedOrder,
  },
  {
    method: "post",
    path: "/control/payments/{id}/approve-late",
    operationId: "controlApproveLate",
    summary: "A failed, expired or replaced payment succeeds late (the order becomes PROCESSED)",
    tag: "Control API",
    body: answer,
    response: wrappedOrder,
  },
  {
    method: "post",
    path: "/control/payments/{id}/decline",
    operationId: "controlDecline",
    summary: "The payer declines",
    tag: "Control API",
    body: answer,
    response: wrappedOrder,
  },
  {
    method: "post",
    path: "/control/payments/{id}/expire",
    operationId: "controlExpire",
    summary: "The payment expires",
    tag: "Control API",
    response: wrappedOrder,
  },
  {
    method: "post",
    path: "/control/orders/{id}/events",
    operationId: "controlSendEvent",
    summary: "Send a webhook for an order as it is now",
    tag: "Control API",
    body: z.object({ event_type: z.string().min(1).max(50) }),
    response: any,
    status: "201",
  },
  {
    method: "post",
    path: "/control/webhooks/{id}/redeliver",
    operationId: "controlRedeliver",
    summary: "Send a webhook again",
    tag: "Control API",
    response: any,
  },
  {
    method: "get",
    path: "/control/settlements",
    operationId: "controlSettlements",
    summary: "Settlement batches, in paise, with their lines",
    tag: "Control API",
    response: any,
  },
  {
    method: "post",
    path: "/control/settlements/run",
    operationId: "controlRunSettlement",
    summary: "Settle now what is due (or leave lines out, misreport amounts)",
    tag: "Control API",
    body: settlementRun,
    response: any,
    status: "201",
  },
  { method: "post", path: "/control/flush", operationId: "controlFlush", summary: "Wait until no webhook is scheduled", tag: "Control API", response: ok },
  {
    method: "post",
    path: "/control/persist",
    operationId: "controlPersist",
    summary: "Answer once everything so far is in the state file",
    tag: "Control API",
    response: ok,
  },
];

const schema = (s: z.ZodType, io: "input" | "output") => {
  const json = z.toJSONSchema(s, { target: "draft-2020-12", io, unrepresentable: "any", reused: "inline" }) as Record<string, unknown>;
  delete json.$schema;
  return json;
};

function parameters(op: Op) {
  const out: Array<Record<string, unknown>> = [];
  for (const m of op.path.matchAll(/\{(\w+)\}/g)) out.push({ name: m[1], in: "path", required: true, schema: { type: "string" } });
  if (op.query) {
    const json = schema(op.query, "input") as { properties?: Record<string, unknown>; required?: string[] };
    for (const [name, s] of Object.entries(json.properties ?? {})) out.push({ name, in: "query", required: json.required?.includes(name) ?? false, schema: s });
  }
  return out;
}

/** The document; `serverUrl` is where the sandbox is served (e.g. http://localhost:3000/sandbox). */
export function openApiDocument(serverUrl = "/sandbox") {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of SANDBOX_OPERATIONS) {
    const errors =
      op.tag === "Plural API"
        ? { "400": { $ref: "#/components/responses/Error" }, ...(op.auth ? { "401": { $ref: "#/components/responses/Error" } } : {}) }
        : {};
    (paths[op.path] ??= {})[op.method] = {
      operationId: op.operationId,
      summary: op.summary,
      tags: [op.tag],
      ...(op.auth ? { security: [{ bearer: [] }] } : {}),
      ...(parameters(op).length ? { parameters: parameters(op) } : {}),
      ...(op.body
        ? { requestBody: { required: op.method !== "post" || op.tag === "Plural API", content: { "application/json": { schema: schema(op.body, "input") } } } }
        : {}),
      responses: {
        [op.status ?? "200"]: { description: "OK", content: { "application/json": { schema: op.response ? schema(op.response, "input") : {} } } },
        ...errors,
      },
    };
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Plural sandbox",
      version: "1",
      description:
        "A stateful simulation of Pine Labs Plural's v3 API (orders, UPI payments, refunds, settlements) on UAT's paths, and the control API that drives it. Mounted only when PLURAL_ENV=sandbox.",
    },
    servers: [{ url: serverUrl }],
    tags: [
      { name: "Plural API", description: "The same paths, wrappers and error answers as Plural's UAT" },
      { name: "Control API", description: "Reset, inspect, force outcomes, inject faults, settle" },
    ],
    paths,
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer", description: "A token from POST /api/auth/v1/token" } },
      responses: { Error: { description: "Plural's error answer", content: { "application/json": { schema: schema(errorBody, "input") } } } },
    },
  };
}

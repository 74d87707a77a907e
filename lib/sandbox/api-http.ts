/** The sandbox API's answers: JSON with Plural's Request-ID, and its error bodies. */
import { SandboxError, type Sandbox } from "./engine";

export const VALID_METHODS: string[] = ["CARD", "UPI", "POINTS", "NETBANKING", "WALLET", "CREDIT_EMI", "DEBIT_EMI", "BNPL", "CARDLESS_EMI"];

export type Json = Record<string, unknown>;
export const isObj = (v: unknown): v is Json => !!v && typeof v === "object" && !Array.isArray(v);

export function json(status: number, body: unknown, requestId?: string | null, extra: Record<string, string> = {}): Response {
  const headers: Record<string, string> = { "content-type": "application/json", "cache-control": "no-store", ...extra };
  if (requestId) headers["Request-ID"] = requestId;
  return new Response(JSON.stringify(body), { status, headers });
}

export const invalid = (reason: string, message = "Invalid Request Parameters") =>
  Object.assign(new SandboxError(400, "INVALID_REQUEST", message), { details: { source: "body", step: "validation", reason } });

export function errorResponse(e: SandboxError & { details?: unknown }, requestId: string | null): Response {
  const body: Json = { code: e.code, message: e.message };
  if (e.details) body.additional_error_details = e.details;
  return json(e.status, body, requestId);
}

/** What a handler is given: the sandbox, the request's JSON body and its query. */
export type Ctx = { sb: Sandbox; body: unknown; query: URLSearchParams };

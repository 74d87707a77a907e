/** The sandbox's settlement reports: Get All Settlements and Get Settlements by UTR, with their query rules. */
import { z } from "zod";
import { SETTLEMENT_LIMITS } from "../plural/constants";
import { SandboxError } from "./engine";
import type { Ctx } from "./api-http";

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

/** Get All Settlements' query (Pine Labs' "Get All Settlements" page). */
export const settlementListQuery = z
  .object({ start_date: zoneless, end_date: zoneless, page: pageParam, per_page: perPageParam })
  .refine((q) => ist(q.end_date) >= ist(q.start_date), { message: "end_date must not be before start_date" })
  // 60 days: from 2026-01-01T00:00:00 at most to 2026-03-01T23:59:59 is 61 (a bare end date means the end of its day).
  .refine((q) => ist(q.end_date, true) - ist(q.start_date) <= SETTLEMENT_LIMITS.maxWindowDays * DAY_MS, {
    message: `Maximum date range for retrieving settlement data is ${SETTLEMENT_LIMITS.maxWindowDays} days`,
  });
/** Get Settlements by UTR's query (Pine Labs' "Get Settlements by UTR" page). */
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

export function listSettlements({ sb, query }: Ctx) {
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

export function getSettlement({ sb, query }: Ctx, utr: string) {
  const valid = utrParam.safeParse(utr);
  if (!valid.success) throw new SandboxError(400, "INVALID_REQUEST", "Invalid UTR number");
  const q = settlementsQuery(settlementDetailQuery, query);
  sb.advance();
  return { status: 200, body: sb.settlementDetail(utr, q.page, q.per_page) };
}

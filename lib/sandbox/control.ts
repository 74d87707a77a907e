import { z } from "zod";
import { OPERATIONS, PROFILE_NAMES, SandboxError, SETTLEMENT_OPERATIONS, type Sandbox } from "./engine";

/**
 * `/sandbox/control/...`: reset, inspect, force outcomes, (re)deliver webhooks, expire tokens and
 * inject faults. For tests, demos and the benchmark; it exists only in sandbox mode.
 */

export const settingsPatch = z
  .object({
    profile: z.enum(PROFILE_NAMES).meta({ description: "Every reading of a profile at once (GET /sandbox/control/profiles); the other keys apply on top" }),
    token_ttl_seconds: z.number().int().min(1).max(86_400),
    payment_expiry_seconds: z.number().int().min(1).max(86_400),
    payment_retries: z.number().int().min(1).max(10),
    auto_answer_ms: z.number().int().min(0).max(600_000),
    refund_delay_ms: z.number().int().min(0).max(600_000),
    challenge_mode: z.enum(["upi", "landing"]),
    idempotency: z.enum(["replay", "reject"]),
    cancel_policy: z.enum(["authorized_only", "any_open"]),
    pending_payment_policy: z.enum(["replace", "reject"]),
    payment_response: z.enum(["wrapped", "flat"]),
    pre_auth_upi: z.enum(["honoured", "refused"]),
    order_not_found_status: z.union([z.literal(404), z.literal(422)]),
    error_body: z.enum(["json", "html"]),
    retry_after: z.enum(["sent", "absent"]),
    partial_capture_refunds: z.enum(["allowed", "refused"]),
    refund_webhooks: z.enum(["sent", "none"]),
    merchant_name: z.string().min(1).max(50),
    payee_vpa: z.string().min(3).max(100),
    webhook: z
      .object({
        url: z.url(),
        enabled: z.boolean(),
        delay_ms: z.number().int().min(0).max(600_000),
        duplicate: z.boolean(),
        out_of_order: z.boolean(),
        drop: z.number().min(0).max(1),
        timeout_ms: z.number().int().min(100).max(60_000),
        retries: z.number().int().min(0).max(10),
        retry_base_ms: z.number().int().min(0).max(600_000),
        schedule: z.enum(["backoff", "documented"]),
        timestamp: z.enum(["fresh", "first"]),
        time_scale: z.number().min(1).max(1_000_000),
      })
      .partial(),
    settlement: z
      .object({
        auto: z.boolean(),
        run_at: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "must be HH:MM"),
        delay_days: z.number().int().min(0).max(45),
        mdr_bps: z.number().int().min(0).max(10_000),
        gst_bps: z.number().int().min(0).max(10_000),
        lag_ms: z.number().int().min(0).max(86_400_000),
        refunds: z.enum(["lines", "deductions"]),
      })
      .partial()
      .strict(),
  })
  .partial()
  .strict();

export const settlementRun = z
  .object({
    cutoff: z.iso.datetime({ offset: true }).optional(),
    settled_at: z.iso.datetime({ offset: true }).optional(),
    exclude: z.array(z.string().max(100)).max(1000).optional(),
    misreport: z.record(z.string().max(100), z.number().int().min(0).max(100_000_000)).optional(),
  })
  .strict();

export const faultInput = z
  .object({
    endpoint: z.enum(["*", ...OPERATIONS, ...SETTLEMENT_OPERATIONS]).default("*"),
    kind: z.enum(["status", "latency", "hang"]),
    status: z
      .union([z.literal(400), z.literal(401), z.literal(404), z.literal(422), z.literal(429), z.literal(500), z.literal(502), z.literal(503), z.literal(504)])
      .optional()
      .meta({ description: "with `code`, Plural's JSON error with that code (any documented one: PAYMENT_METHOD_NOT_ENABLED, RISK_CHECK_FAILED…)" }),
    code: z.string().max(50).optional(),
    latency_ms: z.number().int().min(0).max(120_000).optional(),
    count: z.number().int().min(1).optional(),
    share: z.number().min(0).max(1).optional(),
    phase: z.enum(["before", "after"]).optional(),
  })
  .strict()
  .refine((f) => f.kind !== "status" || f.status !== undefined, { message: "status is required for kind=status", path: ["status"] });

export const answer = z
  .object({ payer_vpa: z.string().max(256).optional(), code: z.string().max(50).optional(), message: z.string().max(200).optional() })
  .strict();

const json = (status: number, body: unknown) => Response.json(body, { status, headers: { "cache-control": "no-store" } });

async function readJson(request: Request): Promise<unknown> {
  const text = await request.text();
  if (!text) return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new SandboxError(400, "INVALID_REQUEST", "Malformed JSON in request body");
  }
}

function parse<T extends z.ZodType>(schema: T, value: unknown): z.output<T> {
  const r = schema.safeParse(value);
  if (!r.success) throw new SandboxError(400, "INVALID_REQUEST", r.error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; "));
  return r.data;
}

export async function handleControl(sb: Sandbox, request: Request, path: string): Promise<Response> {
  const method = request.method.toUpperCase();
  const seg = path.split("/").filter(Boolean).map(decodeURIComponent);
  try {
    const route = `${method} ${seg.map((s, i) => (i === 1 && (seg[0] === "payments" || seg[0] === "webhooks" || seg[0] === "orders") ? ":id" : s)).join("/")}`;
    switch (route) {
      case "POST reset": {
        const body = (await readJson(request)) as { keep_settings?: boolean };
        sb.reset(!!body.keep_settings);
        return json(200, { ok: true });
      }
      case "GET state":
        sb.advance();
        return json(200, sb.snapshot());
      case "GET orders":
        sb.advance();
        return json(200, { orders: sb.orderList() });
      case "GET payments":
        sb.advance();
        return json(200, { payments: sb.paymentList() });
      case "GET webhooks":
        return json(200, { webhooks: sb.webhookLog(), health: sb.webhookHealth() });
      case "GET summary":
        sb.advance();
        return json(200, sb.dashboard());
      case "GET identity":
        return json(200, { instance: sb.instanceId, merchant: sb.merchant() });
      case "GET stats":
        return json(200, sb.stats());
      case "POST stats/reset":
        sb.resetStats();
        return json(200, sb.stats());
      case "GET settings":
        return json(200, { ...sb.settings, profile: sb.profile() });
      case "GET profiles":
        return json(200, sb.profiles());
      case "PATCH settings":
      case "POST settings":
        sb.updateSettings(parse(settingsPatch, await readJson(request)));
        return json(200, { ...sb.settings, profile: sb.profile() });
      case "POST tokens/expire":
        sb.expireTokens();
        return json(200, { ok: true });
      case "GET faults":
        return json(200, { faults: sb.faults() });
      case "POST faults": {
        const f = parse(faultInput, await readJson(request));
        return json(
          201,
          sb.addFault({
            endpoint: f.endpoint,
            kind: f.kind,
            status: f.status,
            code: f.code,
            latency_ms: f.latency_ms,
            remaining: f.count,
            share: f.share,
            phase: f.phase,
          }),
        );
      }
      case "DELETE faults":
        sb.clearFaults();
        return json(200, { ok: true });
      case "POST payments/:id/approve": {
        const b = parse(answer, await readJson(request));
        const { order } = sb.approve(seg[1]!, b.payer_vpa);
        return json(200, { data: sb.orderJson(order) });
      }
      case "POST payments/:id/approve-late": {
        const b = parse(answer, await readJson(request));
        const { order } = sb.approveLate(seg[1]!, b.payer_vpa);
        return json(200, { data: sb.orderJson(order) });
      }
      case "POST payments/:id/decline": {
        const b = parse(answer, await readJson(request));
        const { order } = sb.decline(seg[1]!, b.code ?? "PAYMENT_DECLINED", b.message);
        return json(200, { data: sb.orderJson(order) });
      }
      case "POST payments/:id/expire": {
        const { order } = sb.expire(seg[1]!);
        return json(200, { data: sb.orderJson(order) });
      }
      case "POST orders/:id/events": {
        const b = parse(z.object({ event_type: z.string().min(1).max(50) }).strict(), await readJson(request));
        const d = sb.sendEvent(seg[1]!, b.event_type);
        return json(201, { id: d?.id ?? null });
      }
      case "POST webhooks/:id/redeliver": {
        const d = await sb.redeliver(seg[1]!);
        if (!d) throw new SandboxError(404, "NOT_FOUND", "No webhook delivery with that id");
        return json(200, { id: d.id, state: d.state, attempts: d.attempts });
      }
      case "GET settlements":
        sb.advance();
        return json(200, { settlements: sb.settlementList() });
      case "POST settlements/run": {
        const b = parse(settlementRun, await readJson(request));
        const batch = sb.runSettlement({
          cutoff: b.cutoff ? Date.parse(b.cutoff) : undefined,
          settledAt: b.settled_at ? Date.parse(b.settled_at) : undefined,
          exclude: b.exclude,
          misreport: b.misreport,
        });
        return json(batch ? 201 : 200, { settlement: batch ? (sb.settlementList().find((s) => s.utr === batch.utr) ?? null) : null });
      }
      case "POST flush":
        await sb.flush();
        return json(200, { ok: true });
      case "POST persist":
        // Everything so far is in the state file when this answers (Plural's own state is durable).
        await sb.persisted();
        return json(200, { ok: true });
      default:
        return json(404, { code: "NOT_FOUND", message: `No control endpoint ${method} /${seg.join("/")}` });
    }
  } catch (e) {
    if (e instanceof SandboxError) return json(e.status, { code: e.code, message: e.message });
    throw e;
  }
}

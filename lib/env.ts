import { z } from "zod";
import { isLoopback, parseAddressList, type Cidr } from "@/lib/security/ip";
import { PLURAL_BUDGET, STREAMS } from "@/lib/security/limits";

/**
 * All configuration, validated once. Every problem is reported at once, and the server refuses to
 * start in `uat`/`prod` without credentials. In `sandbox` mode every Plural credential has a built-in
 * default, so a fresh clone needs no `.env`.
 */

export const SANDBOX_DEFAULTS = {
  clientId: "sandbox-merchant-0001",
  // 32 hex characters, like real v3 client secrets, so it also works as the hex callback key.
  clientSecret: "5a4e3b2c1d0f9e8d7c6b5a4938271605",
  merchantId: "100001",
} as const;

const HEX = /^(?:[0-9a-fA-F]{2})+$/;
const optionalString = z
  .string()
  .trim()
  .transform((v) => (v === "" ? undefined : v))
  .optional();
const httpUrl = optionalString.pipe(z.url({ protocol: /^https?$/ }).optional());
const LOG_LEVELS = ["debug", "info", "warn", "error", "silent"] as const;
const LOG_FORMATS = ["json", "pretty"] as const;
const bool = z
  .enum(["true", "false", "1", "0", ""])
  .optional()
  .transform((v) => v === "true" || v === "1");

const rawSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PLURAL_ENV: z.enum(["sandbox", "uat", "prod"]).default("sandbox"),
  PLURAL_CLIENT_ID: optionalString,
  PLURAL_CLIENT_SECRET: optionalString,
  PLURAL_SECRET_KEY: optionalString,
  PLURAL_WEBHOOK_SECRET: optionalString,
  PLURAL_WEBHOOK_SECRET_FORMAT: z.enum(["raw", "base64"]).default("raw"),
  PLURAL_BASE_URL: optionalString.pipe(z.url({ protocol: /^https?$/ }).optional()),
  PLURAL_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(15_000),
  PLURAL_PRE_AUTH: bool,
  AUTO_REFUND_LATE_PAYMENTS: bool,
  APP_URL: optionalString.pipe(z.url({ protocol: /^https?$/ }).optional()),
  // The port this server listens on; Next sets it once it is listening (also when `next dev` moves off a busy 3000).
  PORT: z.coerce.number().int().min(1).max(65535).optional(),
  SANDBOX_WEBHOOK_URL: optionalString.pipe(z.url({ protocol: /^https?$/ }).optional()),
  // Which reading of Plural's documents the sandbox gives where they disagree or are silent (lib/sandbox/engine/profiles.ts).
  SANDBOX_PROFILE: z
    .enum(["friendly", "strict", ""])
    .default("friendly")
    .transform((v) => v || "friendly"),
  DATABASE_URL: z.string().min(1).default("file:./prisma/dev.db"),
  ADMIN_PASSWORD: optionalString,
  TRUSTED_PROXIES: z.string().default(""),
  PLURAL_WEBHOOK_SOURCE_IPS: z.string().default(""),
  PLURAL_CALLS_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).optional(),
  EVENT_STREAMS_MAX: z.coerce.number().int().min(1).max(100_000).optional(),
  BENCH_ROUTES: bool,
  SANDBOX_PUBLIC: bool,
  SANDBOX_CONTROL_TOKEN: optionalString,
  // Serverless hosts (docs/deploy.md): unset, it follows the host (VERCEL, AWS_LAMBDA_FUNCTION_NAME, NETLIFY).
  SERVERLESS: z.enum(["true", "false", "1", "0", ""]).optional(),
  VERCEL: optionalString,
  AWS_LAMBDA_FUNCTION_NAME: optionalString,
  NETLIFY: optionalString,
  CRON_SECRET: optionalString,
  CRON_BUDGET_MS: z.coerce.number().int().min(1_000).max(900_000).default(45_000),
  LIVE_UPDATES: z.enum(["stream", "poll", ""]).optional(),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(500).default(10),
  // The in-server sweep of open orders (lib/orders/reconcile.ts); 0 turns it off.
  RECONCILE_INTERVAL_MS: z.coerce.number().int().min(0).max(86_400_000).default(30_000),
  // The in-server settlements sweep (lib/orders/settlements.ts); 0 (the default) leaves it to `npm run settlements`.
  SETTLEMENTS_INTERVAL_MS: z.coerce.number().int().min(0).max(604_800_000).default(0),
  SANDBOX_STATE_FILE: optionalString,
  LOG_LEVEL: z.enum([...LOG_LEVELS, ""]).optional(),
  LOG_FORMAT: z.enum([...LOG_FORMATS, ""]).optional(),
  // OpenTelemetry's own variables (lib/telemetry/otel.ts); the SDK reads the others (protocol, headers) itself.
  OTEL_EXPORTER_OTLP_ENDPOINT: httpUrl,
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: httpUrl,
  OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: httpUrl,
  OTEL_METRIC_EXPORT_INTERVAL: z.coerce.number().int().min(1_000).max(86_400_000).optional(),
  OTEL_SERVICE_NAME: optionalString,
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(1_000).max(9_500).optional(),
  CLIENT_IP_HEADER: optionalString.pipe(
    z
      .string()
      .regex(/^[A-Za-z0-9-]+$/, "a header name")
      .transform((v) => v.toLowerCase())
      .optional(),
  ),
});

export type Env = {
  nodeEnv: "development" | "production" | "test";
  pluralEnv: "sandbox" | "uat" | "prod";
  clientId: string;
  clientSecret: string;
  /** Hex string; hex-decoded to the HMAC key for return-URL signatures (Pine Labs' "Verify Callback Signature" page). */
  secretKey: string;
  webhookSecret: string;
  webhookSecretFormat: "raw" | "base64";
  baseUrl: string;
  timeoutMs: number;
  preAuth: boolean;
  /** Refund by itself every order paid late or paid twice (lib/orders/status/late-payments.ts); off: the console offers it. */
  autoRefundLatePayments: boolean;
  appUrl: string;
  /** Sandbox mode, and this process serves the sandbox (/sandbox/...). False when PLURAL_BASE_URL points at another one. */
  sandboxServed: boolean;
  /** Where the sandbox this process serves sends its webhooks (default: this store's webhook route). */
  sandboxWebhookUrl: string;
  /** The sandbox's readings where Plural's documents disagree or are silent: friendly (the default) or strict (the harshest documented). */
  sandboxProfile: "friendly" | "strict";
  /** In sandbox mode, where a shopper's browser finds the sandbox (its UPI app): "/sandbox" here, or another instance's. */
  sandboxUrl: string | undefined;
  databaseUrl: string;
  adminPassword: string | undefined;
  /** Reverse proxies whose X-Forwarded-For is believed (lib/security/client-address.ts); empty: none. */
  trustedProxies: Cidr[];
  /** Where webhooks may come from (lib/security/webhook-sources.ts); undefined: anywhere (the default). */
  webhookSources: { plural: boolean; cidrs: Cidr[] } | undefined;
  /** Plural calls shoppers may cause per minute, store-wide (lib/orders/access/rate-limits.ts). */
  pluralCallsPerMinute: number;
  /** Server-Sent Events streams this instance keeps open at most (lib/orders/live/order-stream.ts). */
  eventStreamsMax: number;
  /** The bare baseline routes /api/bench/* (sandbox mode only, never public). */
  benchRoutes: boolean;
  /**
   * Who may use the sandbox this process serves. A production build answers only loopback clients
   * unless SANDBOX_PUBLIC opts in (lib/sandbox/access.ts); a public sandbox's control API then needs
   * `controlToken`, and its webhooks may go only to the store's own origin.
   */
  sandboxPublic: boolean;
  sandboxControlToken: string | undefined;
  /**
   * A serverless host (SERVERLESS=1, or detected): no timers in the process (the sweep, settlements
   * and housekeeping run from /api/cron/*), PostgreSQL only, no sandbox served by the store itself.
   */
  serverless: boolean;
  /** The bearer token /api/cron/* answer to (required in serverless mode; without it they answer 401 to everyone). */
  cronSecret: string | undefined;
  /** How long one call of /api/cron/sweep may work before it stops and leaves the rest for the next call. */
  cronBudgetMs: number;
  /** Live status on the pay page: "stream" (Server-Sent Events and LISTEN), or "poll" where neither can be held. */
  liveUpdates: "stream" | "poll";
  /** A header a serverless host's edge sets to the client's address on every request (x-vercel-forwarded-for); read before the peer. */
  clientIpHeader: string | undefined;
  /** The port this server listens on, when Next has said (PORT). */
  port: number | undefined;
  /** The PostgreSQL pool's connections at most, per instance (@prisma/adapter-pg). */
  databasePoolSize: number;
  /** How often the in-server sweep checks open orders against Plural; 0: never (the sweep runs from elsewhere). */
  reconcileIntervalMs: number;
  /** How often the in-server settlements sweep runs; 0: never (`npm run settlements` from cron instead). */
  settlementsIntervalMs: number;
  /** Where the sandbox this process serves keeps its state; null: memory only (SANDBOX_STATE_FILE=none). */
  sandboxStateFile: string | null;
  /** SHUTDOWN_TIMEOUT_MS when set (lib/server/shutdown.ts bounds a shutdown by it). */
  shutdownTimeoutMs: number | undefined;
  /** Where OpenTelemetry exports (lib/telemetry/otel.ts); nothing is exported without an endpoint. */
  otel: OtelSettings;
};

/** What lib/telemetry/otel.ts needs of the environment; every field optional (an empty object: nothing exported). */
export type OtelSettings = {
  endpoint?: string;
  tracesEndpoint?: string;
  metricsEndpoint?: string;
  metricExportIntervalMs?: number;
  serviceName?: string;
  pluralEnv?: string;
};

export const PLURAL_HOSTS = {
  uat: "https://pluraluat.v2.pinepg.in",
  prod: "https://api.pluralpay.in",
} as const;

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/** Parses an environment (defaults to `process.env`); throws a ConfigError listing every problem. */
export function parseEnv(source: Record<string, string | undefined> = process.env): Env {
  const parsed = rawSchema.safeParse(source);
  const problems: string[] = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) problems.push(`${issue.path.join(".")}: ${issue.message}`);
    throw new ConfigError(problems);
  }
  const r = parsed.data;
  const sandbox = r.PLURAL_ENV === "sandbox";
  // Without APP_URL the store is where it listens, so `PORT=3150 npm run dev` (or next dev moving to
  // 3001) reaches its own sandbox. With APP_URL set it is trusted; startup checks it (lib/startup.ts).
  const appUrl = (r.APP_URL ?? `http://localhost:${r.PORT ?? 3000}`).replace(/\/+$/, "");

  const clientId = r.PLURAL_CLIENT_ID ?? (sandbox ? SANDBOX_DEFAULTS.clientId : undefined);
  const clientSecret = r.PLURAL_CLIENT_SECRET ?? (sandbox ? SANDBOX_DEFAULTS.clientSecret : undefined);
  if (!clientId) problems.push(`PLURAL_CLIENT_ID is required when PLURAL_ENV=${r.PLURAL_ENV}`);
  if (!clientSecret) problems.push(`PLURAL_CLIENT_SECRET is required when PLURAL_ENV=${r.PLURAL_ENV}`);

  const secretKey = r.PLURAL_SECRET_KEY ?? clientSecret;
  if (secretKey && !HEX.test(secretKey)) {
    problems.push(
      r.PLURAL_SECRET_KEY
        ? "PLURAL_SECRET_KEY must be an even-length hex string (it is hex-decoded to the callback HMAC key)"
        : "PLURAL_SECRET_KEY is not set and PLURAL_CLIENT_SECRET is not hex: set PLURAL_SECRET_KEY to the hex key Pine Labs gave you",
    );
  }
  const webhookSecret = r.PLURAL_WEBHOOK_SECRET ?? clientSecret;
  if (webhookSecret && r.PLURAL_WEBHOOK_SECRET_FORMAT === "base64" && !/^(whsec_)?[A-Za-z0-9+/]+={0,2}$/.test(webhookSecret)) {
    problems.push("PLURAL_WEBHOOK_SECRET is not base64 but PLURAL_WEBHOOK_SECRET_FORMAT=base64");
  }

  const ownSandbox = `${appUrl}/sandbox`;
  const baseUrl = (r.PLURAL_BASE_URL ?? (sandbox ? ownSandbox : PLURAL_HOSTS[r.PLURAL_ENV as "uat" | "prod"])).replace(/\/+$/, "");
  if (sandbox && Object.values(PLURAL_HOSTS).some((h) => baseUrl.startsWith(h))) {
    problems.push("PLURAL_BASE_URL points at a real Plural host while PLURAL_ENV=sandbox: set PLURAL_ENV=uat or prod");
  }
  if (r.PLURAL_ENV === "prod" && sandbox === false && clientSecret === SANDBOX_DEFAULTS.clientSecret) {
    problems.push("PLURAL_CLIENT_SECRET is the sandbox's built-in secret: use your production credentials");
  }
  const proxies = parseAddressList(r.TRUSTED_PROXIES);
  for (const p of proxies.problems) problems.push(`TRUSTED_PROXIES: ${p}`);
  const sources = parseAddressList(r.PLURAL_WEBHOOK_SOURCE_IPS, ["plural"]);
  for (const p of sources.problems) problems.push(`PLURAL_WEBHOOK_SOURCE_IPS: ${p} (or the word "plural" for the addresses Plural publishes)`);
  const benchRoutes = r.BENCH_ROUTES;
  if (benchRoutes && !sandbox) {
    problems.push(
      `BENCH_ROUTES=1 serves /api/bench/*, which writes orders (and marks them paid) without Plural: it is for benchmarks in sandbox mode only, never with PLURAL_ENV=${r.PLURAL_ENV}. Unset BENCH_ROUTES.`,
    );
  }
  const sandboxWebhookUrl = (r.SANDBOX_WEBHOOK_URL ?? `${appUrl}/api/plural/webhook`).replace(/\/+$/, "");
  if (sandbox && r.SANDBOX_PUBLIC) {
    if (!r.SANDBOX_CONTROL_TOKEN || r.SANDBOX_CONTROL_TOKEN.length < 24) {
      problems.push("SANDBOX_PUBLIC=true needs SANDBOX_CONTROL_TOKEN (at least 24 characters): a public sandbox's control API answers only to it");
    }
    if (new URL(sandboxWebhookUrl).origin !== new URL(appUrl).origin) {
      problems.push(
        `SANDBOX_PUBLIC=true: a public sandbox delivers webhooks only to the store's own origin (${new URL(appUrl).origin}), not to SANDBOX_WEBHOOK_URL=${sandboxWebhookUrl}`,
      );
    }
    if (benchRoutes) problems.push("BENCH_ROUTES=1 is never allowed on a public sandbox (SANDBOX_PUBLIC=true): anyone could write orders through it");
  }
  if (sandbox && !r.SANDBOX_PUBLIC && r.NODE_ENV === "production" && baseUrl === ownSandbox && !isLoopbackUrl(appUrl)) {
    problems.push(
      `This production build serves the Plural sandbox at ${appUrl}, which is not a loopback address. A sandbox answers only to this machine unless you opt in: set SANDBOX_PUBLIC=true and SANDBOX_CONTROL_TOKEN for a public demo, or PLURAL_ENV=uat (or prod) with your credentials.`,
    );
  }
  const detected = !!(r.VERCEL || r.AWS_LAMBDA_FUNCTION_NAME || r.NETLIFY);
  const serverless = r.SERVERLESS === undefined || r.SERVERLESS === "" ? detected : r.SERVERLESS === "true" || r.SERVERLESS === "1";
  const postgres = /^postgres(ql)?:\/\//.test(r.DATABASE_URL);
  if (serverless) {
    const why = r.SERVERLESS ? "SERVERLESS=1" : "This host is serverless";
    if (!postgres)
      problems.push(
        `${why}, and DATABASE_URL is SQLite (${r.DATABASE_URL.split(":")[0]}:...): a serverless instance's disk is read-only or thrown away, so the orders would be lost. Set DATABASE_URL to a PostgreSQL URL (a pooled one is fine, with DATABASE_POOL_SIZE=1): docs/deploy.md, "Vercel".`,
      );
    if (!r.CRON_SECRET || r.CRON_SECRET.length < 16)
      problems.push(`${why}: set CRON_SECRET (at least 16 characters). The scheduler calls /api/cron/sweep with it; without it nothing sweeps open orders.`);
    if (sandbox && baseUrl === ownSandbox)
      problems.push(
        `${why}, and PLURAL_ENV=sandbox would serve the Plural sandbox from this store, whose state lives in one process: run it as a separate service (\`npm run sandbox\` on a VM or in the container image) and set PLURAL_BASE_URL to its /sandbox address, or set PLURAL_ENV=uat with your UAT credentials (docs/adr/serverless-sandbox.md).`,
      );
  }
  if (problems.length) throw new ConfigError(problems);

  return {
    nodeEnv: r.NODE_ENV,
    pluralEnv: r.PLURAL_ENV,
    clientId: clientId!,
    clientSecret: clientSecret!,
    secretKey: secretKey!,
    webhookSecret: webhookSecret!,
    webhookSecretFormat: r.PLURAL_WEBHOOK_SECRET_FORMAT,
    baseUrl,
    timeoutMs: r.PLURAL_TIMEOUT_MS,
    preAuth: r.PLURAL_PRE_AUTH,
    autoRefundLatePayments: r.AUTO_REFUND_LATE_PAYMENTS,
    appUrl,
    sandboxServed: sandbox && baseUrl === ownSandbox,
    sandboxUrl: sandbox ? (baseUrl === ownSandbox ? "/sandbox" : baseUrl) : undefined,
    sandboxWebhookUrl,
    sandboxProfile: r.SANDBOX_PROFILE,
    databaseUrl: r.DATABASE_URL,
    adminPassword: r.ADMIN_PASSWORD,
    trustedProxies: proxies.cidrs,
    webhookSources: sources.cidrs.length || sources.keywords.length ? { plural: sources.keywords.includes("plural"), cidrs: sources.cidrs } : undefined,
    pluralCallsPerMinute: r.PLURAL_CALLS_PER_MINUTE ?? PLURAL_BUDGET.defaultPerMinute,
    eventStreamsMax: r.EVENT_STREAMS_MAX ?? STREAMS.defaultMax,
    benchRoutes,
    sandboxPublic: sandbox && r.SANDBOX_PUBLIC,
    sandboxControlToken: sandbox ? r.SANDBOX_CONTROL_TOKEN : undefined,
    serverless,
    cronSecret: r.CRON_SECRET,
    cronBudgetMs: r.CRON_BUDGET_MS,
    liveUpdates: r.LIVE_UPDATES || (serverless ? "poll" : "stream"),
    clientIpHeader: r.CLIENT_IP_HEADER,
    port: r.PORT,
    databasePoolSize: r.DATABASE_POOL_SIZE,
    reconcileIntervalMs: r.RECONCILE_INTERVAL_MS,
    settlementsIntervalMs: r.SETTLEMENTS_INTERVAL_MS,
    sandboxStateFile: r.SANDBOX_STATE_FILE === "none" ? null : (r.SANDBOX_STATE_FILE ?? ".sandbox/state.json"),
    shutdownTimeoutMs: r.SHUTDOWN_TIMEOUT_MS,
    otel: {
      endpoint: r.OTEL_EXPORTER_OTLP_ENDPOINT,
      tracesEndpoint: r.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT,
      metricsEndpoint: r.OTEL_EXPORTER_OTLP_METRICS_ENDPOINT,
      metricExportIntervalMs: r.OTEL_METRIC_EXPORT_INTERVAL,
      serviceName: r.OTEL_SERVICE_NAME,
      pluralEnv: r.PLURAL_ENV,
    },
  };
}

/**
 * The logger's settings, read at every call (a test or a script may change LOG_LEVEL as it runs).
 * Lenient where parseEnv is strict: the logger must still work while it reports a bad
 * configuration, so an unreadable value falls back to the default here and stops start-up there.
 */
export function logSettings(source: Record<string, string | undefined> = process.env): {
  level: (typeof LOG_LEVELS)[number];
  format: (typeof LOG_FORMATS)[number];
} {
  const level = LOG_LEVELS.find((l) => l === source.LOG_LEVEL) ?? "info";
  const format = LOG_FORMATS.find((f) => f === source.LOG_FORMAT) ?? (source.NODE_ENV === "development" ? "pretty" : "json");
  return { level, format };
}

/** Whether a URL's host is this machine only (localhost, 127.0.0.0/8, ::1). */
function isLoopbackUrl(url: string): boolean {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, "");
  return host === "localhost" || host.endsWith(".localhost") || isLoopback(host);
}

let cached: Env | undefined;

/** The process's configuration, parsed on first use. */
export function env(): Env {
  cached ??= parseEnv();
  return cached;
}

/** For tests that change process.env between cases. */
export function resetEnvCache(): void {
  cached = undefined;
}

import type { Settings } from "../types";

/**
 * The sandbox's knobs. Some of them come from the environment the store starts in (where webhooks
 * go, the merchant's name and VPA): those follow the environment at every start, unless they were
 * changed through the control API, which records them as overridden.
 */
const ENV_KEYS = ["webhook.url", "merchant_name", "payee_vpa"] as const;
export type EnvKey = (typeof ENV_KEYS)[number];
export type EnvSettings = Record<EnvKey, string>;

export type SettingsPatch = Partial<Omit<Settings, "webhook" | "settlement">> & {
  webhook?: Partial<Settings["webhook"]>;
  settlement?: Partial<Settings["settlement"]>;
};

export function envSettings(config: { appUrl: string; webhookUrl?: string; merchantName?: string; payeeVpa?: string }): EnvSettings {
  return {
    "webhook.url": config.webhookUrl ?? `${config.appUrl}/api/plural/webhook`,
    merchant_name: config.merchantName ?? "Plural UPI Store",
    payee_vpa: config.payeeVpa ?? "plural.sandbox@hdfcbank",
  };
}

export function defaultSettings(env: EnvSettings): Settings {
  return {
    token_ttl_seconds: 3600,
    payment_expiry_seconds: 900,
    payment_retries: 3,
    auto_answer_ms: 2000,
    refund_delay_ms: 1000,
    challenge_mode: "upi",
    idempotency: "replay",
    cancel_policy: "authorized_only",
    pending_payment_policy: "replace",
    webhook: {
      url: env["webhook.url"],
      enabled: true,
      delay_ms: 0,
      duplicate: false,
      out_of_order: false,
      drop: 0,
      timeout_ms: 5000,
      retries: 3,
      retry_base_ms: 1000,
    },
    merchant_name: env.merchant_name,
    payee_vpa: env.payee_vpa,
    settlement: { auto: true, run_at: "11:00", delay_days: 1, mdr_bps: 200, gst_bps: 1800, lag_ms: 0 },
  };
}

function setKey(s: Settings, key: EnvKey, value: string) {
  if (key === "webhook.url") s.webhook.url = value;
  else s[key] = value;
}

/** Settings read from a state file: defaults for what it lacks, and the environment's values for what was not overridden. */
export function settingsAtStart(stored: Partial<Settings> | undefined, env: EnvSettings, overridden: ReadonlySet<string>): Settings {
  const base = defaultSettings(env);
  const s: Settings = { ...base, ...stored, webhook: { ...base.webhook, ...stored?.webhook }, settlement: { ...base.settlement, ...stored?.settlement } };
  for (const key of ENV_KEYS) if (!overridden.has(key)) setKey(s, key, env[key]);
  return s;
}

/** Applies a patch; answers the new settings and the environment-derived keys it set. */
export function patchSettings(current: Settings, patch: SettingsPatch): { settings: Settings; touched: EnvKey[] } {
  const { webhook, settlement, ...rest } = patch;
  const settings = { ...current, ...rest, webhook: { ...current.webhook, ...webhook }, settlement: { ...current.settlement, ...settlement } };
  const touched = ENV_KEYS.filter((k) => (k === "webhook.url" ? webhook?.url !== undefined : rest[k] !== undefined));
  return { settings, touched };
}

import type { Settings } from "../types";
import { copyReadings, READINGS, readingKeysIn, withProfile, type ProfileName } from "./profiles";

/**
 * The sandbox's knobs. Some of them come from the environment the store starts in (where webhooks
 * go, the merchant's name and VPA): those follow the environment at every start, unless they were
 * changed through the control API, which records them as overridden.
 */
const ENV_KEYS = ["webhook.url", "merchant_name", "payee_vpa"] as const;
type EnvKey = (typeof ENV_KEYS)[number];
/** Settings from the environment: the webhook URL, the merchant's name and VPA, and the profile (SANDBOX_PROFILE). */
export type EnvSettings = Record<EnvKey, string> & { profile: ProfileName };

export type SettingsPatch = Partial<Omit<Settings, "webhook" | "settlement">> & {
  webhook?: Partial<Settings["webhook"]>;
  settlement?: Partial<Settings["settlement"]>;
  /** Every reading of a profile at once (lib/sandbox/engine/profiles.ts); the other keys of the patch apply on top. */
  profile?: ProfileName;
};

export function envSettings(config: { appUrl: string; webhookUrl?: string; merchantName?: string; payeeVpa?: string; profile?: ProfileName }): EnvSettings {
  return {
    "webhook.url": config.webhookUrl ?? `${config.appUrl}/api/plural/webhook`,
    merchant_name: config.merchantName ?? "Plural UPI Store",
    payee_vpa: config.payeeVpa ?? "plural.sandbox@hdfcbank",
    profile: config.profile ?? "friendly",
  };
}

export function defaultSettings(env: EnvSettings): Settings {
  return withProfile(baseSettings(env), env.profile);
}

/** The settings before a profile's readings are applied (they are the friendly profile's, which withProfile sets anyway). */
function baseSettings(env: EnvSettings): Settings {
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
    payment_response: "wrapped",
    pre_auth_upi: "honoured",
    order_not_found_status: 404,
    error_body: "json",
    retry_after: "sent",
    partial_capture_refunds: "allowed",
    refund_webhooks: "sent",
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
      schedule: "backoff",
      timestamp: "fresh",
      time_scale: 1,
    },
    merchant_name: env.merchant_name,
    payee_vpa: env.payee_vpa,
    settlement: { auto: true, run_at: "11:00", delay_days: 1, mdr_bps: 200, gst_bps: 1800, lag_ms: 0, refunds: "lines" },
  };
}

function setKey(s: Settings, key: EnvKey, value: string) {
  if (key === "webhook.url") s.webhook.url = value;
  else s[key] = value;
}

/**
 * Settings read from a state file: defaults for what it lacks, and the environment's values (its
 * webhook URL, merchant, and the readings of SANDBOX_PROFILE) for what the control API did not override.
 */
export function settingsAtStart(stored: Partial<Settings> | undefined, env: EnvSettings, overridden: ReadonlySet<string>): Settings {
  const base = defaultSettings(env);
  const s: Settings = { ...base, ...stored, webhook: { ...base.webhook, ...stored?.webhook }, settlement: { ...base.settlement, ...stored?.settlement } };
  for (const key of ENV_KEYS) if (!overridden.has(key)) setKey(s, key, env[key]);
  copyReadings(
    s,
    base,
    READINGS.map((r) => r.key).filter((k) => !overridden.has(k)),
  );
  return s;
}

/** Applies a patch (a profile first, then the other keys); answers the new settings and the keys it overrode (environment-derived keys and readings). */
export function patchSettings(current: Settings, patch: SettingsPatch): { settings: Settings; touched: string[] } {
  const { webhook, settlement, profile, ...rest } = patch;
  const from = profile ? withProfile(current, profile) : current;
  const settings = { ...from, ...rest, webhook: { ...from.webhook, ...webhook }, settlement: { ...from.settlement, ...settlement } };
  const touched: string[] = ENV_KEYS.filter((k) => (k === "webhook.url" ? webhook?.url !== undefined : rest[k] !== undefined));
  touched.push(...(profile ? READINGS.map((r) => r.key) : readingKeysIn(patch)));
  return { settings, touched };
}

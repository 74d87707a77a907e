import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { SandboxState, Settings } from "./types";

export function defaultSettings(appUrl: string): Settings {
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
      url: `${appUrl}/api/plural/webhook`,
      enabled: true,
      delay_ms: 0,
      duplicate: false,
      out_of_order: false,
      drop: 0,
      timeout_ms: 5000,
      retries: 3,
      retry_base_ms: 1000,
    },
    merchant_name: "Plural UPI Store",
    payee_vpa: "plural.sandbox@hdfcbank",
  };
}

export function emptyState(settings: Settings): SandboxState {
  return { version: 1, orders: {}, order_refs: {}, refund_refs: {}, tokens: {}, deliveries: [], faults: [], settings, seq: 0 };
}

/**
 * Keeps the state in memory and, when given a file, writes it there shortly after every change
 * (atomically, by rename), so the sandbox, like Plural, remembers its orders across a restart.
 */
export class StateFile {
  private timer: NodeJS.Timeout | undefined;
  constructor(private readonly file: string | null) {}

  load(fallback: SandboxState): SandboxState {
    if (!this.file) return fallback;
    try {
      const parsed = JSON.parse(readFileSync(this.file, "utf8")) as SandboxState;
      if (parsed.version !== 1) return fallback;
      return {
        ...fallback,
        ...parsed,
        settings: { ...fallback.settings, ...parsed.settings, webhook: { ...fallback.settings.webhook, ...parsed.settings?.webhook } },
      };
    } catch {
      return fallback;
    }
  }

  scheduleSave(get: () => SandboxState): void {
    if (!this.file || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.saveNow(get());
    }, 25);
    this.timer.unref?.();
  }

  saveNow(state: SandboxState): void {
    if (!this.file) return;
    mkdirSync(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(state));
    renameSync(tmp, this.file);
  }
}

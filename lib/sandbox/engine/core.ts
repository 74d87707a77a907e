import type { WebhookSecretFormat } from "../../plural/signature";
import type { Delivery, SimOrder } from "../types";
import type { ProfileName } from "./profiles";
import type { Records } from "./records";

export type SandboxConfig = {
  merchantId: string;
  clientId: string;
  clientSecret: string;
  /** Hex key for return-URL signatures. */
  secretKey: string;
  webhookSecret: string;
  webhookSecretFormat: WebhookSecretFormat;
  /** Where the store runs, e.g. http://localhost:3000 (webhooks go to ${appUrl}/api/plural/webhook). */
  appUrl: string;
  /** Where webhooks go, when not ${appUrl}/api/plural/webhook (a proxy in front of several instances). */
  webhookUrl?: string;
  /** Where the sandbox is served, e.g. http://localhost:3000/sandbox (landing pages and QR images). */
  publicUrl: string;
  /** The merchant's name and VPA on UPI links and the sandbox's pages (environment-derived settings). */
  merchantName?: string;
  payeeVpa?: string;
  /** The readings the sandbox starts with (SANDBOX_PROFILE), where the control API did not override them. Default friendly. */
  profile?: ProfileName;
  stateFile: string | null;
  fetch?: typeof fetch;
  now?: () => number;
  /** Run the background loop (expiry, automatic answers, webhook delivery). Default true. */
  background?: boolean;
};

/** What every part of the engine shares: configuration, the clock, the records, and the webhook outbox's entry. */
export type Core = {
  readonly config: SandboxConfig;
  readonly now: () => number;
  readonly records: Records;
  emit(eventType: string, order: SimOrder): Delivery | undefined;
};

import "server-only";
import { env } from "@/lib/env";
import { log } from "@/lib/log";
import { createPluralClient, type PluralClient } from "./client";

export * from "./client";
export * from "./constants";
export * from "./errors";
export * from "./schemas";
export * from "./settlement-schemas";
export * from "./rupees";
export * from "./signature";
export * from "./upi";

const globalForPlural = globalThis as unknown as { pluralClient?: PluralClient };

/** The process-wide client, configured from the environment (one token cache per process). */
export function plural(): PluralClient {
  if (!globalForPlural.pluralClient) {
    const e = env();
    globalForPlural.pluralClient = createPluralClient({
      baseUrl: e.baseUrl,
      clientId: e.clientId,
      clientSecret: e.clientSecret,
      timeoutMs: e.timeoutMs,
      logger: log,
    });
  }
  return globalForPlural.pluralClient;
}

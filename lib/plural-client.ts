import "server-only";
import { env } from "@/lib/env";
import { log } from "@/lib/log";
import { createPluralClient, type PluralClient } from "@/lib/plural";
import { processGlobal } from "@/lib/process-global";

/**
 * The store's Plural client: lib/plural configured from the environment (lib/env.ts) and logging
 * through the store's logger. One per process, so one token cache however many bundles ask.
 */
export function plural(): PluralClient {
  return processGlobal("pluralClient", () => {
    const e = env();
    return createPluralClient({ baseUrl: e.baseUrl, clientId: e.clientId, clientSecret: e.clientSecret, timeoutMs: e.timeoutMs, logger: log });
  });
}

import "server-only";
import { env, SANDBOX_DEFAULTS } from "@/lib/env";
import { Sandbox } from "./engine";
import { routeSandbox } from "./http";

export { SandboxError } from "./engine";
export { testData, type TestDataView } from "./catalog";
export type { Sandbox, DashboardView, OrderSummary, PaymentView, WebhookView, WebhookHealth } from "./engine";

const g = globalThis as unknown as { pluralSandbox?: Sandbox };

/** This process serves the sandbox: PLURAL_ENV=sandbox and the store uses its own (not another instance's). */
export function sandboxEnabled(): boolean {
  return env().sandboxServed;
}

/** The process's sandbox (one per process, shared by every route), configured from the store's own variables at each start. */
export function sandbox(): Sandbox {
  if (!g.pluralSandbox) {
    const e = env();
    const file = process.env.SANDBOX_STATE_FILE ?? ".sandbox/state.json";
    g.pluralSandbox = new Sandbox({
      merchantId: SANDBOX_DEFAULTS.merchantId,
      clientId: e.clientId,
      clientSecret: e.clientSecret,
      secretKey: e.secretKey,
      webhookSecret: e.webhookSecret,
      webhookSecretFormat: e.webhookSecretFormat,
      appUrl: e.appUrl,
      webhookUrl: e.sandboxWebhookUrl,
      publicUrl: `${e.appUrl}/sandbox`,
      profile: e.sandboxProfile,
      stateFile: file === "none" ? null : file,
    });
  }
  return g.pluralSandbox;
}

/** Entry point of every `/sandbox/...` route handler; a 404 unless this process serves the sandbox. */
export async function handleSandboxHttp(request: Request): Promise<Response> {
  if (!sandboxEnabled()) return Response.json({ code: "NOT_FOUND", message: "Not Found" }, { status: 404 });
  return routeSandbox(sandbox(), request);
}

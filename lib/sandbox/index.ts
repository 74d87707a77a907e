import "server-only";
import { timingSafeEqual } from "node:crypto";
import { env, SANDBOX_DEFAULTS } from "@/lib/env";
import { processGlobal } from "@/lib/process-global";
import { closeOnShutdown } from "@/lib/server/shutdown";
import { sandboxAvailableTo } from "./access";
import { Sandbox } from "./engine";
import { routeSandbox } from "./http";

export { SandboxError } from "./engine";
export { sandboxAvailableTo } from "./access";
export { testData, type TestDataView } from "./catalog";
export type { Sandbox, DashboardView, OrderSummary, PaymentView, WebhookView, WebhookHealth } from "./engine";

/** This process serves the sandbox: PLURAL_ENV=sandbox and the store uses its own (not another instance's). */
function sandboxEnabled(): boolean {
  return env().sandboxServed;
}

/** A public sandbox's control API answers only to `Authorization: Bearer <SANDBOX_CONTROL_TOKEN>` (when one is set). */
function controlAllowed(request: Request): boolean {
  const token = env().sandboxControlToken;
  if (!token) return true;
  const given = Buffer.from(/^Bearer (.+)$/.exec(request.headers.get("authorization") ?? "")?.[1] ?? "");
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** A public sandbox delivers webhooks to the store's own origin only: no setting may point them elsewhere (SSRF). */
async function webhookElsewhere(request: Request): Promise<string | undefined> {
  const e = env();
  if (!e.sandboxPublic) return undefined;
  let url: unknown;
  try {
    url = ((await request.clone().json()) as { webhook?: { url?: unknown } })?.webhook?.url;
  } catch {
    return undefined; // the control API answers a body it cannot read itself
  }
  if (typeof url !== "string") return undefined;
  const own = new URL(e.appUrl).origin;
  try {
    if (new URL(url).origin === own) return undefined;
  } catch {
    return undefined;
  }
  return `A public sandbox delivers webhooks only to the store's own origin (${own}).`;
}

/** The process's sandbox (one per process, shared by every route), configured from the store's own variables at each start. */
export function sandbox(): Sandbox {
  // Never built outside sandbox mode, whoever asks: it would hold the store's real secrets.
  if (!sandboxEnabled()) throw new Error("The Plural sandbox exists only when PLURAL_ENV=sandbox and this store serves it");
  return processGlobal("pluralSandbox", () => {
    const e = env();
    const made = new Sandbox({
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
      stateFile: e.sandboxStateFile,
    });
    // A public sandbox's webhooks go home, whatever a state file from an earlier run says.
    if (e.sandboxPublic && new URL(made.settings.webhook.url).origin !== new URL(e.appUrl).origin)
      made.updateSettings({ webhook: { url: e.sandboxWebhookUrl } });
    // On SIGTERM, once the last requests are answered, what the journal has not yet written goes to
    // disk (synchronously) before the process exits: an order the sandbox answered is never
    // forgotten across a restart, as Plural never forgets one (a chaos run found one lost).
    if (e.sandboxStateFile) closeOnShutdown(async () => made.close());
    return made;
  });
}

/** Entry point of every `/sandbox/...` route handler; a 404 unless this request may use the sandbox. */
export async function handleSandboxHttp(request: Request): Promise<Response> {
  if (!sandboxAvailableTo(request.headers)) return Response.json({ code: "NOT_FOUND", message: "Not Found" }, { status: 404 });
  if (/^\/sandbox\/control\//.test(new URL(request.url).pathname)) {
    if (!controlAllowed(request))
      return Response.json(
        { code: "UNAUTHORIZED", message: "This sandbox's control API needs its token: Authorization: Bearer <SANDBOX_CONTROL_TOKEN>" },
        { status: 401, headers: { "www-authenticate": "Bearer" } },
      );
    const elsewhere = await webhookElsewhere(request);
    if (elsewhere) return Response.json({ code: "INVALID_REQUEST", message: elsewhere }, { status: 400 });
  }
  return routeSandbox(sandbox(), request);
}

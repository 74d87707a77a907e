"use server";

import { redirect } from "next/navigation";
import { revalidatePath } from "next/cache";
import { sandbox, SandboxError } from "@/lib/sandbox";
import { formArg } from "@/lib/security/args";
import { safeRedirectPath } from "@/lib/security/redirect";
import { requireSandbox, requireSandboxControls } from "./guard";

function withParam(path: string, key: string, value: string) {
  const url = new URL(path, "http://x");
  url.searchParams.set(key, value);
  return url.pathname + url.search;
}

/** The sandbox UPI app's Approve / Decline buttons, and the landing page's. */
export async function answerPayment(formData: FormData) {
  await requireSandbox();
  // Called over HTTP with anything but a form: refused, as an unknown decision is, and nothing answered.
  if (!formArg.safeParse(formData).success) redirect(withParam("/sandbox/upi", "error", "Not a form"));
  const paymentId = String(formData.get("paymentId") ?? "");
  const decision = String(formData.get("decision") ?? "");
  const back = safeRedirectPath(formData.get("returnTo"), { fallback: "/sandbox/upi", within: "/sandbox" }); // checked after normalisation (lib/security/redirect.ts)
  let result = decision === "approve" ? "approved" : "declined";
  try {
    if (decision === "approve") sandbox().approve(paymentId, String(formData.get("payerVpa") ?? "") || undefined);
    else if (decision === "decline") sandbox().decline(paymentId, "PAYMENT_DECLINED", "The payer declined the request");
    else if (decision === "cancel") {
      sandbox().decline(paymentId, "USER_CANCELLED");
      result = "cancelled";
    } else throw new SandboxError(400, "INVALID_REQUEST", "Unknown decision");
  } catch (e) {
    if (e instanceof SandboxError) redirect(withParam(back, "error", e.message));
    throw e;
  }
  redirect(withParam(back, "done", result));
}

export async function resetSandbox() {
  await requireSandboxControls();
  sandbox().reset(true);
  revalidatePath("/sandbox");
}

export async function expireTokens() {
  await requireSandboxControls();
  sandbox().expireTokens();
  revalidatePath("/sandbox");
}

export async function clearFaults() {
  await requireSandboxControls();
  sandbox().clearFaults();
  revalidatePath("/sandbox");
}

export async function redeliverWebhook(formData: FormData) {
  await requireSandboxControls();
  if (!formArg.safeParse(formData).success) return; // not a form (a hand-made request): nothing redelivered
  await sandbox().redeliver(String(formData.get("id") ?? ""));
  revalidatePath("/sandbox");
}

const int = (v: FormDataEntryValue | null, min: number, max: number, fallback: number) => {
  const n = Number(v);
  return Number.isInteger(n) && n >= min && n <= max ? n : fallback;
};

export async function saveSettings(formData: FormData) {
  await requireSandboxControls();
  if (!formArg.safeParse(formData).success) return; // not a form (a hand-made request): the settings stay as they are
  const s = sandbox().settings;
  const profile = formData.get("profile");
  const cancelPolicy = formData.get("cancel_policy") === "any_open" ? "any_open" : "authorized_only";
  sandbox().updateSettings({
    // A profile chosen here sets every reading; the form's other fields apply on top.
    ...((profile === "friendly" || profile === "strict") && profile !== sandbox().profile() ? { profile } : {}),
    challenge_mode: formData.get("challenge_mode") === "landing" ? "landing" : "upi",
    // Only when changed: a reading left alone keeps following the profile.
    ...(cancelPolicy !== s.cancel_policy ? { cancel_policy: cancelPolicy } : {}),
    payment_expiry_seconds: int(formData.get("payment_expiry_seconds"), 1, 86_400, s.payment_expiry_seconds),
    token_ttl_seconds: int(formData.get("token_ttl_seconds"), 1, 86_400, s.token_ttl_seconds),
    webhook: {
      enabled: formData.get("webhook_enabled") === "on",
      delay_ms: int(formData.get("webhook_delay_ms"), 0, 600_000, s.webhook.delay_ms),
      duplicate: formData.get("webhook_duplicate") === "on",
      out_of_order: formData.get("webhook_out_of_order") === "on",
      drop: formData.get("webhook_drop") === "on" ? 1 : 0,
    },
  });
  revalidatePath("/sandbox");
}

"use server";

import { headers } from "next/headers";
import { notFound, redirect } from "next/navigation";
import { endSession, passwordMatches, requireAdmin, startSession } from "@/lib/admin-auth";
import type { SignInState } from "@/components/admin/SignInForm";
import { log } from "@/lib/log";
import { adminActionArg, field, formArg, orderIdArg, passwordArg, refundKeyArg } from "@/lib/security/args";
import { answerStatus } from "@/lib/security/answer-status";
import { clientAddress } from "@/lib/security/client-address";
import { beginSignIn, pause } from "@/lib/security/throttle";
import { cancelOrder, captureOrder, orderForAction, refundLatePayment, refundOrder, syncNow } from "@/lib/orders";

/**
 * Throttled in the database (lib/security/throttle.ts): an address that failed too often is locked
 * for a while (a 429); otherwise failures only make each attempt wait longer before the password is
 * checked, so the right password is never refused because of what others tried.
 */
export async function signIn(_prev: SignInState, formData: FormData): Promise<SignInState> {
  // A password no one could have set is refused before it counts against anyone.
  const password = passwordArg.safeParse(formArg.safeParse(formData).data?.get("password"));
  if (!password.success) return { error: "That password is not right." };
  const gate = await beginSignIn(clientAddress(await headers()));
  if (!gate.allowed) {
    const wait = gate.retryInMinutes;
    answerStatus(429);
    return { error: `Too many attempts. Try again in ${wait} minute${wait === 1 ? "" : "s"}.` };
  }
  if (gate.delayMs > 0) await pause(gate.delayMs);
  if (!passwordMatches(password.data)) {
    log.warn("admin.sign_in_failed", {});
    return { error: "That password is not right." };
  }
  await gate.succeeded();
  await startSession();
  redirect("/admin");
}

export async function signOut() {
  await endSession();
  redirect("/admin/login");
}

/** Ends every console session, in every browser (a cookie may have been copied). */
export async function signOutEverywhere() {
  await requireAdmin();
  await endSession({ everywhere: true });
  redirect("/admin/login");
}

function back(orderId: string, r: { ok: true; value: string } | { ok: false; error: string }): never {
  const p = new URLSearchParams(r.ok ? { done: r.value } : { error: r.error });
  redirect(`/admin/orders/${orderId}?${p}`);
}

export async function adminAction(formData: FormData) {
  await requireAdmin();
  const form = formArg.safeParse(formData);
  if (!form.success) redirect("/admin");
  const orderId = orderIdArg.safeParse(form.data.get("orderId"));
  const order = orderId.success ? await orderForAction(orderId.data) : null;
  if (!order) notFound();
  const action = adminActionArg.safeParse(form.data.get("action"));
  if (!action.success) return back(order.id, { ok: false, error: "Unknown action." });
  if (!order.pluralOrderId && action.data !== "sync") return back(order.id, { ok: false, error: "This order has no Plural order yet: sync it first." });
  return act(order.id, action.data, form.data);
}

async function act(orderId: string, action: "capture" | "cancel" | "sync" | "refund" | "refund-late", formData: FormData) {
  switch (action) {
    case "capture":
      return back(orderId, await captureOrder(orderId));
    case "cancel":
      return back(orderId, await cancelOrder(orderId));
    case "sync":
      return back(orderId, await syncNow(orderId));
    case "refund-late":
      // One click: the whole amount, under the order's own late-refund key (a second click sends the same refund).
      return back(orderId, await refundLatePayment(orderId));
    case "refund": {
      const rupees = (field(32).safeParse(formData.get("amount")).data ?? "").trim();
      const m = /^(\d{1,7})(?:\.(\d{1,2}))?$/.exec(rupees);
      if (!m) return back(orderId, { ok: false, error: "Enter the amount in rupees, like 120 or 120.50." });
      const paise = Number(m[1]) * 100 + Number((m[2] ?? "0").padEnd(2, "0"));
      const key = refundKeyArg.safeParse(formData.get("refundKey"));
      if (!key.success) return back(orderId, { ok: false, error: "This form has expired. Reload the page and try again." });
      return back(orderId, await refundOrder(orderId, paise, key.data));
    }
  }
}

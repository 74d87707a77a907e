"use server";

import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { endSession, passwordMatches, requireAdmin, startSession } from "@/lib/admin-auth";
import { log } from "@/lib/log";
import { clientAddress } from "@/lib/security/client-address";
import { beginSignIn } from "@/lib/security/throttle";
import { cancelOrder, captureOrder, refundOrder, syncNow } from "@/lib/orders";

export type SignInState = { error?: string } | null;

/** Throttled by the connection's address and a global ceiling, in the database (lib/security/throttle.ts). */
export async function signIn(_prev: SignInState, formData: FormData): Promise<SignInState> {
  const gate = await beginSignIn(clientAddress(await headers()));
  if (!gate.allowed) {
    const wait = gate.retryInMinutes;
    return { error: `Too many attempts. Try again in ${wait} minute${wait === 1 ? "" : "s"}.` };
  }
  if (!passwordMatches(String(formData.get("password") ?? ""))) {
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

function back(orderId: string, r: { ok: true; value: string } | { ok: false; error: string }): never {
  const p = new URLSearchParams(r.ok ? { done: r.value } : { error: r.error });
  redirect(`/admin/orders/${orderId}?${p}`);
}

export async function adminAction(formData: FormData) {
  await requireAdmin();
  const orderId = String(formData.get("orderId") ?? "");
  const action = String(formData.get("action") ?? "");
  switch (action) {
    case "capture":
      return back(orderId, await captureOrder(orderId));
    case "cancel":
      return back(orderId, await cancelOrder(orderId));
    case "sync":
      return back(orderId, await syncNow(orderId));
    case "refund": {
      const rupees = String(formData.get("amount") ?? "").trim();
      const m = /^(\d{1,7})(?:\.(\d{1,2}))?$/.exec(rupees);
      if (!m) return back(orderId, { ok: false, error: "Enter the amount in rupees, like 120 or 120.50." });
      const paise = Number(m[1]) * 100 + Number((m[2] ?? "0").padEnd(2, "0"));
      return back(orderId, await refundOrder(orderId, paise, String(formData.get("refundKey") ?? "")));
    }
    default:
      return back(orderId, { ok: false, error: "Unknown action." });
  }
}

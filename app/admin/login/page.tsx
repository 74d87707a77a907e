import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { SignInForm } from "@/components/admin/SignInForm";
import { env } from "@/lib/env";
import { isAdmin } from "@/lib/admin-auth";
import { signIn } from "../actions";

export const metadata: Metadata = { title: "Merchant console sign-in" };

export default async function LoginPage() {
  if (await isAdmin()) redirect("/admin");
  const sandboxDefault = env().pluralEnv === "sandbox" && !env().adminPassword;
  return (
    <div className="mx-auto max-w-sm rounded-2xl bg-white p-6 ring-1 ring-slate-200">
      <h1 className="text-xl font-semibold">Merchant console</h1>
      <p className="mb-4 text-sm text-slate-600">Orders, payments, refunds and the events behind them.</p>
      {sandboxDefault && (
        <p className="mb-4 rounded bg-amber-50 p-2 text-sm text-amber-900">
          Sandbox: the password is <code className="font-mono">sandbox</code> unless ADMIN_PASSWORD is set.
        </p>
      )}
      <SignInForm action={signIn} />
    </div>
  );
}

"use client";

import { useActionState } from "react";

/** What the sign-in action answers: nothing yet, or why it refused. */
export type SignInState = { error?: string } | null;

export function SignInForm({ action }: { action: (prev: SignInState, fd: FormData) => Promise<SignInState> }) {
  const [state, submit, pending] = useActionState(action, null);
  return (
    <form action={submit} className="grid gap-3">
      <label htmlFor="password" className="text-sm font-medium">
        Password
      </label>
      <input
        id="password"
        name="password"
        type="password"
        autoComplete="current-password"
        required
        aria-invalid={state?.error ? true : undefined}
        aria-describedby="signin-error"
        className="rounded-lg border border-slate-300 px-3 py-2"
      />
      <p id="signin-error" role="alert" className="text-sm text-red-700 empty:hidden">
        {state?.error}
      </p>
      <button disabled={pending} className="rounded-lg bg-brand-600 px-4 py-2 font-medium text-white disabled:opacity-60">
        {pending ? "Signing in…" : "Sign in"}
      </button>
    </form>
  );
}

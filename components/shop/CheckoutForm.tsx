"use client";

import { useActionState, useState } from "react";
import type { CheckoutValues } from "@/lib/orders/checkout/customer-form";
import type { Result as ActionResult } from "@/lib/result";

type Values = CheckoutValues;

function Field({
  name,
  label,
  autoComplete,
  type = "text",
  errors,
  values,
  inputMode,
  hint,
}: {
  name: string;
  label: string;
  autoComplete?: string;
  type?: string;
  errors?: Record<string, string>;
  values?: Values;
  inputMode?: "numeric" | "tel" | "email";
  hint?: string;
}) {
  const error = errors?.[name];
  const get = (v: unknown, path: string[]): string =>
    path.length === 0 ? (typeof v === "string" ? v : "") : v && typeof v === "object" ? get((v as Record<string, unknown>)[path[0]!], path.slice(1)) : "";
  const id = `f-${name.replace(".", "-")}`;
  return (
    <div className="grid gap-1">
      <label htmlFor={id} className="text-sm font-medium">
        {label}
      </label>
      <input
        id={id}
        name={name}
        type={type}
        inputMode={inputMode}
        autoComplete={autoComplete}
        defaultValue={get(values, name.split("."))}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : hint ? `${id}-hint` : undefined}
        className={`rounded-lg border px-3 py-2 ${error ? "border-red-600" : "border-slate-300"}`}
      />
      {hint && !error && (
        <p id={`${id}-hint`} className="text-xs text-slate-500">
          {hint}
        </p>
      )}
      {error && (
        <p id={`${id}-error`} className="text-sm text-red-700">
          {error}
        </p>
      )}
    </div>
  );
}

function AddressFields({
  prefix,
  errors,
  values,
  legend,
}: {
  prefix: "billing" | "shipping";
  errors?: Record<string, string>;
  values?: Values;
  legend: string;
}) {
  const ac = prefix === "billing" ? "billing" : "shipping";
  return (
    <fieldset className="grid gap-4 sm:grid-cols-2">
      <legend className="mb-2 font-medium">{legend}</legend>
      <div className="sm:col-span-2">
        <Field name={`${prefix}.address1`} label="Address" autoComplete={`${ac} street-address`} errors={errors} values={values} />
      </div>
      <Field name={`${prefix}.city`} label="City" autoComplete={`${ac} address-level2`} errors={errors} values={values} />
      <Field name={`${prefix}.state`} label="State" autoComplete={`${ac} address-level1`} errors={errors} values={values} />
      <Field name={`${prefix}.pincode`} label="PIN code" autoComplete={`${ac} postal-code`} inputMode="numeric" errors={errors} values={values} />
    </fieldset>
  );
}

/** The checkout form: validated on the server; errors appear inline and nothing typed is lost. */
type CheckoutResult = ActionResult<undefined, string, CheckoutValues>;

export function CheckoutForm({ action, checkoutKey }: { action: (prev: CheckoutResult | null, fd: FormData) => Promise<CheckoutResult>; checkoutKey: string }) {
  const [state, submit, pending] = useActionState(action, null);
  const failed = state && !state.ok ? state : undefined;
  const [same, setSame] = useState(failed?.values?.sameAsBilling ?? true);
  return (
    <form action={submit} noValidate className="grid gap-6" aria-describedby={failed ? "checkout-error" : undefined}>
      <input type="hidden" name="checkoutKey" value={checkoutKey} />
      <div role="alert" id="checkout-error" className={failed ? "rounded-lg bg-red-50 p-3 text-sm text-red-900" : "sr-only"}>
        {failed?.error}
      </div>
      <fieldset className="grid gap-4 sm:grid-cols-2">
        <legend className="mb-2 font-medium">Contact</legend>
        <div className="sm:col-span-2">
          <Field name="name" label="Full name" autoComplete="name" errors={failed?.fieldErrors} values={failed?.values} />
        </div>
        <Field name="email" label="E-mail" type="email" inputMode="email" autoComplete="email" errors={failed?.fieldErrors} values={failed?.values} />
        <Field
          name="mobile"
          label="Mobile number"
          type="tel"
          inputMode="tel"
          autoComplete="tel-national"
          errors={failed?.fieldErrors}
          values={failed?.values}
          hint="10 digits; Plural shares it with your UPI app"
        />
      </fieldset>
      <AddressFields prefix="billing" legend="Billing address" errors={failed?.fieldErrors} values={failed?.values} />
      <label className="flex items-center gap-2">
        <input type="checkbox" name="sameAsBilling" checked={same} onChange={(e) => setSame(e.target.checked)} />
        Ship to the billing address
      </label>
      {!same && <AddressFields prefix="shipping" legend="Shipping address" errors={failed?.fieldErrors} values={failed?.values} />}
      <button disabled={pending} className="rounded-lg bg-brand-600 px-5 py-3 text-lg font-medium text-white hover:bg-brand-700 disabled:opacity-60">
        {pending ? "Placing your order…" : "Continue to UPI payment"}
      </button>
    </form>
  );
}

import { z } from "zod";

/** The checkout form, validated on the server. Limits are Plural's (its Create Order field limits, LIMITS in lib/plural) or tighter. */
const text = (label: string, max: number) =>
  z
    .string()
    .trim()
    .min(1, `Enter your ${label}`)
    .max(max, `${label[0]!.toUpperCase()}${label.slice(1)} must be at most ${max} characters`);

const address = z.object({
  address1: text("address", 100),
  city: text("city", 50),
  state: text("state", 50),
  pincode: z
    .string()
    .trim()
    .regex(/^[1-9]\d{5}$/, "Enter a 6-digit PIN code"),
});

export const checkoutForm = z
  .object({
    name: text("name", 100).refine((n) => n.split(/\s+/)[0]!.length <= 50, "First name must be at most 50 characters"),
    email: z.string().trim().max(50, "E-mail must be at most 50 characters").pipe(z.email("Enter a valid e-mail address")),
    mobile: z
      .string()
      .trim()
      .transform((m) => m.replace(/[\s-]/g, "").replace(/^(\+91|91|0)(?=\d{10}$)/, ""))
      .pipe(z.string().regex(/^[6-9]\d{9}$/, "Enter a 10-digit Indian mobile number")),
    billing: address,
    sameAsBilling: z.boolean(),
    shipping: address.optional(),
  })
  .superRefine((v, ctx) => {
    if (!v.sameAsBilling && !v.shipping) ctx.addIssue({ code: "custom", path: ["shipping", "address1"], message: "Enter the shipping address" });
  });

export type CheckoutForm = z.output<typeof checkoutForm>;

/** What the checkout form held, unchecked: shown again with the errors. */
export type CheckoutValues = ReturnType<typeof formToCheckout>;

/** FormData → the shape above (unchecked), so errors can point at fields and keep what was typed. */
export function formToCheckout(fd: FormData) {
  const s = (k: string) => String(fd.get(k) ?? "");
  const addr = (p: string) => ({ address1: s(`${p}.address1`), city: s(`${p}.city`), state: s(`${p}.state`), pincode: s(`${p}.pincode`) });
  const sameAsBilling = fd.get("sameAsBilling") === "on";
  return {
    name: s("name"),
    email: s("email"),
    mobile: s("mobile"),
    billing: addr("billing"),
    sameAsBilling,
    shipping: sameAsBilling ? undefined : addr("shipping"),
  };
}

/** Zod issues → { "billing.pincode": "Enter a 6-digit PIN code", ... } */
export function fieldErrors(error: z.ZodError): Record<string, string> {
  const out: Record<string, string> = {};
  for (const i of error.issues) {
    const key = i.path.join(".");
    out[key] ??= i.message;
  }
  return out;
}

export function splitName(name: string): { first_name: string; last_name?: string } {
  const [first, ...rest] = name.trim().split(/\s+/);
  const last = rest.join(" ").slice(0, 50);
  return last ? { first_name: first!.slice(0, 50), last_name: last } : { first_name: first!.slice(0, 50) };
}

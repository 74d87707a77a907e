/** What the sandbox accepts, with Plural's own validation messages (its Create Order, Create Payment, Capture and Refund bodies). */
import { z } from "zod";
import { LIMITS } from "../plural/constants";
import { invalid, isObj, VALID_METHODS } from "./api-http";

/* ------------------------------------------------------------------------------- validation */

/*
 * Request bodies as zod schemas: they validate every request and they are what the OpenAPI document
 * (lib/sandbox/openapi.ts) is generated from. Each constraint carries the answer Plural gives when it
 * fails: a reason (`additional_error_details.reason`) and a message. The first failing constraint,
 * in the order of the fields below, decides the answer (lib/sandbox/validation.test.ts holds them to
 * the answers of the hand-written checks they replace, byte for byte).
 */

/** A zod error that carries the sandbox's answer: Plural's `reason` and `message`. */
export const said = (reason: string, message = "Invalid Request Parameters") => JSON.stringify([reason, message]);

/** Validates with a zod schema; the first issue becomes the sandbox's 400 (its reason, its message). */
export function check<T extends z.ZodType>(schema: T, value: unknown): z.output<T> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const first = r.error.issues[0]!.message;
  let answer: [string, string] | undefined;
  try {
    answer = JSON.parse(first) as [string, string];
  } catch {
    answer = undefined;
  }
  throw answer ? invalid(answer[0], answer[1]) : invalid(first);
}

const snake = (label: string) => label.toLowerCase().replaceAll(" ", "_");

/** A merchant reference: 1–50 of A-Z a-z 0-9 _ -; a non-negative integer is taken as its digits (the docs' samples send numbers). */
const reference = (label: string) => {
  const required = said(`${snake(label)} is required`, `${label} must not be empty`);
  return z.preprocess(
    (v) => (typeof v === "number" && Number.isInteger(v) && v >= 0 ? String(v) : v),
    z
      .string({ error: (iss) => (iss.input === undefined || iss.input === null ? required : said(`${label} must be a string`)) })
      .min(1, required)
      .max(50, said(`${label} is too long`, `${label} must be less than or equal to 50 characters`))
      .regex(LIMITS.merchantReference, said(`${label} may contain only A-Z a-z 0-9 _ -`)),
  );
};

const AMOUNT_MIN = said(`amount must be an integer of at least ${LIMITS.amountMin} paise`, "Amount must be an Integer value greater than or equal to 1");
/** `{ value, currency }` in paise; the currency defaults to INR and must be INR. */
const amountSchema = z.object(
  {
    value: z
      .number({ error: AMOUNT_MIN })
      .refine(Number.isInteger, AMOUNT_MIN)
      .min(LIMITS.amountMin, AMOUNT_MIN)
      .max(LIMITS.amountMax, said("amount too large", "Amount must be an Integer value less than or equal to 100000000"))
      .meta({ type: "integer", description: "paise" }),
    currency: z.preprocess((v) => v ?? "INR", z.literal("INR", { error: said("currency must be INR", "Invalid currency") })),
  },
  { error: said("amount is required", "Amount must be an Integer value greater than or equal to 1") },
);

const optionalString = (key: string, max: number, min = 0) => {
  const e = said(`${key} must be a string of ${min}–${max} characters`);
  return z.string({ error: e }).min(min, e).max(max, e).nullish();
};

const optionalUrl = (key: string) => {
  const e = said(`${key} must be an absolute http(s) URL`);
  return z
    .string({ error: e })
    .refine((v) => /^https?:\/\//.test(v) && URL.canParse(v), e)
    .optional();
};

const address = (key: string) =>
  z
    .object(
      {
        address1: optionalString("address1", LIMITS.addressLineMax),
        address2: optionalString("address2", LIMITS.addressLineMax),
        address3: optionalString("address3", LIMITS.addressLineMax),
        pincode: optionalString("pincode", LIMITS.pincodeMax, LIMITS.pincodeMin),
        city: optionalString("city", LIMITS.cityStateCountryMax),
        state: optionalString("state", LIMITS.cityStateCountryMax),
        country: optionalString("country", LIMITS.cityStateCountryMax),
      },
      { error: said(`${key} must be an object`) },
    )
    .optional();

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const customer = z
  .object(
    {
      email_id: z
        .string({ error: said(`email_id must be a string of 1–${LIMITS.emailMax} characters`) })
        .min(1, said(`email_id must be a string of 1–${LIMITS.emailMax} characters`))
        .max(LIMITS.emailMax, said(`email_id must be a string of 1–${LIMITS.emailMax} characters`))
        .refine((v) => EMAIL.test(v), said("email_id is not an e-mail address"))
        .nullish(),
      first_name: optionalString("first_name", LIMITS.nameMax, 1),
      last_name: optionalString("last_name", LIMITS.nameMax, 1),
      customer_id: optionalString("customer_id", LIMITS.customerIdMax, 1),
      mobile_number: optionalString("mobile_number", LIMITS.mobileMax, LIMITS.mobileMin),
      billing_address: address("billing_address"),
      shipping_address: address("shipping_address"),
    },
    { error: said("purchase_details.customer must be an object") },
  )
  .optional();

/** Up to 10 pairs of strings of at most 256 characters. */
const metadata = z
  .record(z.string(), z.unknown(), { error: said("merchant_metadata must be an object of strings") })
  .superRefine((m, ctx) => {
    const entries = Object.entries(m);
    if (entries.length > LIMITS.metadataPairsMax)
      ctx.addIssue({ code: "custom", message: said(`merchant_metadata has more than ${LIMITS.metadataPairsMax} pairs`) });
    else if (entries.some(([k, v]) => typeof v !== "string" || v.length > LIMITS.metadataValueMax || k.length > LIMITS.metadataValueMax))
      ctx.addIssue({ code: "custom", message: said("merchant_metadata values must be strings of at most 256 characters") });
  })
  .optional();

const BODY = said("body must be a JSON object");
export const METHOD_INVALID = "Payment method is missing/invalid";

/** Create order (Pine Labs' "Create Order" page). */
export const createOrderBody = z.object(
  {
    merchant_order_reference: reference("Merchant Order Reference"),
    order_amount: amountSchema,
    pre_auth: z.boolean({ error: said("pre_auth must be a boolean") }).optional(),
    allowed_payment_methods: z
      .array(z.enum(VALID_METHODS, { error: said("allowed_payment_methods has an unknown method", METHOD_INVALID) }), {
        error: said("allowed_payment_methods has an unknown method", METHOD_INVALID),
      })
      .optional(),
    notes: optionalString("notes", 256),
    callback_url: optionalUrl("callback_url"),
    failure_callback_url: optionalUrl("failure_callback_url"),
    purchase_details: z.object({ customer, merchant_metadata: metadata }, { error: said("purchase_details must be an object") }).optional(),
  },
  { error: BODY },
);

/** Create payment: the envelope (one payment; a second is a 422, not a validation error). */
export const createPaymentBody = z.object(
  {
    payments: z
      .array(z.unknown(), { error: said("payments must be a non-empty array", METHOD_INVALID) })
      .min(1, said("payments must be a non-empty array", METHOD_INVALID)),
  },
  { error: said("payments must be a non-empty array", METHOD_INVALID) },
);
export const paymentMethod = z.object(
  { payment_method: z.string({ error: said("payment_method is required", METHOD_INVALID) }) },
  { error: said("payment_method is required", METHOD_INVALID) },
);

/** `upi_details` (the docs) or `upi_data` (the QR sample): whichever is there. */
const upiDetails = z
  .object(
    {
      txn_mode: z.enum(["INTENT", "COLLECT"], { error: said("upi_details.txn_mode must be INTENT or COLLECT", METHOD_INVALID) }),
      upi_qr: z.boolean({ error: said("upi_qr must be a boolean") }).optional(),
      payer: z.unknown().optional().meta({ description: "{ vpa }: the payer's UPI ID, required for COLLECT" }),
    },
    { error: said("payment_option.upi_details is required", METHOD_INVALID) },
  )
  .superRefine((o, ctx) => {
    if (o.upi_qr === true && o.txn_mode === "COLLECT") return void ctx.addIssue({ code: "custom", message: said("upi_qr applies to INTENT only") });
    if (o.txn_mode !== "COLLECT") return;
    const vpa = collectVpa(o.payer);
    if (!vpa) ctx.addIssue({ code: "custom", message: said("payer.vpa is required for COLLECT") });
    else if (vpa.length > 256 || !LIMITS.vpa.test(vpa)) ctx.addIssue({ code: "custom", message: said("payer.vpa is not a valid VPA") });
  });
export const collectVpa = (payer: unknown) => (isObj(payer) && typeof payer.vpa === "string" ? payer.vpa.trim() || undefined : undefined);
const paymentOptionDoc = z.object({ upi_details: upiDetails.optional(), upi_data: upiDetails.optional() });

/** One UPI payment (Pine Labs' "Seamless UPI integration steps", Create Payment). */
export const upiPaymentItem = z.object({
  merchant_payment_reference: reference("Merchant Payment Reference").optional(),
  payment_amount: amountSchema,
  payment_option: z.preprocess((po) => (isObj(po) ? (po.upi_details ?? po.upi_data) : undefined), upiDetails),
});

/** For the OpenAPI document: the create-payment body as a whole, from the schemas above. */
export const createPaymentDoc = z.object({
  payments: z
    .array(
      z.object({
        merchant_payment_reference: upiPaymentItem.shape.merchant_payment_reference,
        payment_method: z.literal("UPI"),
        payment_amount: amountSchema,
        payment_option: paymentOptionDoc,
      }),
    )
    .min(1)
    .max(1),
});

/** Capture (Pine Labs' "Capture Order" page). */
export const captureBody = z.object(
  { merchant_capture_reference: reference("Merchant Capture Reference"), capture_amount: amountSchema.optional() },
  { error: BODY },
);

/** Refund: `order_amount` (docs, spec) or `refund_amount`, a number or an amount (Pine Labs' WooCommerce plugin). */
export const refundBody = z.preprocess(
  (b) =>
    isObj(b)
      ? { ...b, order_amount: b.order_amount ?? (typeof b.refund_amount === "number" ? { value: b.refund_amount, currency: "INR" } : b.refund_amount) }
      : b,
  z.object({ merchant_order_reference: reference("Merchant Order Reference"), order_amount: amountSchema, merchant_metadata: metadata }, { error: BODY }),
);

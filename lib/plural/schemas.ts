import { z } from "zod";
import { LIMITS } from "./constants";

/* ------------------------------------------------------------------ requests (validated before sending) */

const merchantReference = z
  .union([z.string(), z.number().int().nonnegative()])
  .transform(String)
  .pipe(z.string().regex(LIMITS.merchantReference, "must be 1–50 characters of A-Z a-z 0-9 _ -"));

const amount = z.object({
  value: z
    .number()
    .int("must be an integer number of paise")
    .min(LIMITS.amountMin, `must be at least ${LIMITS.amountMin} paise`)
    .max(LIMITS.amountMax, `must be at most ${LIMITS.amountMax} paise`),
  currency: z.literal("INR").default("INR"),
});

const vpa = z.string().trim().regex(LIMITS.vpa, "is not a valid UPI ID (expected a handle, then @, then the bank's name)");

const address = z.object({
  address1: z.string().max(LIMITS.addressLineMax).optional(),
  address2: z.string().max(LIMITS.addressLineMax).optional(),
  address3: z.string().max(LIMITS.addressLineMax).optional(),
  pincode: z.string().min(LIMITS.pincodeMin).max(LIMITS.pincodeMax).optional(),
  city: z.string().max(LIMITS.cityStateCountryMax).optional(),
  state: z.string().max(LIMITS.cityStateCountryMax).optional(),
  country: z.string().max(LIMITS.cityStateCountryMax).optional(),
  full_name: z.string().max(100).optional(),
});

const customer = z.object({
  email_id: z.email().max(LIMITS.emailMax).optional(),
  first_name: z.string().min(1).max(LIMITS.nameMax).optional(),
  last_name: z.string().min(1).max(LIMITS.nameMax).optional(),
  customer_id: z.string().min(1).max(LIMITS.customerIdMax).optional(),
  mobile_number: z.string().min(LIMITS.mobileMin).max(LIMITS.mobileMax).optional(),
  country_code: z.string().max(4).optional(),
  billing_address: address.optional(),
  shipping_address: address.optional(),
});

const merchantMetadata = z
  .record(z.string().max(LIMITS.metadataValueMax), z.string().max(LIMITS.metadataValueMax))
  .refine((m) => Object.keys(m).length <= LIMITS.metadataPairsMax, `at most ${LIMITS.metadataPairsMax} pairs`);

export const createOrderRequest = z.object({
  merchant_order_reference: merchantReference,
  order_amount: amount,
  pre_auth: z.boolean().optional(),
  allowed_payment_methods: z.array(z.enum(["CARD", "UPI", "POINTS", "NETBANKING", "WALLET", "CREDIT_EMI", "DEBIT_EMI", "BNPL", "CARDLESS_EMI"])).optional(),
  notes: z.string().max(256).optional(),
  callback_url: z.url().optional(),
  failure_callback_url: z.url().optional(),
  purchase_details: z
    .object({
      customer: customer.optional(),
      merchant_metadata: merchantMetadata.optional(),
    })
    .optional(),
});
export type CreateOrderRequest = z.input<typeof createOrderRequest>;

const upiTxnMode = z.enum(["INTENT", "COLLECT"]);

const upiPaymentItem = z
  .object({
    merchant_payment_reference: merchantReference,
    payment_method: z.literal("UPI"),
    payment_amount: amount,
    payment_option: z.object({
      upi_details: z.object({
        txn_mode: upiTxnMode,
        upi_qr: z.boolean().optional(),
        payer: z.object({ vpa }).optional(),
      }),
    }),
  })
  .superRefine((p, ctx) => {
    const d = p.payment_option.upi_details;
    if (d.txn_mode === "COLLECT" && !d.payer?.vpa) {
      ctx.addIssue({ code: "custom", path: ["payment_option", "upi_details", "payer", "vpa"], message: "is required for COLLECT" });
    }
    if (d.txn_mode === "COLLECT" && d.upi_qr) {
      ctx.addIssue({ code: "custom", path: ["payment_option", "upi_details", "upi_qr"], message: "QR is an INTENT mode" });
    }
  });

export const createPaymentRequest = z.object({ payments: z.array(upiPaymentItem).min(1).max(2) });
export type CreatePaymentRequest = z.input<typeof createPaymentRequest>;

export const captureRequest = z.object({
  merchant_capture_reference: merchantReference,
  capture_amount: amount.optional(),
});
export type CaptureRequest = z.input<typeof captureRequest>;

export const refundRequest = z.object({
  merchant_order_reference: merchantReference,
  order_amount: amount,
  merchant_metadata: merchantMetadata.optional(),
});
export type RefundRequest = z.input<typeof refundRequest>;

/* ------------------------------------------------------------------ responses (tolerant: Pine Labs' pages disagree) */

const money = z.looseObject({ value: z.coerce.number().int(), currency: z.string().default("INR") });
const status = z.string().transform((s) => s.toUpperCase());
const boolish = z.union([z.boolean(), z.enum(["true", "false"]).transform((s) => s === "true")]);

const upiData = z.looseObject({
  txn_mode: z.string().optional(),
  upi_qr: z.boolean().optional(),
  payer: z.looseObject({ vpa: z.string().optional(), phone_number: z.string().optional(), account_type: z.string().optional() }).optional(),
  payee: z.looseObject({ vpa: z.string().optional(), reference_id: z.string().optional(), acquirer_name: z.string().optional() }).optional(),
});

const paymentResponse = z
  .looseObject({
    id: z.string(),
    merchant_payment_reference: z.string().optional(),
    status,
    payment_amount: money.optional(),
    payment_method: z.string().optional(),
    payment_option: z
      .looseObject({
        // The docs use both names (the UPI request and the QR answer / webhooks).
        upi_details: upiData.optional(),
        upi_data: upiData.optional(),
      })
      .optional(),
    acquirer_data: z
      .looseObject({
        approval_code: z.string().optional(),
        acquirer_reference: z.string().optional(),
        rrn: z.string().optional(),
        is_aggregator: z.boolean().optional(),
      })
      .optional(),
    error_detail: z.looseObject({ code: z.string().optional(), message: z.string().optional() }).optional(),
    capture_data: z.array(z.looseObject({})).optional(),
    parent_payment_id: z.string().optional(),
    created_at: z.string().optional(),
    updated_at: z.string().optional(),
  })
  .transform((p) => ({ ...p, upi: p.payment_option?.upi_details ?? p.payment_option?.upi_data }));

const refundOrderShape = z.looseObject({
  order_id: z.string(),
  parent_order_id: z.string().optional(),
  merchant_order_reference: z.union([z.string(), z.number()]).transform(String).optional(),
  type: z.string().optional(),
  status,
  order_amount: money.optional(),
  payments: z.array(paymentResponse).optional(),
  created_at: z.string().optional(),
  updated_at: z.string().optional(),
});

export const orderResponse = z.looseObject({
  order_id: z.string(),
  merchant_order_reference: z.union([z.string(), z.number()]).transform(String).optional(),
  type: z.string().default("CHARGE"),
  status,
  merchant_id: z.union([z.string(), z.number()]).transform(String).optional(),
  order_amount: money,
  pre_auth: boolish.optional(),
  notes: z.string().optional(),
  callback_url: z.string().optional(),
  failure_callback_url: z.string().optional(),
  challenge_url: z.string().optional(),
  image_url: z.string().optional(),
  integration_mode: z.string().optional(),
  payment_retries_remaining: z.number().int().optional(),
  purchase_details: z.looseObject({}).optional(),
  payments: z.array(paymentResponse).default([]),
  refunds: z.array(z.looseObject({})).optional(),
  created_at: z.string().optional(),
  updated_at: z.string().optional(),
});
export type PluralOrder = z.output<typeof orderResponse>;

/** Successful order responses are wrapped in `{ data }`; webhooks carry the bare object. */
export const wrappedOrder = z.looseObject({ data: orderResponse }).transform((w) => w.data);

/** Create Payment's answer as the seamless guide's QR sample shows it: flat, without the order (the API pages wrap it in `data`). */
const flatPayment = z.looseObject({
  payment_id: z.string().min(1),
  status,
  challenge_url: z.string().optional(),
  image_url: z.string().optional(),
});

/** Create Payment's answer: the order wrapped in `{ data }` (API pages, Pine Labs' MCP server), or flat (the guide). */
export const paymentAnswerBody = z.union([wrappedOrder, flatPayment]);

/** The two documented refund shapes (the spec and webhooks, and the "Create Refund" page): a REFUND order, or an order with `refunds[]`. */
export const refundResponse = z
  .looseObject({
    data: z.union([
      refundOrderShape.extend({ type: z.literal("REFUND") }),
      z.looseObject({
        order_id: z.string(),
        refunds: z
          .array(
            z.looseObject({
              refund_id: z.string(),
              merchant_refund_reference: z.string().optional(),
              status,
              refund_amount: money.optional(),
            }),
          )
          .min(1),
      }),
      refundOrderShape,
    ]),
  })
  .transform(({ data }) => {
    if ("refunds" in data && Array.isArray(data.refunds) && !("parent_order_id" in data && data.parent_order_id)) {
      const r = data.refunds[data.refunds.length - 1]!;
      return {
        refundId: r.refund_id,
        parentOrderId: data.order_id,
        merchantRefundReference: r.merchant_refund_reference,
        status: r.status,
        amount: r.refund_amount?.value,
        raw: data,
      };
    }
    const o = data as z.output<typeof refundOrderShape>;
    return {
      refundId: o.order_id,
      parentOrderId: o.parent_order_id,
      merchantRefundReference: o.merchant_order_reference,
      status: o.status,
      amount: o.order_amount?.value,
      raw: data,
    };
  });
export type PluralRefund = z.output<typeof refundResponse>;

/** Token: `expires_in` (samples) or `expires_at` (tables and spec), Pine Labs' "Generate Token" page. */
export const tokenResponse = z.looseObject({
  access_token: z.string().min(1).max(8192),
  expires_in: z.coerce.number().positive().optional(),
  expires_at: z.string().optional(),
  token_type: z.string().optional(),
});

export const errorBody = z.looseObject({
  code: z.string().optional(),
  message: z.string().optional(),
  additional_error_details: z.unknown().optional(),
  additionalErrorPayload: z.unknown().optional(),
});

export const webhookPayload = z.looseObject({
  event_type: z.string().optional(),
  eventType: z.string().optional(),
  data: z.unknown(),
});

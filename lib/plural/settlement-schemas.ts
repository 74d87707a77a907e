import { z } from "zod";
import { parseRupees } from "./rupees";

/**
 * Settlements as Plural answers them (Pine Labs' "Get All Settlements" and "Get Settlements by UTR" pages), parsed leniently:
 * every field but the ids is optional, unknown fields are kept, numbers may come as strings, and
 * `programs` may be strings or objects. Rupee amounts become integer paise (lib/plural/rupees.ts).
 * Nothing here checks that the totals add up: Plural's own samples do not.
 */

/** Rupees (a number or a decimal string) → integer paise; absent or null → undefined. */
const rupees = z
  .union([z.number(), z.string()])
  .nullish()
  .transform((v, ctx) => {
    if (v === null || v === undefined || v === "") return undefined;
    try {
      return parseRupees(v).paise;
    } catch (e) {
      ctx.addIssue({ code: "custom", message: (e as Error).message });
      return z.NEVER;
    }
  });

const count = z
  .union([z.number(), z.string()])
  .nullish()
  .transform((v) => (v === null || v === undefined || v === "" || !Number.isFinite(Number(v)) ? undefined : Math.trunc(Number(v))));
const text = z
  .union([z.string(), z.number()])
  .nullish()
  .transform((v) => (v === null || v === undefined ? undefined : String(v)));
const id = z.union([z.string().min(1), z.number()]).transform(String);
const programs = z
  .array(z.union([z.string(), z.looseObject({}).transform((o) => String(o.name ?? o.program ?? o.type ?? JSON.stringify(o)))]))
  .nullish()
  .transform((v) => v ?? []);
const boolish = z
  .union([z.boolean(), z.enum(["true", "false"]).transform((s) => s === "true")])
  .nullish()
  .transform((v) => v ?? undefined);

/** Only the last four characters of the merchant's account number are kept. */
const accountNumber = text.transform((v) => (v ? `••••${v.slice(-4)}` : undefined));

const settlementSummary = z
  .looseObject({
    utr_number: id,
    total_amount: rupees,
    actual_transaction_amount: rupees,
    total_deduction_amount: rupees,
    total_transactions_count: count,
    last_processed_date: text,
    settled_date: text,
    programs,
    system: text,
    bank_name: text,
    bank_acc_number: accountNumber,
  })
  .transform((s) => ({
    utr: s.utr_number,
    totalAmountInPaise: s.total_amount,
    actualAmountInPaise: s.actual_transaction_amount,
    deductionInPaise: s.total_deduction_amount,
    transactionCount: s.total_transactions_count,
    lastProcessedDate: s.last_processed_date,
    settledDate: s.settled_date,
    programs: s.programs,
    bankName: s.bank_name,
    bankAccount: s.bank_acc_number,
  }));
export type PluralSettlementSummary = z.output<typeof settlementSummary>;

export const settlementList = z
  .looseObject({
    data: z.array(settlementSummary).nullish(),
    total_settlement_count: count,
    total_transactions_count: count,
    total_settlement_amount: rupees,
  })
  .transform((l) => ({
    settlements: l.data ?? [],
    totalSettlementCount: l.total_settlement_count,
    totalTransactionCount: l.total_transactions_count,
    totalSettlementAmountInPaise: l.total_settlement_amount,
  }));
export type PluralSettlementList = z.output<typeof settlementList>;

const settlementTransaction = z
  .looseObject({
    transaction_id: id,
    system: text,
    processed_date: text,
    transaction_date: text,
    transaction_amount: rupees,
    actual_transaction_amount: rupees,
    total_deduction_amount: rupees,
    settled_amount: rupees,
    acquirer_name: text,
    tid: text,
    is_emi: boolish,
    utr_number: text,
    program: text,
    payout_status: text,
  })
  .transform((t) => ({
    transactionId: t.transaction_id,
    transactionAmountInPaise: t.transaction_amount,
    actualAmountInPaise: t.actual_transaction_amount,
    deductionInPaise: t.total_deduction_amount,
    settledAmountInPaise: t.settled_amount,
    processedDate: t.processed_date,
    transactionDate: t.transaction_date,
    program: t.program,
    acquirerName: t.acquirer_name,
    payoutStatus: t.payout_status,
    utr: t.utr_number,
  }));

/** The UTR-level totals (Get Settlements by UTR): MDR, GST and refunds are given only here, never per line. */
const TOTALS = {
  total_transaction_amount: "transactionAmountInPaise",
  actual_transaction_amount: "actualAmountInPaise",
  total_refund: "refundInPaise",
  total_chargeback_recovery_amount: "chargebackRecoveryInPaise",
  total_loan_recovery_amount: "loanRecoveryInPaise",
  total_mdr_amount: "mdrInPaise",
  total_gst_amount: "gstInPaise",
  total_late_settlement_fee: "lateSettlementFeeInPaise",
  total_settled_amount: "settledAmountInPaise",
  total_mar_amount: "marInPaise",
  split_fund_amount: "splitFundInPaise",
  total_platform_fee: "platformFeeInPaise",
  other_deductions: "otherDeductionsInPaise",
  additional_mdr_amount: "additionalMdrInPaise",
  total_convenience_fee: "convenienceFeeInPaise",
  total_gst_on_c_c_f: "gstOnConvenienceFeeInPaise",
  total_cashback_amount: "cashbackInPaise",
  total_merchant_cashback: "merchantCashbackInPaise",
  total_merchant_convenience_fee: "merchantConvenienceFeeInPaise",
} as const;
type Totals = { [K in (typeof TOTALS)[keyof typeof TOTALS]]?: number };

export const settlementDetail = z
  .looseObject({
    utr_number: id,
    bank_name: text,
    bank_acc_number: accountNumber,
    programs,
    total_transaction_count: count,
    ...Object.fromEntries(Object.keys(TOTALS).map((k) => [k, rupees])),
    transactions: z.array(settlementTransaction).nullish(),
    pagination: z.looseObject({ total_pages: count, current_page: count }).nullish(),
  })
  .transform((d) => {
    const totals: Totals = {};
    for (const [from, to] of Object.entries(TOTALS)) {
      const v = (d as Record<string, unknown>)[from];
      if (typeof v === "number") totals[to] = v;
    }
    return {
      utr: d.utr_number,
      bankName: d.bank_name,
      bankAccount: d.bank_acc_number,
      programs: d.programs,
      transactionCount: d.total_transaction_count,
      totals,
      transactions: d.transactions ?? [],
      page: d.pagination?.current_page ?? 1,
      totalPages: d.pagination?.total_pages ?? 1,
    };
  });
export type PluralSettlementDetail = z.output<typeof settlementDetail>;

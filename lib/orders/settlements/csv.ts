import { paiseToRupeeString } from "@/lib/plural/rupees";
import { LINE_STATUS_LABELS, type ReportRow } from "./report";

/**
 * The settlement report as CSV (RFC 4180: comma-separated, CRLF, fields quoted when needed).
 * Written here rather than with a library: ten lines, and it must also defuse spreadsheet formulas
 * (a cell starting with = + - @ is prefixed with ') in text fields; amounts stay numbers.
 */
const HEADER = [
  "status",
  "kind",
  "utr",
  "settled_date",
  "transaction_id",
  "order_reference",
  "order_id",
  "plural_amount_inr",
  "our_amount_inr",
  "difference_inr",
  "deduction_inr",
  "settled_amount_inr",
  "payout_status",
  "processed_at",
];

const rupees = (p: number | null) => (p === null ? "" : paiseToRupeeString(p));

function cell(v: string, text = true): string {
  const safe = text && /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export function settlementCsv(rows: ReportRow[]): string {
  const lines = [HEADER.join(",")];
  for (const r of rows) {
    const text = [LINE_STATUS_LABELS[r.status], r.kind, r.utr ?? "", r.settledDate ?? "", r.transactionId ?? "", r.orderReference ?? "", r.orderId ?? ""].map(
      (v) => cell(v),
    );
    const amounts = [r.pluralAmountInPaise, r.ourAmountInPaise, r.differenceInPaise, r.deductionInPaise, r.settledAmountInPaise].map((p) =>
      cell(rupees(p), false),
    );
    lines.push([...text, ...amounts, cell(r.payoutStatus ?? ""), r.processedAt ? r.processedAt.toISOString() : ""].join(","));
  }
  return `${lines.join("\r\n")}\r\n`;
}

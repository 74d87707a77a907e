import type { PaymentView } from "@/lib/sandbox";

/** Where the sandbox UPI app answers a payment: the payer's inbox for a collect request, the link otherwise. */
export function answerHref(p: Pick<PaymentView, "txn_mode" | "payer_vpa" | "link">): string {
  return p.txn_mode === "COLLECT" ? `/sandbox/upi?vpa=${encodeURIComponent(p.payer_vpa ?? "")}` : `/sandbox/upi?link=${encodeURIComponent(p.link)}`;
}

export function modeLabel(p: Pick<PaymentView, "txn_mode" | "payer_vpa" | "upi_qr">): string {
  return p.txn_mode === "COLLECT" ? `collect ${p.payer_vpa ?? ""}` : p.upi_qr ? "QR" : "intent";
}

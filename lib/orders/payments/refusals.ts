import { log } from "@/lib/log";
import type { PluralError } from "@/lib/plural";
import { describeFailure } from "../status/state-machine";

/**
 * What to tell the shopper, and the log, when Plural refuses or does not answer: one entry per
 * documented error code (ERROR_CODES in lib/plural), so a refusal never reads as another (a 400 on a QR is not
 * "enter a valid UPI ID"; a 401 at checkout is not "could not reach"). Each has its own log line
 * (`<where>.<what>`), at error level when the merchant must act (credentials, configuration).
 */

/** What the pay page can offer with the message: the QR instead of collect, or collect instead of the QR. */
type Offer = "use_qr" | "use_vpa";

type Refusal = { what: string; level: "warn" | "error"; message: string; offer?: Offer };

const UPSTREAM = "The payment service is not answering. Please try again in a moment.";
const RATE_LIMITED = "Too many payment attempts just now. Please try again in a minute.";
const SIGN_IN = "The shop could not sign in to the payment service. We have been alerted; please try again later.";

/** A refusal while starting a UPI payment (the pay page). */
export function paymentRefusal(e: PluralError, mode: "QR" | "COLLECT"): Refusal {
  const collect = mode === "COLLECT";
  if (e.kind === "network" || e.kind === "timeout" || e.status >= 500 || (e.kind === "http" && e.status === 404 && !e.isNotFound))
    return { what: "upstream_unavailable", level: "warn", message: UPSTREAM };
  if (e.kind === "response") return { what: "unreadable_answer", level: "error", message: UPSTREAM };
  if (e.kind === "validation")
    return collect
      ? { what: "invalid_vpa", level: "warn", message: "Enter a valid UPI ID, like name@bank." }
      : { what: "invalid_request", level: "error", message: "The shop could not prepare this payment. Please try again, or contact us." };
  if (e.status === 429 || e.code === "API_RATE_LIMIT" || e.code === "PAYMENT_RATE_LIMIT") return { what: "rate_limited", level: "warn", message: RATE_LIMITED };
  if (e.status === 401 || e.code === "UNAUTHORIZED") return { what: "unauthorized", level: "error", message: SIGN_IN };
  switch (e.code) {
    case "INVALID_USER_ACCOUNT":
      return { what: "invalid_vpa", level: "warn", message: "That UPI ID does not exist. Check it and try again." };
    case "INVALID_REQUEST": {
      const aboutVpa = collect && /vpa|payer|upi id/i.test(`${e.message} ${JSON.stringify(e.details ?? "")}`);
      return aboutVpa
        ? { what: "invalid_vpa", level: "warn", message: "The payment service did not accept that UPI ID. Check it (name@bank) and try again." }
        : {
            what: "invalid_request",
            level: "error",
            message: "The payment service refused to start this payment. Please try again; if it happens again, contact us.",
          };
    }
    case "PAYMENT_METHOD_NOT_ENABLED":
      return collect
        ? {
            what: "collect_not_enabled",
            level: "warn",
            message: "Payment requests to a UPI ID are not available in this shop. Scan the QR code or use your UPI app instead.",
            offer: "use_qr",
          }
        : {
            what: "qr_not_enabled",
            level: "warn",
            message: "QR and UPI app payments are not available in this shop. Get a request on your UPI ID instead.",
            offer: "use_vpa",
          };
    case "AMOUNT_LIMIT_EXCEEDED":
      return { what: "amount_limit", level: "warn", message: "This amount is over the UPI limit of your bank or app. Try another UPI app or account." };
    case "RISK_CHECK_FAILED":
      return {
        what: "risk_check_failed",
        level: "warn",
        message: "The payment service's risk check stopped this payment. Try another UPI ID or app, or contact us.",
      };
    case "ISSUER_NOT_SUPPORTED":
      return { what: "issuer_not_supported", level: "warn", message: "Your bank does not support this UPI payment. Try another UPI ID or app." };
    case "PAYMENT_DECLINED":
    case "INSUFFICIENT_FUNDS":
    case "USER_AUTHENTICATION_FAILED":
    case "PAYMENT_EXPIRED":
    case "PAYMENT_NOT_AUTHORIZED":
      return { what: "declined", level: "warn", message: `${describeFailure(e.code)} Try again, or use another UPI ID or app.` };
    case "ORDER_CANCELLED":
      return { what: "order_cancelled", level: "warn", message: "This order was cancelled and can no longer be paid." };
    case "OPERATION_NOT_ALLOWED":
      return { what: "not_allowed", level: "warn", message: "This order can no longer be paid." };
    case "PAYMENT_PENDING":
      return { what: "pending", level: "warn", message: "A payment request is already waiting. Approve or decline it in your UPI app first." };
    case "DUPLICATE_REQUEST":
      return { what: "duplicate_unread", level: "error", message: "This payment was already started. Reload the page to see it." };
    case "ORDER_NOT_FOUND":
      return { what: "order_not_found", level: "error", message: "The payment service does not know this order yet. Please try again in a moment." };
    default:
      return { what: "refused", level: "warn", message: "The payment service refused this payment. Please try again, or use another way to pay." };
  }
}

/** A refusal while creating the Plural order (checkout, or the pay page when checkout could not). */
export function orderRefusal(e: PluralError): Refusal {
  const saved = "Your order is saved:";
  if (e.kind === "network" || e.kind === "timeout" || e.status >= 500 || (e.kind === "http" && e.status === 404 && !e.isNotFound))
    return { what: "upstream_unavailable", level: "warn", message: `We could not reach the payment service. ${saved} press Pay again in a moment.` };
  if (e.kind === "response")
    return { what: "unreadable_answer", level: "error", message: `The payment service answered in a way we could not read. ${saved} please try again later.` };
  if (e.kind === "validation" || e.code === "INVALID_REQUEST")
    return { what: "invalid_request", level: "error", message: "The payment service refused this order. Check your details and try again." };
  if (e.status === 429 || e.code === "API_RATE_LIMIT" || e.code === "PAYMENT_RATE_LIMIT")
    return { what: "rate_limited", level: "warn", message: `The payment service is busy. ${saved} press Pay again in a minute.` };
  if (e.status === 401 || e.code === "UNAUTHORIZED")
    return {
      what: "unauthorized",
      level: "error",
      message: `The shop could not sign in to the payment service. ${saved} we have been alerted; please try again later.`,
    };
  switch (e.code) {
    case "AMOUNT_LIMIT_EXCEEDED":
      return { what: "amount_limit", level: "warn", message: "This order's amount is over what UPI accepts. Remove an item and try again." };
    case "PAYMENT_METHOD_NOT_ENABLED":
      return { what: "upi_not_enabled", level: "error", message: `UPI payments are not available in this shop right now. ${saved} please try again later.` };
    case "RISK_CHECK_FAILED":
      return { what: "risk_check_failed", level: "warn", message: "The payment service's risk check stopped this order. Please contact us." };
    case "DUPLICATE_REQUEST":
      return {
        what: "duplicate_unread",
        level: "error",
        message: `The payment service already has an order with this reference. ${saved} please try again in a moment.`,
      };
    default:
      return { what: "refused", level: "warn", message: `The payment service refused this order. ${saved} please try again later.` };
  }
}

/** Logs a refusal under its own name (`payments.rate_limited`, `checkout.unauthorized`…). */
export function logRefusal(where: "payments" | "checkout", r: Refusal, e: PluralError, fields: Record<string, unknown>) {
  log[r.level](`${where}.${r.what}`, { ...fields, code: e.code, status: e.status, pluralRequestId: e.requestId });
}

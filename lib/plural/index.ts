/**
 * The Plural client's public API (README.md beside this file). This folder imports nothing of the
 * app: configuration, logger and clock come in through `createPluralClient(config)`. The app makes
 * its one client in lib/plural-client.ts.
 */
export { createPluralClient, settlementWindows } from "./client";
export type { PaymentAnswer, PluralClient, PluralClientConfig, SettlementWindow, UpiPaymentInput } from "./client";
export { ERROR_CODES, LIMITS, ORDER_STATUSES, PATHS, RETRYABLE_STATUSES, SETTLEMENT_LIMITS } from "./constants";
export { PluralError, redact } from "./errors";
export type { PluralErrorKind } from "./errors";
export { DEFAULT_RETRY, silentLogger } from "./http";
export type { Logger, RetryPolicy } from "./http";
export { paiseToRupeeString, parseRupees, rupeesToPaise } from "./rupees";
export type { Paise } from "./rupees";
export { captureRequest, createOrderRequest, createPaymentRequest, orderResponse, refundRequest, refundResponse, webhookPayload } from "./schemas";
export type { CaptureRequest, CreateOrderRequest, CreatePaymentRequest, PluralOrder, PluralRefund, RefundRequest } from "./schemas";
export { settlementDetail, settlementList } from "./settlement-schemas";
export type { PluralSettlementDetail, PluralSettlementList, PluralSettlementSummary } from "./settlement-schemas";
export { callbackSigningString, signCallback, signWebhook, verifyCallback, verifyWebhook, webhookHeaders } from "./signature";
export type { WebhookHeaders, WebhookSecretFormat, WebhookVerification } from "./signature";
export {
  appLinks,
  buildUpiLink,
  iosAppLink,
  isValidVpa,
  openInChromeLink,
  paiseToUpiAmount,
  parseUpiLink,
  UPI_APPS,
  upiAmountToPaise,
  upiLinkOf,
  upiQuery,
} from "./upi";
export type { Platform, UpiApp, UpiLink } from "./upi";

/** Plural v3: paths, limits, statuses and codes in one place (Pine Labs' v3 API reference and developer guides). */

export const PATHS = {
  token: "/api/auth/v1/token",
  orders: "/api/pay/v1/orders",
  order: (orderId: string) => `/api/pay/v1/orders/${encodeURIComponent(orderId)}`,
  orderByReference: (ref: string) => `/api/pay/v1/orders/reference/${encodeURIComponent(ref)}`,
  payments: (orderId: string) => `/api/pay/v1/orders/${encodeURIComponent(orderId)}/payments`,
  capture: (orderId: string) => `/api/pay/v1/orders/${encodeURIComponent(orderId)}/capture`,
  cancel: (orderId: string) => `/api/pay/v1/orders/${encodeURIComponent(orderId)}/cancel`,
  refund: (orderId: string) => `/api/pay/v1/refunds/${encodeURIComponent(orderId)}`,
  settlements: "/api/settlements/v1/list",
  settlementByUtr: (utr: string) => `/api/settlements/v1/detail/${encodeURIComponent(utr)}`,
} as const;

/** Settlements (Pine Labs' Settlements pages): at most 10 records a page, a 60-day window, 6 months of history, up to 3 h late. */
export const SETTLEMENT_LIMITS = {
  perPage: 10,
  maxWindowDays: 60,
  historyDays: 183,
  lagHours: 3,
  /** A reference to a bank transfer: the docs' example has 12 digits, their table says 16–50 characters. */
  utr: /^[A-Za-z0-9]{1,50}$/,
} as const;

export const LIMITS = {
  amountMin: 100,
  amountMax: 100_000_000,
  merchantReference: /^[A-Za-z0-9_-]{1,50}$/,
  /** NPCI handles are user@psp; the docs' own sample has a dot, which their stated charset excludes. */
  vpa: /^[A-Za-z0-9._-]{2,256}@[A-Za-z][A-Za-z0-9.-]{1,63}$/,
  emailMax: 50,
  nameMax: 50,
  customerIdMax: 19,
  mobileMin: 9,
  mobileMax: 20,
  addressLineMax: 100,
  pincodeMin: 6,
  pincodeMax: 10,
  cityStateCountryMax: 50,
  metadataPairsMax: 10,
  metadataValueMax: 256,
} as const;

export const ORDER_STATUSES = [
  "CREATED",
  "PENDING",
  "ATTEMPTED",
  "AUTHORIZED",
  "PROCESSED",
  "PARTIALLY_CAPTURED",
  "CANCELLED",
  "FAILED",
  "PARTIALLY_REFUNDED",
  "FULLY_REFUNDED",
] as const;

/** Documented error codes (Pine Labs' "Error Codes" page) and their HTTP status. */
export const ERROR_CODES = {
  INVALID_REQUEST: 400,
  UNAUTHORIZED: 401,
  ORDER_NOT_FOUND: 404,
  PAYMENT_RATE_LIMIT: 422,
  CARD_EXPIRED: 422,
  CARD_VERIFICATION_FAILED: 422,
  CARD_STOLEN: 422,
  CARD_NOT_ENROLLED: 422,
  CARD_LOST: 422,
  CARD_NOT_ALLOWED: 422,
  RISK_CHECK_FAILED: 422,
  PAYMENT_METHOD_NOT_ENABLED: 422,
  OPERATION_NOT_ALLOWED: 422,
  ORDER_CANCELLED: 422,
  PAYMENT_NOT_AUTHORIZED: 422,
  PAYMENT_PENDING: 422,
  PAYMENT_EXPIRED: 422,
  PAYMENT_DECLINED: 422,
  INSUFFICIENT_FUNDS: 422,
  AMOUNT_LIMIT_EXCEEDED: 422,
  ISSUER_NOT_SUPPORTED: 422,
  USER_AUTHENTICATION_FAILED: 422,
  INVALID_USER_ACCOUNT: 422,
  DUPLICATE_REQUEST: 422,
  API_RATE_LIMIT: 429,
  INTERNAL_ERROR: 500,
  UNKNOWN_ERROR: 500,
  TIMED_OUT: 504,
} as const;

/** HTTP statuses worth retrying (the "Error Codes" page; Pine Labs' MCP server retries 429, 502, 503 and 504). */
export const RETRYABLE_STATUSES = new Set([429, 502, 503, 504]);

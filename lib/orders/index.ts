import "server-only";

// The domain, by name: what pages, routes, scripts and tests use. Each name lives in the folder of its
// concern (CONTRIBUTING.md, "Where things go"); a module not listed here is internal to lib/orders.
export { cartCookieName, type CookieReader, orderAccessSetCookie, ownsOrder, ownsOrderRow } from "./access/order-access";
export { addressKey, withinLimits } from "./access/rate-limits";
export { listProducts, productBySlug } from "./catalog/catalog";
export {
  addToCart,
  CART_COOKIE_DAYS,
  CartError,
  cartIdFor,
  cartTokenHash,
  createCart,
  getCart,
  productAvailable,
  refillCartFromOrder,
  setQuantity,
} from "./cart/cart";
export { type CheckoutForm, checkoutForm, type CheckoutValues, fieldErrors, formToCheckout } from "./checkout/customer-form";
export { newCheckoutKey, placeOrder } from "./checkout/place-order";
export { type ActivePayment, cancelCheckout, startPayment, type StartMode } from "./payments/start-payment";
export { handleReturn, RETURN_ACCESS_WINDOW_MS } from "./payments/shopper-return";
export { payPageView, resultPageView } from "./payments/shopper-views";
export { awaitingRefundNews, isSettledForShopper, LATE_PAYMENT_LABELS, OPEN_STATUSES, refundableOf } from "./status/statuses";
export { describeFailure } from "./status/state-machine";
export { applyStatus } from "./status/apply";
export { autoRefundsDue, lateRefundReference, refundLatePayment, secondPayments } from "./status/late-payments";
export { syncOrder } from "./sync/sync-order";
export { reconcile } from "./sync/reconcile";
export { handleWebhook } from "./webhooks/handle-webhook";
export { liveStatus, noteWebhookArrived } from "./live/live-status";
export { openOrderStream, openStreamCount } from "./live/order-stream";
export { consoleOrder, consoleOrderReference, consoleOrders, type OrderFilter, orderForAction } from "./console/order-queries";
export { cancelOrder, captureOrder, newRefundKey, refundOrder, syncNow } from "./console/order-actions";
export { eventsByRequestId, orderSearch } from "./console/search";

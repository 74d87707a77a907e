/** The simulated Plural's engine: the `Sandbox` class and what its callers need to name. */
export { Sandbox } from "./sandbox";
export { SandboxError } from "./errors";
export type { SandboxConfig } from "./core";
export type { DashboardView, OrderSummary, PaymentView, WebhookView } from "./views";
export type { WebhookHealth } from "./outbox";
export { OPERATIONS, SETTLEMENT_OPERATIONS, type Operation, type SettlementOperation } from "./stats";
export { hashBody } from "./util";
export { PROFILE_NAMES, READINGS, type ProfileName } from "./profiles";

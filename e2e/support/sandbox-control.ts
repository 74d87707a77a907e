import { expect, type APIRequestContext, type APIResponse } from "@playwright/test";

type Fault = {
  endpoint: string;
  kind: "latency" | "error" | "timeout" | string;
  latency_ms?: number;
  status?: number;
  count?: number;
  /** "after": the work is done and its answer lost (a gateway timing out upstream). */
  phase?: "before" | "after";
  /** A documented error code for the answer (PAYMENT_METHOD_NOT_ENABLED…). */
  code?: string;
};
type ControlPayment = { id: string; status: string; order_id?: string; mode?: string };

/**
 * The sandbox's control API (`/sandbox/control/*`, docs/sandbox.md), as the tests use it: each call
 * fails the test when the sandbox refuses it, so a typo in a setting is not a silent no-op.
 */
export class SandboxControl {
  constructor(private readonly request: APIRequestContext) {}

  private async ok(res: Promise<APIResponse>, what: string) {
    const r = await res;
    expect(r.ok(), `sandbox control: ${what} answered ${r.status()} ${await r.text().catch(() => "")}`).toBe(true);
    return r;
  }

  /** Forget every order, payment and webhook; settings back to their defaults unless kept. */
  reset({ keepSettings = false } = {}) {
    return this.ok(this.request.post("/sandbox/control/reset", { data: { keep_settings: keepSettings } }), "reset");
  }

  /** Change settings (payment expiry, challenge mode, cancel policy, webhook delivery…). */
  settings(patch: Record<string, unknown>) {
    return this.ok(this.request.patch("/sandbox/control/settings", { data: patch }), `settings ${JSON.stringify(patch)}`);
  }

  /** Make an endpoint slow or failing for its next `count` calls. */
  fault(rule: Fault) {
    return this.ok(this.request.post("/sandbox/control/faults", { data: rule }), `fault ${JSON.stringify(rule)}`);
  }

  clearFaults() {
    return this.ok(this.request.delete("/sandbox/control/faults"), "clear faults");
  }

  async payments(): Promise<ControlPayment[]> {
    return (await (await this.ok(this.request.get("/sandbox/control/payments"), "payments")).json()).payments;
  }

  /** The payer says yes in their UPI app. */
  approve(paymentId: string) {
    return this.ok(this.request.post(`/sandbox/control/payments/${paymentId}/approve`, { data: {} }), `approve ${paymentId}`);
  }

  /** The payment expires unanswered (PAYMENT_EXPIRED): the order is ATTEMPTED, or FAILED when no retry is left. */
  expire(paymentId: string) {
    return this.ok(this.request.post(`/sandbox/control/payments/${paymentId}/expire`, { data: {} }), `expire ${paymentId}`);
  }

  /** A failed, expired or replaced payment succeeds after all (the bank's debit came late): the order is PROCESSED. */
  approveLate(paymentId: string) {
    return this.ok(this.request.post(`/sandbox/control/payments/${paymentId}/approve-late`, { data: {} }), `approve-late ${paymentId}`);
  }

  /** Every order at the sandbox (Plural's JSON), newest first. */
  async orders(): Promise<
    Array<{ order_id: string; merchant_order_reference: string; type: string; status: string; payments: Array<{ id: string; status: string }> }>
  > {
    return (await (await this.ok(this.request.get("/sandbox/control/orders"), "orders")).json()).orders;
  }

  /** The latest payment of a Plural order. */
  async lastPaymentOf(pluralOrderId: string): Promise<ControlPayment> {
    const mine = (await this.payments()).filter((p) => p.order_id === pluralOrderId);
    expect(mine.length, `a payment of ${pluralOrderId} at the sandbox`).toBeGreaterThan(0);
    return mine[mine.length - 1]!;
  }

  async webhooks(): Promise<{ health: { state: string } }> {
    return (await (await this.ok(this.request.get("/sandbox/control/webhooks"), "webhooks")).json()) as { health: { state: string } };
  }

  /** Plural settles what is due now (`misreport`: payment id → the amount in paise Plural reports instead). */
  runSettlements(body: { misreport?: Record<string, number> } = {}) {
    return this.ok(this.request.post("/sandbox/control/settlements/run", { data: body }), "settlements run");
  }

  /** Write the sandbox's state to its journal now (what a crash must not lose). */
  persist() {
    return this.ok(this.request.post("/sandbox/control/persist"), "persist");
  }
}

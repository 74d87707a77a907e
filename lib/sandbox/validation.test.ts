/**
 * The sandbox's request validation answers exactly as before it moved to zod: every case below was
 * recorded from the hand-written checks (validation-answers.json) and must be answered byte for byte
 * the same. UPDATE_VALIDATION_ANSWERS=1 records them again.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandboxServer, TEST_CREDENTIALS } from "@/lib/testing/sandbox";

const FILE = path.join(__dirname, "validation-answers.json");
let server: Awaited<ReturnType<typeof startSandboxServer>>;
let token: string;

beforeAll(async () => {
  server = await startSandboxServer({ background: false });
  server.sandbox.updateSettings({ webhook: { enabled: false }, auto_answer_ms: 600_000 });
  const res = await fetch(`${server.baseUrl}/api/auth/v1/token`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ client_id: TEST_CREDENTIALS.clientId, client_secret: TEST_CREDENTIALS.clientSecret, grant_type: "client_credentials" }),
  });
  token = ((await res.json()) as { access_token: string }).access_token;
});
afterAll(() => server.close());

const long = (n: number) => "a".repeat(n);
const order = (extra: Record<string, unknown> = {}) => ({ merchant_order_reference: "ref_1", order_amount: { value: 10000, currency: "INR" }, ...extra });
const amounts: unknown[] = [
  undefined,
  null,
  [],
  {},
  "100",
  { value: "100" },
  { value: 99 },
  { value: 100.5 },
  { value: 1e9 },
  { value: 1e20 },
  { value: 1.5e8 + 0.5 },
  { value: 100, currency: "USD" },
  { value: 100, currency: null },
  { value: 100 },
];
const refs: unknown[] = [undefined, null, "", 123, -1, 1.5, true, {}, long(51), "bad ref!", long(50), 0];
const customer = (c: unknown) => ({ purchase_details: { customer: c } });

const orderCases: unknown[] = [
  null,
  [],
  "str",
  5,
  {},
  ...refs.map((r) => order({ merchant_order_reference: r })),
  ...amounts.map((a) => order({ order_amount: a })),
  order({ merchant_order_reference: "", order_amount: {} }),
  order({ order_amount: { value: 5 }, pre_auth: "yes" }),
  order({ pre_auth: "yes" }),
  order({ pre_auth: null }),
  order({ pre_auth: true }),
  order({ allowed_payment_methods: "UPI" }),
  order({ allowed_payment_methods: ["UPI", "X"] }),
  order({ allowed_payment_methods: [] }),
  order({ allowed_payment_methods: null }),
  order({ notes: 5 }),
  order({ notes: long(257) }),
  order({ notes: null }),
  order({ notes: long(256) }),
  order({ callback_url: "ftp://x.example" }),
  order({ callback_url: "http://" }),
  order({ callback_url: null }),
  order({ callback_url: 5 }),
  order({ failure_callback_url: "nope" }),
  order({ callback_url: "https://shop.example/return", failure_callback_url: "https://shop.example/fail" }),
  order({ notes: 5, callback_url: "ftp://x" }),
  order({ purchase_details: null }),
  order({ purchase_details: "x" }),
  order(customer(null)),
  order(customer("x")),
  order(customer({ email_id: "bad" })),
  order(customer({ email_id: `${long(60)}@x.com` })),
  order(customer({ email_id: "" })),
  order(customer({ email_id: null })),
  order(customer({ first_name: "" })),
  order(customer({ last_name: long(51) })),
  order(customer({ customer_id: long(20) })),
  order(customer({ mobile_number: "123" })),
  order(customer({ mobile_number: 9876543210 })),
  order(customer({ billing_address: null })),
  order(customer({ billing_address: "x" })),
  order(customer({ billing_address: { pincode: "1" } })),
  order(customer({ billing_address: { address1: long(101) } })),
  order(customer({ shipping_address: { city: 5 } })),
  order(customer({ shipping_address: { country: null, state: long(51) } })),
  order(customer({ email_id: "bad", first_name: "" })),
  order(customer({ first_name: "Asha", billing_address: { pincode: "560001", city: "Bengaluru" } })),
  order({ purchase_details: { merchant_metadata: null } }),
  order({ purchase_details: { merchant_metadata: [] } }),
  order({ purchase_details: { merchant_metadata: { a: 5 } } }),
  order({ purchase_details: { merchant_metadata: { a: long(257) } } }),
  order({ purchase_details: { merchant_metadata: { [long(257)]: "x" } } }),
  order({ purchase_details: { merchant_metadata: Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`k${i}`, 5])) } }),
  order({ purchase_details: { merchant_metadata: { a: "b" }, customer: { email_id: "x" } } }),
  order({ purchase_details: { customer: { email_id: "x" }, merchant_metadata: 5 } }),
  order({ purchase_details: { unknown: 1, customer: { extra: true } } }),
];

const upi = (details: unknown, extra: Record<string, unknown> = {}) => ({
  payments: [
    {
      merchant_payment_reference: "pay_1",
      payment_method: "UPI",
      payment_amount: { value: 10000, currency: "INR" },
      payment_option: { upi_details: details },
      ...extra,
    },
  ],
});
const item = (i: unknown) => ({ payments: [i] });
const paymentCases: unknown[] = [
  null,
  {},
  { payments: [] },
  { payments: "x" },
  { payments: [null, null] },
  { payments: [upi({ txn_mode: "INTENT" }).payments[0], null] },
  item(null),
  item({}),
  item({ payment_method: 5 }),
  item({ payment_method: "CARD" }),
  item({ payment_method: "FOO" }),
  ...refs.map((r) => upi({ txn_mode: "INTENT" }, { merchant_payment_reference: r })),
  ...amounts.map((a) => upi({ txn_mode: "INTENT" }, { payment_amount: a })),
  upi({ txn_mode: "INTENT" }, { payment_option: undefined }),
  upi({ txn_mode: "INTENT" }, { payment_option: null }),
  upi({ txn_mode: "INTENT" }, { payment_option: {} }),
  upi({ txn_mode: "INTENT" }, { payment_option: { upi_details: null, upi_data: { txn_mode: "INTENT", upi_qr: true } } }),
  upi({ txn_mode: "INTENT" }, { payment_option: { upi_details: "x", upi_data: { txn_mode: "INTENT" } } }),
  upi(null),
  upi("x"),
  upi({}),
  upi({ txn_mode: "QR" }),
  upi({ txn_mode: "INTENT", upi_qr: "yes" }),
  upi({ txn_mode: "INTENT", upi_qr: null }),
  upi({ txn_mode: "COLLECT", upi_qr: true }),
  upi({ txn_mode: "COLLECT", upi_qr: true, payer: { vpa: "bad" } }),
  upi({ txn_mode: "COLLECT" }),
  upi({ txn_mode: "COLLECT", payer: null }),
  upi({ txn_mode: "COLLECT", payer: { vpa: 5 } }),
  upi({ txn_mode: "COLLECT", payer: { vpa: "  " } }),
  upi({ txn_mode: "COLLECT", payer: { vpa: "bad" } }),
  upi({ txn_mode: "COLLECT", payer: { vpa: `${long(260)}@okbank` } }),
  upi({ txn_mode: "COLLECT", payer: { vpa: "invalid@sandbox" } }),
  upi({ txn_mode: "COLLECT", payer: { vpa: " asha@okicici " } }),
  upi({ txn_mode: "INTENT" }, { payment_amount: { value: 20000 } }),
  upi({ txn_mode: "INTENT" }, { merchant_payment_reference: "", payment_amount: {}, payment_option: null }),
  upi({ txn_mode: "QR" }, { payment_amount: { value: 5 } }),
  upi({ txn_mode: "INTENT", upi_qr: true }),
];

const captureCases: unknown[] = [
  null,
  {},
  ...refs.map((r) => ({ merchant_capture_reference: r })),
  ...amounts.map((a) => ({ merchant_capture_reference: "cap_1", capture_amount: a })),
];
const refundCases: unknown[] = [
  null,
  {},
  ...refs.map((r) => ({ merchant_order_reference: r, order_amount: { value: 1000 } })),
  ...amounts.map((a) => ({ merchant_order_reference: "rf_1", order_amount: a })),
  { merchant_order_reference: "rf_1", refund_amount: 1000 },
  { merchant_order_reference: "rf_1", refund_amount: 50 },
  { merchant_order_reference: "rf_1", refund_amount: "1000" },
  { merchant_order_reference: "rf_1", refund_amount: { value: 1000 } },
  { merchant_order_reference: "rf_1", order_amount: null, refund_amount: 1000 },
  { merchant_order_reference: "rf_1", order_amount: { value: 1000 }, merchant_metadata: { a: 5 } },
  { merchant_order_reference: "rf_1", order_amount: { value: 5 }, merchant_metadata: { a: 5 } },
  { merchant_order_reference: "rf_1", order_amount: { value: 1000 }, merchant_metadata: [] },
];
const tokenCases: unknown[] = [
  null,
  {},
  { client_id: "a" },
  { client_id: "", client_secret: "b" },
  { client_id: 5, client_secret: "b" },
  { client_id: "a", client_secret: "b" },
  { client_id: "a", client_secret: "b", grant_type: "password" },
  { client_id: "a", client_secret: "b", grant_type: 5 },
  { client_id: "a", client_secret: "b", grant_type: "CLIENT_CREDENTIALS" },
];

type Answer = { status: number; body: string };

async function send(method: string, p: string, body: unknown, auth = true): Promise<Answer> {
  const res = await fetch(`${server.baseUrl}${p}`, {
    method,
    headers: { "content-type": "application/json", ...(auth ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? "" : JSON.stringify(body),
  });
  const text = await res.text();
  // Successful answers carry fresh ids and times: their status is what is compared.
  return { status: res.status, body: res.status < 300 ? "" : text };
}

async function answers(): Promise<Record<string, Answer>> {
  const out: Record<string, Answer> = {};
  for (const [i, c] of tokenCases.entries()) out[`token ${i}`] = await send("POST", "/api/auth/v1/token", c, false);
  for (const [i, c] of orderCases.entries()) {
    server.sandbox.reset(true);
    out[`createOrder ${i}`] = await send("POST", "/api/pay/v1/orders", c);
  }
  for (const [i, c] of paymentCases.entries()) {
    server.sandbox.reset(true);
    const { order: o } = server.sandbox.createOrder({ merchant_order_reference: "base_1", order_amount: { value: 10000, currency: "INR" } });
    out[`createPayment ${i}`] = await send("POST", `/api/pay/v1/orders/${o.order_id}/payments`, c);
  }
  for (const [i, c] of captureCases.entries()) out[`capture ${i}`] = await send("PUT", "/api/pay/v1/orders/v1-000000000000-aa-none00/capture", c);
  for (const [i, c] of refundCases.entries()) out[`refund ${i}`] = await send("POST", "/api/pay/v1/refunds/v1-000000000000-aa-none00", c);
  return out;
}

describe("request validation", () => {
  it("answers every recorded case exactly as the hand-written checks did", async () => {
    const now = await answers();
    if (process.env.UPDATE_VALIDATION_ANSWERS === "1" || !existsSync(FILE)) {
      writeFileSync(FILE, `${JSON.stringify(now, null, 1)}\n`);
      return;
    }
    const recorded = JSON.parse(readFileSync(FILE, "utf8")) as Record<string, Answer>;
    expect(Object.keys(now)).toEqual(Object.keys(recorded));
    for (const key of Object.keys(recorded)) expect(now[key], key).toEqual(recorded[key]);
  });
});

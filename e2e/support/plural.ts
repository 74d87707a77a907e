import type { APIRequestContext } from "@playwright/test";

/** Talks to the app's sandbox over HTTP, as a merchant's server (or curl) would. */
export const SANDBOX_CREDENTIALS = { client_id: "sandbox-merchant-0001", client_secret: "5a4e3b2c1d0f9e8d7c6b5a4938271605", grant_type: "client_credentials" };

export async function sandboxApi(request: APIRequestContext) {
  const token = (await (await request.post("/sandbox/api/auth/v1/token", { data: SANDBOX_CREDENTIALS })).json()).access_token as string;
  const headers = { authorization: `Bearer ${token}` };
  return {
    token,
    async createOrder(value: number, extra: object = {}) {
      const res = await request.post("/sandbox/api/pay/v1/orders", {
        headers,
        data: { merchant_order_reference: `e2e_${Date.now()}_${Math.floor(Math.random() * 1e6)}`, order_amount: { value, currency: "INR" }, ...extra },
      });
      return (await res.json()).data;
    },
    async pay(orderId: string, value: number, upi_details: object) {
      const res = await request.post(`/sandbox/api/pay/v1/orders/${orderId}/payments`, {
        headers,
        data: {
          payments: [
            {
              merchant_payment_reference: `p_${Date.now()}_${Math.floor(Math.random() * 1e6)}`,
              payment_method: "UPI",
              payment_amount: { value, currency: "INR" },
              payment_option: { upi_details },
            },
          ],
        },
      });
      return (await res.json()).data;
    },
    async getOrder(orderId: string) {
      return (await (await request.get(`/sandbox/api/pay/v1/orders/${orderId}`, { headers })).json()).data;
    },
  };
}

export function shotPath(name: string) {
  return `test-results/screenshots/${name}.png`;
}

/** The second e2e server, which creates pre-auth orders (playwright.config.ts). */
export const PREAUTH_URL = `http://127.0.0.1:${Number(process.env.E2E_PORT ?? 3100) + 1}`;

/** The default e2e server (playwright.config.ts). */
export const STORE_URL = `http://127.0.0.1:${Number(process.env.E2E_PORT ?? 3100)}`;

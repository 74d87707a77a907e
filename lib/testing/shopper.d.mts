/** Types for lib/testing/shopper.mjs (the test shopper shared by unit tests, e2e, bench and the fuzzers). */
export type Shopper = { name: string; email: string; mobile: string; address1: string; city: string; state: string; pincode: string };
export const SHOPPER: Readonly<Shopper>;
export function checkoutForm(overrides?: Partial<Shopper>): {
  name: string;
  email: string;
  mobile: string;
  billing: { address1: string; city: string; state: string; pincode: string };
  sameAsBilling: true;
};
export function checkoutFields(overrides?: Partial<Shopper>): Array<[string, string]>;
export function checkoutFormData(checkoutKey: string, overrides?: Partial<Shopper>): FormData;
export function checkoutLabels(overrides?: Partial<Shopper>): Array<[string, string]>;
export const SHOP_ACTIONS: "app/(shop)/actions.ts";
export const ADMIN_ACTIONS: "app/admin/actions.ts";
export const SANDBOX_ACTIONS: "app/sandbox/actions.ts";
export function actionIds(buildDir?: string): (file: string, name: string) => string;
export function actionValue(text: string): unknown;
export function payerAnswers(
  sandboxBase: string,
  paymentId: string,
  how?: "approve" | "decline" | "expire",
  body?: object,
): Promise<{ data?: unknown } | undefined>;
export function actionForm(html: string): Array<[string, string]>;
export function multipart(fields: Array<[string, string]>): { body: string; contentType: string };

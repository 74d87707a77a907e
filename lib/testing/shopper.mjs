/**
 * The test shopper, one for every kind of test: unit and route tests (Vitest), the browser specs (Playwright),
 * the benchmarks and the fuzzers each check out as this shopper, with these values, and read server actions and
 * pay at the sandbox the same way. Plain JavaScript, types in shopper.d.mts, so that bench's and scripts' .mjs
 * import it as they are and TypeScript tests import it with types.
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";

/** Who checks out: the checkout form's values (a valid form: lib/orders/checkout's rules). */
export const SHOPPER = Object.freeze({
  name: "Asha Verma",
  email: "asha@example.com",
  mobile: "9876543210",
  address1: "12 MG Road",
  city: "Bengaluru",
  state: "Karnataka",
  pincode: "560001",
});

const shopper = (overrides) => ({ ...SHOPPER, ...overrides });

/** The checkout as the domain takes it (lib/orders `CheckoutForm`): a billing address, shipped to the same. */
export function checkoutForm(overrides = {}) {
  const s = shopper(overrides);
  return {
    name: s.name,
    email: s.email,
    mobile: s.mobile,
    billing: { address1: s.address1, city: s.city, state: s.state, pincode: s.pincode },
    sameAsBilling: true,
  };
}

/** The checkout page's form fields as a browser posts them, in order: what the checkout action reads. */
export function checkoutFields(overrides = {}) {
  const s = shopper(overrides);
  return [
    ["name", s.name],
    ["email", s.email],
    ["mobile", s.mobile],
    ["billing.address1", s.address1],
    ["billing.city", s.city],
    ["billing.state", s.state],
    ["billing.pincode", s.pincode],
    ["sameAsBilling", "on"],
  ];
}

/** The same fields as FormData, with the page's checkout key: the argument placeOrderAction receives. */
export function checkoutFormData(checkoutKey, overrides = {}) {
  const form = new FormData();
  for (const [k, v] of checkoutFields(overrides)) form.set(k, v);
  form.set("checkoutKey", checkoutKey);
  return form;
}

/** The checkout page's fields by their labels, for a browser filling the form in (Playwright's getByLabel). */
export function checkoutLabels(overrides = {}) {
  const s = shopper(overrides);
  return [
    ["Full name", s.name],
    ["E-mail", s.email],
    ["Mobile number", s.mobile],
    ["Address", s.address1],
    ["City", s.city],
    ["State", s.state],
    ["PIN code", s.pincode],
  ];
}

/** The modules of the server actions a shopper, the merchant and the sandbox's pages call (as the build's manifest names them). */
export const SHOP_ACTIONS = "app/(shop)/actions.ts";
export const ADMIN_ACTIONS = "app/admin/actions.ts";
export const SANDBOX_ACTIONS = "app/sandbox/actions.ts";

/**
 * The server actions' ids in a build, from its server reference manifest: what a browser sends as `Next-Action`.
 * Answers a lookup (file as in the manifest, e.g. "app/(shop)/actions.ts", and the exported name).
 */
export function actionIds(buildDir = ".next") {
  let manifest;
  return (file, name) => {
    manifest ??= JSON.parse(readFileSync(`${buildDir}/server/server-reference-manifest.json`, "utf8"));
    const found = Object.entries(manifest.node).find(([, a]) => a.filename === file && a.exportedName === name);
    if (!found) throw new Error(`no server action ${name} in ${file} (is the build current?)`);
    return found[0];
  };
}

/** A server action's return value from its answer (React's flight format, row 1), when it is JSON; else the row's text. */
export function actionValue(text) {
  const row = text.split("\n").find((l) => l.startsWith("1:"));
  if (!row) return undefined;
  try {
    return JSON.parse(row.slice(2));
  } catch {
    return row.slice(2);
  }
}

/**
 * The payer answers a payment in the sandbox's UPI app (its control API, docs/sandbox.md): approve, decline or
 * let it expire. Answers the control API's JSON (`data`: the order as Plural has it); throws when refused.
 */
export async function payerAnswers(sandboxBase, paymentId, how = "approve", body = {}) {
  const res = await fetch(`${sandboxBase}/sandbox/control/payments/${encodeURIComponent(paymentId)}/${how}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`sandbox: ${how} ${paymentId} answered ${res.status} ${text.slice(0, 200)}`);
  return text ? JSON.parse(text) : undefined;
}

const unescapeHtml = (s) =>
  s
    .replace(/&quot;/g, '"')
    .replace(/&#x27;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");

/**
 * The hidden fields of the page's first server-action form, as a browser without JavaScript posts
 * them. Next 16 (React 19) renders a form whose action is a server action as
 * `$ACTION_REF_1`, `$ACTION_1:0` = {"id": <action id>, "bound": "$@1"}, `$ACTION_1:1` (the bound
 * previous state of useActionState), `$ACTION_KEY`, plus the form's own hidden inputs.
 */
export function actionForm(html) {
  const form = /<form[^>]*method="POST"[^>]*>([\s\S]*?)<\/form>/.exec(html);
  if (!form) throw new Error("no server-action form on the page");
  const fields = [];
  for (const m of form[1].matchAll(/<input type="hidden" name="([^"]+)"(?: value="([^"]*)")?\/?>/g))
    fields.push([unescapeHtml(m[1]), unescapeHtml(m[2] ?? "")]);
  if (!fields.some(([k]) => k.startsWith("$ACTION"))) throw new Error("the form has no server action fields");
  return fields;
}

/** A multipart/form-data body (what a browser posts for a server-action form). */
export function multipart(fields) {
  const boundary = `----testBoundary${randomBytes(8).toString("hex")}`;
  const body = fields.map(([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`).join("") + `--${boundary}--\r\n`;
  return { body, contentType: `multipart/form-data; boundary=${boundary}` };
}

/** A shopper over plain HTTP: the shop's pages and server actions as a browser would call them. */
import { pool, rand } from "./util.mjs";
import { get } from "./server.mjs";
import { approveByReference, webhookHeaders, webhookId } from "./sandbox.mjs";
import { actionForm, checkoutFields, multipart } from "../../lib/testing/shopper.mjs";

/**
 * The checkout form's customer fields (the test shopper, lib/testing/shopper.mjs), a different shopper each time
 * (their own e-mail): one shopper placing the same cart hundreds of times is what the store flags as paid twice, not load.
 */
export const customerFields = () => checkoutFields({ email: `shopper-${rand(12)}@example.com` });

/**
 * What a shopper does over HTTP, with no JavaScript (forms) or as the pay page's script does
 * (server action calls). Action ids are read from the rendered pages once: they are fixed per build.
 */
export class Shopper {
  /** `sandboxBase`: where the sandbox is (the store itself, or a separate sandbox service). */
  constructor(base, sandboxBase = base) {
    this.base = base;
    this.sandboxBase = sandboxBase;
  }

  /** The product page's add-to-cart form, once. */
  async productForm() {
    if (!this.product) {
      const home = await (await get(this.base + "/")).text();
      const href = /href="(\/products\/[^"]+)"/.exec(home)?.[1];
      if (!href) throw new Error("no product on the home page");
      this.product = { path: href, fields: actionForm(await (await get(this.base + href)).text()) };
    }
    return this.product;
  }

  /** The product page's add-to-cart form posted without a cookie (so it makes a new cart, named in its Set-Cookie). */
  async addToCartRequest() {
    const { path: p, fields } = await this.productForm();
    const { body, contentType } = multipart(fields);
    return { method: "POST", path: p, headers: { "content-type": contentType }, body };
  }

  /** A new cart with one product; answers its cookie, `cart=<id>`. */
  async newCart() {
    const q = await this.addToCartRequest();
    const r = await get(this.base + q.path, q);
    const cookie = cartCookie(r.headers.get("set-cookie"));
    await r.arrayBuffer();
    if (!cookie) throw new Error(`add to cart: ${r.status}, no cart cookie`);
    return cookie;
  }

  /**
   * Paid orders, made as shoppers and Plural would: checkout, the payer approves at the sandbox,
   * and its ORDER_PROCESSED webhook (signed like the sandbox's) is delivered to our route.
   * Answers [{ orderId, webhook: { id, body } }] for those that succeeded.
   */
  async paidOrders(n, token) {
    const made = await pool(Array.from({ length: n }), 4, async () => {
      const { orderId, ref, cookie } = await this.checkout(await this.newCart());
      const body = await approveByReference(this.sandboxBase, token, ref);
      if (!body) throw new Error("no pending payment at the sandbox");
      const id = webhookId();
      const r = await get(`${this.base}/api/plural/webhook`, { method: "POST", headers: webhookHeaders(id, body), body });
      const answer = await r.text();
      if (!r.ok || !answer.includes('"applied"')) throw new Error(`webhook answered ${r.status} ${answer.slice(0, 100)}`);
      return { orderId, cookie, webhook: { id, body } };
    });
    return made.filter((p) => !(p instanceof Error));
  }

  /** The checkout page's form fields (server action and a fresh checkout key), as rendered for this cart. */
  async checkoutForm(cookie, timeoutMs) {
    const r = await get(this.base + "/checkout", { headers: { cookie } }, timeoutMs);
    return actionForm(await r.text());
  }

  /**
   * The checkout form posted without JavaScript; the 303 to the pay page names the order, and sets
   * the cart's new cookie (a new order rotates it). Answers { orderId, cookie }.
   */
  async placeOrder(cookie, fields, timeoutMs) {
    const { body, contentType } = multipart([...fields, ...customerFields()]);
    const r = await get(this.base + "/checkout", { method: "POST", headers: { cookie, "content-type": contentType }, body }, timeoutMs);
    await r.arrayBuffer();
    const orderId = /^\/orders\/([^/]+)\/pay$/.exec(r.headers.get("location") ?? "")?.[1];
    if (r.status !== 303 || !orderId) throw new Error(`checkout answered ${r.status}`);
    return { orderId, cookie: cartCookie(r.headers.get("set-cookie")) ?? cookie };
  }

  /** The pay page, as the browser that placed the order loads it (its cart cookie); also reads its start-payment action id. */
  async payPage(orderId, timeoutMs, cookie) {
    const r = await get(`${this.base}/orders/${orderId}/pay`, { headers: { cookie } }, timeoutMs);
    const html = await r.text();
    if (r.status !== 200) throw new Error(`pay page answered ${r.status}`);
    if (!this.startActionId) {
      // The client component's prop `start` is a server reference: "start":"$h<row>", and row <row> is {"id":"<action id>","bound":null}.
      const ref = /\\"start\\":\\"\$h([0-9a-z]+)\\"/.exec(html)?.[1];
      const id = ref && new RegExp(`(?:^|\\\\n|")${ref}:\\{\\\\"id\\\\":\\\\"([0-9a-f]+)\\\\"`).exec(html)?.[1];
      if (!id) throw new Error("the pay page does not name its start-payment action");
      this.startActionId = id;
    }
    return html;
  }

  /** How the pay page's script calls startPaymentAction(orderId, "QR"): a server action request. */
  startPaymentRequest(orderId, cookie) {
    return {
      method: "POST",
      path: `/orders/${orderId}/pay`,
      headers: { cookie, "next-action": this.startActionId, accept: "text/x-component", "content-type": "text/plain;charset=UTF-8" },
      body: JSON.stringify([orderId, "QR", "$undefined"]),
    };
  }

  async startPayment(orderId, timeoutMs, cookie) {
    const q = this.startPaymentRequest(orderId, cookie);
    const r = await get(this.base + q.path, { method: q.method, headers: q.headers, body: q.body }, timeoutMs);
    const text = await r.text();
    if (r.status !== 200 || !startPaymentOk(text)) throw new Error(`start payment answered ${r.status} ${text.slice(0, 200)}`);
  }

  /** The whole checkout a browser makes: checkout page, form post, pay page, start payment; all within `timeoutMs`. */
  async checkout(cookie, timeoutMs = 60_000) {
    const end = Date.now() + timeoutMs;
    const left = () => Math.max(1, end - Date.now());
    const fields = await this.checkoutForm(cookie, left());
    const placed = await this.placeOrder(cookie, fields, left());
    await this.payPage(placed.orderId, left(), placed.cookie);
    await this.startPayment(placed.orderId, left(), placed.cookie);
    return { orderId: placed.orderId, cookie: placed.cookie, ref: fields.find(([k]) => k === "checkoutKey")?.[1] };
  }
}

/** `cart=<id>` from a Set-Cookie header (a string, or autocannon's array when there are several). */
export function cartCookie(setCookie) {
  for (const c of [setCookie ?? []].flat()) {
    const m = /(?:^|,\s*)(cart=[^;,]+)/.exec(c);
    if (m) return m[1];
  }
  return undefined;
}

/** A response header from autocannon's header object (names as the server sent them). */
export const header = (headers, name) => Object.entries(headers ?? {}).find(([k]) => k.toLowerCase() === name)?.[1];

/** The action's answer is React's flight format; row 1 is the ActionResult. */
export const startPaymentOk = (text) => /(?:^|\n)1:\{"ok":true/.test(text);

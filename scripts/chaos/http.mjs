/**
 * How the chaos run talks to the store: over HTTP only, through nginx, as browsers do. Pages and
 * plain form posts for the shopper (the test shopper's forms, lib/testing/shopper.mjs), server actions by their ids in the
 * build's manifest with React's own argument encoder (as e2e/support/actions.ts calls them), and the
 * sandbox's control API for Plural's side. Every answer's status and time is recorded (`onAnswer`),
 * so the report can count 5xx answers and say when they happened.
 */
import path from "node:path";
import { encodeReply } from "next/dist/compiled/react-server-dom-turbopack/client.edge.js";
import { actionForm, actionIds, actionValue, multipart } from "../../lib/testing/shopper.mjs";

const ROOT = path.resolve(import.meta.dirname, "..", "..");

/** A server action's id in the current build (.next/server/server-reference-manifest.json). */
const actionId = actionIds(path.join(ROOT, ".next"));

export { ADMIN_ACTIONS, SHOP_ACTIONS } from "../../lib/testing/shopper.mjs";

/** An HTTP client for one actor: its own address (X-Forwarded-For) and cookies; every answer reported. */
export class Client {
  constructor(base, { address, who, onAnswer, timeoutMs = 45_000 }) {
    this.base = base;
    this.address = address;
    this.who = who;
    this.onAnswer = onAnswer;
    this.timeoutMs = timeoutMs;
    this.cookies = new Map();
  }

  cookieHeader() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }

  keepCookies(res) {
    for (const c of res.headers.getSetCookie?.() ?? []) {
      const m = /^([^=;\s]+)=([^;]*)/.exec(c);
      if (!m) continue;
      if (/max-age=0|expires=thu, 01 jan 1970/i.test(c) || m[2] === "") this.cookies.delete(m[1]);
      else this.cookies.set(m[1], m[2]);
    }
  }

  /** A request; answers { status, text, headers } or { status: 0, error } when nothing came back. */
  async request(what, p, init = {}) {
    const t0 = Date.now();
    const headers = { "x-forwarded-for": this.address, ...(this.cookies.size ? { cookie: this.cookieHeader() } : {}), ...init.headers };
    try {
      const res = await fetch(this.base + p, { redirect: "manual", ...init, headers, signal: AbortSignal.timeout(this.timeoutMs) });
      const text = await res.text();
      this.keepCookies(res);
      this.onAnswer?.({ who: this.who, what, status: res.status, at: t0, ms: Date.now() - t0 });
      return { status: res.status, text, headers: res.headers };
    } catch (e) {
      this.onAnswer?.({ who: this.who, what, status: 0, at: t0, ms: Date.now() - t0, error: String(e?.cause?.code ?? e?.name ?? e) });
      return { status: 0, text: "", error: String(e?.message ?? e) };
    }
  }

  /** A server action, as the browser calls it: answers the request's answer, the action's value (row 1) and its redirect. */
  async action(what, p, file, name, args) {
    const body = await encodeReply(args);
    const headers = { "next-action": actionId(file, name), accept: "text/x-component", origin: this.base };
    const init =
      typeof body === "string"
        ? { method: "POST", headers: { ...headers, "content-type": "text/plain;charset=UTF-8" }, body }
        : { method: "POST", headers, body };
    const r = await this.request(what, p, init);
    return { ...r, value: actionValue(r.text), redirect: r.headers?.get("x-action-redirect") ?? undefined };
  }

  /** A page's first server-action form posted without JavaScript (with `extra` fields). */
  async postForm(what, p, html, extra = []) {
    const { body, contentType } = multipart([...actionForm(html), ...extra]);
    return this.request(what, p, { method: "POST", headers: { "content-type": contentType }, body });
  }
}

/** The sandbox's control API (loopback; it answers the chaos run's own requests, never the store's). */
export class Control {
  constructor(sandboxUrl) {
    this.base = `${sandboxUrl}/control`;
  }
  async call(method, p, body) {
    for (let i = 0; ; i++) {
      try {
        const r = await fetch(`${this.base}/${p}`, {
          method,
          headers: { "content-type": "application/json" },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(30_000),
        });
        const text = await r.text();
        let json;
        try {
          json = JSON.parse(text);
        } catch {
          json = { text };
        }
        // A sandbox still starting (or stopping) answers its generic 404: asked again, like a refused connection.
        if (r.status === 404 && json.message === "Not Found" && i < 20) {
          await new Promise((r) => setTimeout(r, 500));
          continue;
        }
        return { status: r.status, json };
      } catch (e) {
        // The sandbox may be restarting (a fault): a few tries, then the caller hears it.
        if (i >= 20) return { status: 0, json: { error: String(e) } };
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  }
  get = (p) => this.call("GET", p);
  post = (p, body = {}) => this.call("POST", p, body);
  patch = (p, body) => this.call("PATCH", p, body);
  del = (p) => this.call("DELETE", p);
}

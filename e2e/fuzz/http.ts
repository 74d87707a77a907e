// React's own encoder for server action arguments: the very bytes a browser sends.
import { encodeReply } from "next/dist/compiled/react-server-dom-turbopack/client.edge";
import { actionValue } from "@/lib/testing/shopper.mjs";

/**
 * A shopper's (or an attacker's) browser, reduced to fetch and a cookie jar: calls server actions
 * over HTTP as the browser does (POST to a page, `Next-Action` header, React-encoded arguments).
 */
export class Browser {
  readonly cookies = new Map<string, string>();
  constructor(
    readonly base: string,
    readonly extraHeaders: Record<string, string> = {},
  ) {}

  private cookieHeader(): Record<string, string> {
    return this.cookies.size ? { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ") } : {};
  }

  private keep(res: Response) {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(";");
      const at = pair!.indexOf("=");
      this.cookies.set(pair!.slice(0, at), pair!.slice(at + 1));
    }
  }

  async get(path: string, headers: Record<string, string> = {}): Promise<Response> {
    const res = await fetch(this.base + path, { headers: { ...this.extraHeaders, ...this.cookieHeader(), ...headers }, redirect: "manual" });
    this.keep(res);
    return res;
  }

  async action(path: string, id: string, args: unknown[], headers: Record<string, string> = {}) {
    const body = await encodeReply(args);
    const res = await fetch(this.base + path, {
      method: "POST",
      headers: {
        ...this.extraHeaders,
        ...this.cookieHeader(),
        "next-action": id,
        accept: "text/x-component",
        origin: this.base,
        ...(typeof body === "string" ? { "content-type": "text/plain;charset=UTF-8" } : {}),
        ...headers,
      },
      body,
      redirect: "manual",
    });
    this.keep(res);
    return { status: res.status, value: actionValue(await res.text()), redirect: res.headers.get("x-action-redirect") ?? undefined };
  }
}

import { readFileSync } from "node:fs";
// React's own encoder for server action arguments: the very bytes a browser sends.
import { encodeReply } from "next/dist/compiled/react-server-dom-turbopack/client.edge";

/**
 * A shopper's (or an attacker's) browser, reduced to fetch and a cookie jar: calls server actions
 * over HTTP as the browser does (POST to a page, `Next-Action` header, React-encoded arguments).
 */
type Manifest = { node: Record<string, { filename: string; exportedName: string }> };

export function actionIds(buildDir = ".next"): (file: string, name: string) => string {
  const m = JSON.parse(readFileSync(`${buildDir}/server/server-reference-manifest.json`, "utf8")) as Manifest;
  return (file, name) => {
    const found = Object.entries(m.node).find(([, a]) => a.filename === file && a.exportedName === name);
    if (!found) throw new Error(`no server action ${name} in ${file} (is the build current?)`);
    return found[0];
  };
}

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
    const text = await res.text();
    const row = text.split("\n").find((l) => l.startsWith("1:"));
    let value: unknown;
    try {
      value = row ? JSON.parse(row.slice(2)) : undefined;
    } catch {
      value = row?.slice(2);
    }
    return { status: res.status, value, redirect: res.headers.get("x-action-redirect") ?? undefined };
  }
}

/**
 * A stand-in for `next/headers` when server actions, pages and route handlers are called as plain
 * functions in Vitest: one request's cookies and headers, which a test sets before each call.
 *
 *   vi.mock("next/headers", () => import("@/lib/testing/next-request").then((m) => m.nextHeadersModule));
 *   vi.mock("next/cache", () => ({ revalidatePath: () => {} }));
 */
type Cookie = { name: string; value: string };

export const request = {
  cookies: new Map<string, string>(),
  headers: new Headers(),
  /** Cookies the code under test set or deleted, in order. */
  setCookies: [] as Array<{ name: string; value: string; options?: Record<string, unknown> }>,
};

/** Starts a new request: the given cookies, no headers. */
export function newRequest(cookies: Record<string, string | undefined> = {}, headers: Record<string, string> = {}) {
  request.cookies = new Map(Object.entries(cookies).filter((e): e is [string, string] => typeof e[1] === "string"));
  request.headers = new Headers(headers);
  request.setCookies = [];
}

const cookieStore = {
  get(name: string): Cookie | undefined {
    const value = request.cookies.get(name);
    return value === undefined ? undefined : { name, value };
  },
  getAll(): Cookie[] {
    return [...request.cookies].map(([name, value]) => ({ name, value }));
  },
  has(name: string) {
    return request.cookies.has(name);
  },
  set(nameOrCookie: string | (Cookie & Record<string, unknown>), value?: string, options?: Record<string, unknown>) {
    const c = typeof nameOrCookie === "string" ? { name: nameOrCookie, value: value ?? "", ...options } : nameOrCookie;
    request.cookies.set(c.name, c.value);
    request.setCookies.push({ name: c.name, value: c.value, options: c });
    return cookieStore;
  },
  delete(nameOrOptions: string | { name: string }) {
    const name = typeof nameOrOptions === "string" ? nameOrOptions : nameOrOptions.name;
    request.cookies.delete(name);
    request.setCookies.push({ name, value: "" });
    return cookieStore;
  },
};

export const nextHeadersModule = {
  cookies: async () => cookieStore,
  headers: async () => request.headers,
  draftMode: async () => ({ isEnabled: false }),
};

/** The digest Next gives the error thrown by notFound() / redirect(), or undefined for any other outcome. */
export async function nextSignal(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
    return undefined;
  } catch (e) {
    const digest = (e as { digest?: unknown }).digest;
    if (typeof digest === "string" && /^NEXT_/.test(digest)) return digest;
    throw e;
  }
}

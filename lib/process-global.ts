/**
 * Process-wide state, in one place.
 *
 * Next.js bundles each route, the instrumentation hook and the proxy separately, and the dev server
 * re-runs modules on every edit: a module-level `let` or `new Map()` silently becomes one copy per
 * bundle (two token caches, two timers, a webhook seen by one route and not the next). Anything that
 * must be one per process (a database pool, a timer, a cache routes share) is kept on `globalThis`
 * under a name, through these helpers, and nowhere else.
 */
const slots = globalThis as unknown as Record<string, unknown>;

/** The process's one `name`, made by `make` the first time any bundle asks. */
export function processGlobal<T>(name: string, make: () => T): T {
  if (slots[name] === undefined) slots[name] = make();
  return slots[name] as T;
}

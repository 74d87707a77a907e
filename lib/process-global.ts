/**
 * Process-wide state, in one place.
 *
 * Next.js bundles each route, the instrumentation hook and the proxy separately, and the dev server
 * re-runs modules on every edit: a module-level `let` or `new Map()` silently becomes one copy per
 * bundle (two token caches, two timers, a webhook seen by one route and not the next). Anything that
 * must be one per process (a database pool, a timer, a cache routes share) is kept on `globalThis`
 * under a name, through these helpers, and nowhere else (ESLint's `no-restricted-globals` keeps it so).
 *
 * A name is the slot's key on `globalThis`: choose one no library would (`storeLifecycle`, not `state`).
 * lib/plural keeps no such state of its own (it is copied alone into other apps): the store holds its
 * one client here (lib/plural-client.ts).
 */
const slots = globalThis as unknown as Record<string, unknown>;

/** The process's one `name`, made by `make` the first time any bundle asks. */
export function processGlobal<T>(name: string, make: () => T): T {
  if (slots[name] === undefined) slots[name] = make();
  return slots[name] as T;
}

/** The process's `name` if something has made it, without making it (closing a pool that may never have opened). */
export function peekProcessGlobal<T>(name: string): T | undefined {
  return slots[name] as T | undefined;
}

/** Forgets the process's `name` and answers what it held: the next `processGlobal(name, …)` makes a new one. */
export function forgetProcessGlobal<T>(name: string): T | undefined {
  const held = slots[name] as T | undefined;
  delete slots[name];
  return held;
}

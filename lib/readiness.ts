import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { plural } from "@/lib/plural-client";
import { processGlobal } from "@/lib/process-global";
import { isDraining } from "@/lib/server/shutdown";

/**
 * Readiness (`/api/ready`): can this instance serve a checkout now? The database answers a query,
 * and Plural (or the sandbox) answers HTTP, each within a timeout. `/api/health` stays the cheap
 * liveness check. Plural's answer is remembered for a few seconds, so a load balancer polling
 * every second does not become traffic to Plural.
 */

export type Check = { ok: boolean; ms: number; status?: number; error?: string };
export type Readiness = { ready: boolean; env: string; draining?: true; checks: { database: Check; plural: Check } };

const DB_TIMEOUT_MS = 2_000;
const PLURAL_TIMEOUT_MS = 3_000;
const PLURAL_CACHE_MS = 10_000;

function timeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    }),
  ]);
}

export async function checkDatabase(timeoutMs = DB_TIMEOUT_MS): Promise<Check> {
  const started = Date.now();
  try {
    await timeout(db().$queryRawUnsafe("SELECT 1"), timeoutMs);
    return { ok: true, ms: Date.now() - started };
  } catch (e) {
    const message = e instanceof Error && e.message.startsWith("no answer") ? e.message : "the database did not answer";
    return { ok: false, ms: Date.now() - started, error: message };
  }
}

/** The last answer from Plural, one per process: every bundle's readiness shares it. */
const lastPlural = () => processGlobal<{ at?: number; check?: Check }>("pluralReadiness", () => ({}));

async function checkPlural(): Promise<Check> {
  const cached = lastPlural();
  if (cached.check && cached.at !== undefined && Date.now() - cached.at < PLURAL_CACHE_MS) return cached.check;
  const r = await plural().reachable(PLURAL_TIMEOUT_MS);
  const check: Check = {
    ok: r.ok,
    ms: r.ms,
    ...(r.status ? { status: r.status } : {}),
    ...(r.error ? { error: r.error } : r.ok ? {} : { error: `Plural answered ${r.status}` }),
  };
  Object.assign(cached, { at: Date.now(), check });
  return check;
}

export async function readiness(): Promise<Readiness> {
  const [database, pluralCheck] = await Promise.all([checkDatabase(), checkPlural()]);
  // Shutting down (SIGTERM): not ready, whatever the checks say (the front door usually answers first).
  if (isDraining()) return { ready: false, env: env().pluralEnv, draining: true, checks: { database, plural: pluralCheck } };
  return { ready: database.ok && pluralCheck.ok, env: env().pluralEnv, checks: { database, plural: pluralCheck } };
}

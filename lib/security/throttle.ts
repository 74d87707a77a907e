import { Prisma } from "@/lib/generated/prisma/client";
import { db } from "@/lib/db";
import { networkUnit, throttleUnit } from "./ip";
import { SIGN_IN, type Limit } from "./limits";

/**
 * Rate limits kept in the database, so that every instance counts the same requests (RateLimit).
 *
 * Each limit counts points per subject (an address, a cart, an order…) in a fixed window: the first
 * hit opens a window of `windowMs`, later hits add to it, and a hit after it ended opens a new one.
 * `hit()` counts any number of (limit, subject) pairs and answers their totals in ONE statement
 * (`INSERT … ON CONFLICT DO UPDATE … RETURNING`, the same on SQLite and PostgreSQL): atomic on both,
 * however many requests and instances count at once, and one round trip on the paths it guards.
 *
 * Why not rate-limiter-flexible (a maintained library was the first choice), which uses this very statement in its
 * PostgreSQL and SQLite stores: those stores need a driver connection of their own (a second pg
 * pool per instance; a second, synchronous better-sqlite3 connection whose busy-wait blocks the
 * event loop while our Prisma connection holds the write lock), and its one store that goes through
 * Prisma (RateLimiterPrisma 11.1) reads and then writes in an interactive transaction, which is not
 * atomic on PostgreSQL: 40 concurrent consume() of a 5-point limit let 21 to 28 through, with 8 to
 * 11 unique-violation errors and 4 to 6 points stored (docs/adr/0006-rate-limits-in-the-database.md).
 */
export type Hit = { limit: Limit; subject: string; points: number; resetAt: number; over: boolean };

const keyOf = (limit: Limit, subject: string) => `${limit.name}:${subject}`;

/** Adds `cost` to each (limit, subject) and answers every count, in one statement. */
export async function hit(pairs: ReadonlyArray<readonly [Limit, string]>, now = Date.now(), cost = 1): Promise<Hit[]> {
  if (pairs.length === 0) return [];
  const rows = pairs.map(([limit, subject]) => Prisma.sql`(${keyOf(limit, subject)}, ${cost}, ${now + limit.windowMs})`);
  const answered = await db().$queryRaw<Array<{ key: string; points: number | bigint; expiresAt: number | bigint | string }>>`
    INSERT INTO "RateLimit" ("key", "points", "expiresAt") VALUES ${Prisma.join(rows)}
    ON CONFLICT ("key") DO UPDATE SET
      "points" = CASE WHEN "RateLimit"."expiresAt" <= ${now} THEN excluded."points" ELSE "RateLimit"."points" + excluded."points" END,
      "expiresAt" = CASE WHEN "RateLimit"."expiresAt" <= ${now} THEN excluded."expiresAt" ELSE "RateLimit"."expiresAt" END
    RETURNING "key", "points", "expiresAt"`;
  const byKey = new Map(answered.map((r) => [r.key, r]));
  return pairs.map(([limit, subject]) => {
    const row = byKey.get(keyOf(limit, subject))!;
    const points = Number(row.points);
    return { limit, subject, points, resetAt: Number(row.expiresAt), over: points > limit.points };
  });
}

/** The first count over its limit, if any, and how long until it resets. */
export function firstOver(hits: Hit[], now = Date.now()): { limit: Limit; retryAfterMs: number } | undefined {
  const over = hits.filter((h) => h.over).sort((a, b) => b.resetAt - a.resetAt)[0];
  return over ? { limit: over.limit, retryAfterMs: Math.max(1_000, over.resetAt - now) } : undefined;
}

/** "1 minute", "7 minutes", "40 seconds": how long to wait, for a shopper. */
export function waitText(ms: number): string {
  if (ms < 60_000) {
    const s = Math.max(1, Math.ceil(ms / 1000));
    return `${s} second${s === 1 ? "" : "s"}`;
  }
  const m = Math.ceil(ms / 60_000);
  return `${m} minute${m === 1 ? "" : "s"}`;
}

/** Takes points back (a sign-in that turned out right): never below zero. */
async function giveBack(limit: Limit, subject: string, points: number): Promise<void> {
  const key = keyOf(limit, subject);
  await db().$executeRaw`UPDATE "RateLimit" SET "points" = CASE WHEN "points" > ${points} THEN "points" - ${points} ELSE 0 END WHERE "key" = ${key}`;
}

async function forget(limit: Limit, subject: string): Promise<void> {
  await db().$executeRaw`DELETE FROM "RateLimit" WHERE "key" = ${keyOf(limit, subject)}`;
}

/** Deletes every count whose window ended more than `graceMs` ago (housekeeping); answers how many. */
export async function sweepExpiredLimits(now = Date.now(), graceMs = 60_000): Promise<number> {
  return db().$executeRaw`DELETE FROM "RateLimit" WHERE "expiresAt" < ${now - graceMs}`;
}

/* ------------------------------------------------------------------------------- sign-in */

/**
 * The merchant console's sign-in (a spread of addresses must not lock the merchant out).
 *
 * - Every attempt is counted as a failure BEFORE the password is looked at, and only a correct
 *   password takes it back: however many attempts arrive at once, no more than `perAddress` of them
 *   from one address (IPv6: one /64) reach the password check in a window. Past that, the address
 *   is refused until its window ends, whatever the password: the per-address lock.
 * - Failures also slow every later attempt down, never refuse it: a growing wait before the password
 *   is checked (applied to right and wrong passwords alike, so its length tells nothing), from the
 *   address's own failures, its network's (IPv4 /24, IPv6 /48) and everyone's, capped at
 *   SIGN_IN.maxDelayMs. So 60 wrong guesses from 12 addresses cost the merchant, signing in from a
 *   13th, a few seconds, not the console.
 * - An address over its limit is refused without touching the other counts, so one client cannot
 *   slow everyone down alone.
 *
 * An unknown address (the front door is not running) counts as one client called "unknown".
 */
export type SignInGate = { allowed: true; delayMs: number; succeeded(): Promise<void> } | { allowed: false; retryInMinutes: number };

export async function beginSignIn(address: string | undefined, now = Date.now()): Promise<SignInGate> {
  const unit = address ? throttleUnit(address) : "unknown";
  const [mine] = await hit([[SIGN_IN.address, unit]], now);
  if (mine!.over) return { allowed: false, retryInMinutes: Math.max(1, Math.ceil((mine!.resetAt - now) / 60_000)) };
  const [network, everyone] = await hit(
    [
      [SIGN_IN.network, address ? networkUnit(address) : "unknown"],
      [SIGN_IN.everyone, "all"],
    ],
    now,
  );
  return {
    allowed: true,
    delayMs: Math.max(slowdown(mine!.points, 1, 1), slowdown(network!.points, 5, 5), slowdown(everyone!.points, 10, 10)),
    async succeeded() {
      await forget(SIGN_IN.address, unit);
      await giveBack(SIGN_IN.everyone, "all", 1);
    },
  };
}

/** Waits (the sign-in's slow-down); a function of its own so tests can count the waits instead of sitting through them. */
export const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The wait before the `failures`-th attempt: none for the first `free`, then doubling every `perDoubling` failures, capped. */
export function slowdown(failures: number, free: number, perDoubling: number): number {
  if (failures <= free) return 0;
  return Math.min(SIGN_IN.maxDelayMs, SIGN_IN.baseDelayMs * 2 ** Math.floor((failures - free - 1) / perDoubling));
}

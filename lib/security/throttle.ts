import { db, isUniqueViolation } from "@/lib/db";
import { throttleUnit } from "./ip";
import { SIGN_IN } from "./limits";

/**
 * Console sign-in throttling, in the database so that every instance shares it.
 *
 * Every attempt is counted as a failure BEFORE the password is looked at, and only a correct
 * password takes it back: however many attempts arrive at once, no more than `perAddress` of them
 * from one address reach the password check in a window. An address over its limit is refused
 * without touching the global count, so one client cannot trip the global ceiling alone (a spread of
 * addresses can, which is the ceiling's point).
 *
 * An unknown address (the front door is not running) counts as one client called "unknown".
 */
const GLOBAL = "global";

export type SignInGate = { allowed: true; succeeded(): Promise<void> } | { allowed: false; retryInMinutes: number };

export async function beginSignIn(address: string | undefined, now = new Date()): Promise<SignInGate> {
  const key = `addr:${address ? throttleUnit(address) : "unknown"}`;
  const mine = await hit(key, now);
  if (mine.failures > SIGN_IN.perAddress) return refused(mine.windowStart, now);
  const everyone = await hit(GLOBAL, now);
  if (everyone.failures > SIGN_IN.global) return refused(everyone.windowStart, now);
  return {
    allowed: true,
    async succeeded() {
      await db().signInThrottle.deleteMany({ where: { key } });
      await db().signInThrottle.updateMany({ where: { key: GLOBAL, failures: { gt: 0 } }, data: { failures: { decrement: 1 } } });
    },
  };
}

/** Adds one failure to `key`, starting a new window when the last one has run out. */
async function hit(key: string, now: Date) {
  const expired = new Date(now.getTime() - SIGN_IN.windowMs);
  await db().signInThrottle.updateMany({ where: { key, windowStart: { lte: expired } }, data: { failures: 0, windowStart: now } });
  for (let attempt = 0; ; attempt++) {
    try {
      return await db().signInThrottle.upsert({ where: { key }, create: { key, failures: 1, windowStart: now }, update: { failures: { increment: 1 } } });
    } catch (e) {
      // Two instances created the row at the same moment: the other insert won, so increment it.
      if (!isUniqueViolation(e) || attempt >= 2) throw e;
    }
  }
}

function refused(windowStart: Date, now: Date): SignInGate {
  return { allowed: false, retryInMinutes: Math.max(1, Math.ceil((windowStart.getTime() + SIGN_IN.windowMs - now.getTime()) / 60_000)) };
}

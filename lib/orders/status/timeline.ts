/** An order's timeline (OrderEvent): events that change no status, and messages already recorded. */
import { db, isUniqueViolation } from "@/lib/db";
import { currentRequestId } from "@/lib/request-context";
import type { EventSource } from "./apply-types";
import { timelineHasExternalId } from "../sql";
import { processGlobal } from "@/lib/process-global";

/**
 * Message ids this process has seen on a timeline lately (its own writes, and what it read): a
 * redelivery is recognised without a read. Plural retries a webhook until it sees a 2xx, so the
 * same id often comes back within seconds. Only ids already committed go in (a timeline entry is
 * never deleted), so a hit is always right; a miss (another instance wrote it, or it was forgotten)
 * is caught by the unique index, at a read (isRecorded) or at the write itself (webhooks: the
 * transaction rolls back). The oldest are forgotten past RECENT_IDS. One set per process,
 * whatever Next bundle asks (processGlobal).
 */
const RECENT_IDS = 10_000;
const recent = processGlobal("recordedExternalIds", () => new Set<string>());

export function rememberRecorded(externalId: string) {
  if (recent.has(externalId)) return;
  if (recent.size >= RECENT_IDS) recent.delete(recent.values().next().value!);
  recent.add(externalId);
}

/** True when this process has recorded (or read) a message with this id lately: no read at all. */
export function seenRecently(externalId: string): boolean {
  return recent.has(externalId);
}

/**
 * True when a message with this id (a webhook-id, a return's signature) is already on a timeline:
 * remembered, or one read of the unique index. Raw SQL on purpose, as the status route's read
 * (live-status.ts): a raw statement costs Prisma less than a compiled query.
 */
export async function isRecorded(externalId: string): Promise<boolean> {
  if (seenRecently(externalId)) return true;
  const found = await timelineHasExternalId(externalId);
  if (found) rememberRecorded(externalId);
  return found;
}

/**
 * Records an event that changes no status (a return, an unhandled webhook, a shopper's or the
 * merchant's request). False when its externalId is already recorded: a repeat.
 */
export async function recordEvent(e: {
  orderId: string | null;
  source: EventSource;
  type: string;
  externalId?: string;
  verified?: boolean;
  payload?: unknown;
  status?: string | null;
}): Promise<boolean> {
  try {
    await db().orderEvent.create({
      data: {
        orderId: e.orderId,
        source: e.source,
        type: e.type,
        externalId: e.externalId,
        verified: e.verified ?? true,
        payload: JSON.stringify(e.payload ?? {}),
        statusFrom: e.status ?? null,
        statusTo: e.status ?? null,
        requestId: currentRequestId() ?? null,
      },
    });
    if (e.externalId) rememberRecorded(e.externalId);
    return true;
  } catch (err) {
    if (e.externalId && isUniqueViolation(err, "externalId")) {
      rememberRecorded(e.externalId);
      return false;
    }
    throw err;
  }
}

import { db } from "@/lib/db";
import type { Prisma } from "@/lib/generated/prisma/client";

/**
 * What the console's search box matches: our reference, the customer's e-mail, Plural's order id,
 * our order id, or a request id (from a log line, or the `x-request-id` an answer carried) that
 * wrote one of the order's timeline entries.
 */
export function orderSearch(q: string): Prisma.OrderWhereInput {
  return {
    OR: [
      { merchantOrderReference: { contains: q } },
      { customerEmail: { contains: q } },
      { pluralOrderId: { contains: q } },
      { id: q },
      { events: { some: { requestId: q } } },
    ],
  };
}

/** The timeline entries a request wrote, with their orders: from a log line's `requestId` to the story. */
export async function eventsByRequestId(requestId: string) {
  return db().orderEvent.findMany({
    where: { requestId },
    orderBy: { createdAt: "asc" },
    include: { order: { select: { id: true, merchantOrderReference: true } } },
  });
}

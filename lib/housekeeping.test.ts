import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { db } from "@/lib/db";
import { createCart, setQuantity } from "@/lib/orders";
import { SIGN_IN } from "@/lib/security/limits";
import { hit } from "@/lib/security/throttle";
import { startTestStore } from "@/lib/testing/store";
import { housekeeping } from "./housekeeping";

vi.mock("next/headers", () => import("@/lib/testing/next-request").then((m) => m.nextHeadersModule));

/** Throttle rows expire, and carts are cleaned up. */
let server: Awaited<ReturnType<typeof startTestStore>>;
beforeAll(async () => {
  server = await startTestStore();
});
afterAll(async () => {
  await server.close();
});

describe("housekeeping", () => {
  it("deletes ended rate-limit windows, expired console sessions and carts no cookie can open; keeps the rest", async () => {
    const now = Date.now();
    await hit([[SIGN_IN.address, "203.0.113.1"]], now - 2 * SIGN_IN.address.windowMs); // ended long ago
    await hit([[SIGN_IN.address, "203.0.113.2"]], now); // running
    await db().adminSession.createMany({
      data: [
        { id: "old", passwordTag: "x", expiresAt: new Date(now - 1000) },
        { id: "new", passwordTag: "x", expiresAt: new Date(now + 3600_000) },
      ],
    });
    const abandoned = await createCart();
    const chai = await db().product.findUniqueOrThrow({ where: { slug: "chai" } });
    await setQuantity(abandoned.id, chai.id, 1);
    await db().$executeRaw`UPDATE "Cart" SET "updatedAt" = ${new Date(now - 40 * 86_400_000)} WHERE "id" = ${abandoned.id}`;
    const current = await createCart();

    const swept = await housekeeping(now);
    expect(swept.limits).toBe(1);
    expect(swept.carts).toBe(1);
    expect(await db().rateLimit.findMany({ select: { key: true } })).toEqual([{ key: "signin:addr:203.0.113.2" }]);
    expect((await db().adminSession.findMany({ select: { id: true } })).map((s) => s.id)).not.toContain("old");
    expect(await db().cart.findUnique({ where: { id: abandoned.id } })).toBeNull();
    expect(await db().cartItem.count({ where: { cartId: abandoned.id } })).toBe(0);
    expect(await db().cart.findUnique({ where: { id: current.id } })).not.toBeNull();
  });
});

import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { db } from "@/lib/db";
import { startTestStore } from "@/lib/testing/store";
import { CATALOG_MAX_AGE_MS, forgetCatalog, listProducts, productBySlug } from "./catalog";

let sandbox: Awaited<ReturnType<typeof startTestStore>>;
beforeAll(async () => {
  sandbox = await startTestStore();
});
afterAll(async () => {
  vi.useRealTimers();
  await sandbox.close();
});

describe("the catalog the shop pages show", () => {
  it("is read once, not per page view, and a price change shows within CATALOG_MAX_AGE_MS", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    forgetCatalog();
    const spy = vi.spyOn(db().product, "findMany");
    const first = await listProducts();
    expect(first.map((p) => p.slug)).toEqual(["chai", "diya"]);
    expect((await productBySlug("diya"))?.priceInPaise).toBe(89900);
    await Promise.all(Array.from({ length: 20 }, () => listProducts()));
    expect(spy).toHaveBeenCalledTimes(1);

    await db().product.update({ where: { slug: "diya" }, data: { priceInPaise: 99900 } });
    await db().product.update({ where: { slug: "chai" }, data: { active: false } });
    vi.advanceTimersByTime(CATALOG_MAX_AGE_MS - 1000);
    expect((await productBySlug("diya"))?.priceInPaise).toBe(89900); // still the one read
    vi.advanceTimersByTime(1000);
    expect((await productBySlug("diya"))?.priceInPaise).toBe(99900);
    expect(await productBySlug("chai")).toBeNull(); // off sale
    expect((await listProducts()).map((p) => p.slug)).toEqual(["diya"]);
    expect(spy).toHaveBeenCalledTimes(2);
    spy.mockRestore();
  });
});

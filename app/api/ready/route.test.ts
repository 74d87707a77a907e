import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { forgetProcessGlobal, processGlobal } from "@/lib/process-global";
import { startTestStore } from "@/lib/testing/store";
import { GET } from "./route";

let server: Awaited<ReturnType<typeof startTestStore>>;
let closed = false;

beforeAll(async () => {
  server = await startTestStore();
});
afterAll(async () => {
  if (!closed) await server?.close();
});
beforeEach(() => {
  forgetProcessGlobal("pluralReadiness");
});

const ready = async () => {
  const res = await GET(new Request("http://store.test/api/ready"));
  return { status: res.status, body: await res.json() };
};

describe("/api/ready", () => {
  it("is 200 when the database and Plural both answer", async () => {
    const r = await ready();
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ ready: true, env: "sandbox", checks: { database: { ok: true }, plural: { ok: true, status: 405 } } });
  });

  it("is 503, naming the database, when a query does not answer in time", async () => {
    const real = forgetProcessGlobal("prisma");
    processGlobal("prisma", () => ({ $queryRawUnsafe: () => new Promise(() => undefined) }));
    try {
      const r = await ready();
      expect(r.status).toBe(503);
      expect(r.body.checks.database).toMatchObject({ ok: false, error: "no answer within 2000 ms" });
      expect(r.body.checks.plural.ok).toBe(true);
    } finally {
      forgetProcessGlobal("prisma");
      processGlobal("prisma", () => real);
    }
  });

  it("is 503, naming Plural, when Plural cannot be reached, and says no more than that", async () => {
    await server.close();
    closed = true;
    const r = await ready();
    expect(r.status).toBe(503);
    expect(r.body.checks).toMatchObject({ database: { ok: true }, plural: { ok: false, error: "could not connect" } });
    expect(JSON.stringify(r.body)).not.toContain("127.0.0.1");
  });
});

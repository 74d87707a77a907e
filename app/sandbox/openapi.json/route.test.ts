import { describe, expect, it } from "vitest";
import { resetEnvCache } from "@/lib/env";
import { GET } from "./route";

describe("/sandbox/openapi.json", () => {
  it("serves the document, with this store's sandbox as its server", async () => {
    Object.assign(process.env, { PLURAL_ENV: "sandbox", APP_URL: "http://store.test" });
    delete process.env.PLURAL_BASE_URL;
    resetEnvCache();
    const res = GET(new Request("http://store.test/sandbox/openapi.json"));
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { openapi: string; servers: Array<{ url: string }>; paths: Record<string, unknown> };
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.servers[0]!.url).toBe("http://store.test/sandbox");
    expect(Object.keys(doc.paths)).toContain("/api/settlements/v1/list");
  });

  it("is a 404 when this process does not serve the sandbox", async () => {
    Object.assign(process.env, { PLURAL_ENV: "sandbox", APP_URL: "http://store.test", PLURAL_BASE_URL: "http://elsewhere.test/sandbox" });
    resetEnvCache();
    expect(GET(new Request("http://store.test/sandbox/openapi.json")).status).toBe(404);
    delete process.env.PLURAL_BASE_URL;
    resetEnvCache();
  });
});

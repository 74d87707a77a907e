import { readFileSync } from "node:fs";
import path from "node:path";
import { Validator } from "@seriousme/openapi-schema-validator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openApiDocument, SANDBOX_OPERATIONS } from "./openapi";
import { startSandboxServer } from "@/lib/testing/sandbox";

let server: Awaited<ReturnType<typeof startSandboxServer>>;
beforeAll(async () => {
  server = await startSandboxServer();
});
afterAll(() => server.close());

const doc = openApiDocument("http://127.0.0.1/sandbox");
const documented = new Set(Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`)));

/** The sandbox's routes, read from their sources: the API's route table and the control API's switch. */
function sandboxRoutes(): string[] {
  const api = readFileSync(path.join(__dirname, "api.ts"), "utf8");
  const control = readFileSync(path.join(__dirname, "control.ts"), "utf8");
  const routes: string[] = [];
  for (const m of api.matchAll(/method: "(\w+)",\s*match: \/\^(.+?)\$\//g)) {
    const name = m[2]!.includes("reference") ? "{merchant_order_reference}" : m[2]!.includes("settlements") ? "{utr}" : "{order_id}";
    const p = m[2]!.replaceAll("\\/", "/").replace(/\(\[\^\/\]\+\)/g, name);
    routes.push(`${m[1]} /api/${p}`);
  }
  for (const m of control.matchAll(/case "(GET|POST|PUT|PATCH|DELETE) ([^"]+)":/g)) routes.push(`${m[1]} /control/${m[2]!.replace(":id", "{id}")}`);
  return routes;
}

describe("the sandbox's OpenAPI document", () => {
  it("is valid OpenAPI 3.1", async () => {
    const result = await new Validator().validate(doc as never);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(doc.openapi).toBe("3.1.0");
  });

  it("documents every route the sandbox answers, and no other", () => {
    const routes = sandboxRoutes();
    expect(routes.length).toBeGreaterThan(30);
    expect([...routes].sort()).toEqual([...documented].sort());
  });

  it("each documented route is answered (not the sandbox's 'no such route' 404)", async () => {
    for (const op of SANDBOX_OPERATIONS) {
      const url = `${server.baseUrl}${op.path.replace(/\{\w+\}/g, "x1")}`;
      const res = await fetch(url, {
        method: op.method.toUpperCase(),
        headers: { "content-type": "application/json" },
        body: op.method === "get" ? undefined : "{}",
      });
      const body = (await res.json().catch(() => ({}))) as { message?: string };
      expect(`${op.method} ${op.path} ${res.status} ${body.message ?? ""}`).not.toMatch(/No such API|No control endpoint|is not allowed here/);
    }
  });

  it("its request schemas are the ones that validate: a body the schema refuses, the sandbox refuses", async () => {
    const res = await fetch(`${server.baseUrl}/api/auth/v1/token`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ client_id: "a" }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      code: "INVALID_REQUEST",
      message: "Invalid Request Parameters",
      additional_error_details: { source: "body", step: "validation", reason: "client_id and client_secret are required" },
    });
    const tokenBody = (doc.paths["/api/auth/v1/token"] as { post: { requestBody: { content: { "application/json": { schema: { required: string[] } } } } } })
      .post.requestBody.content["application/json"].schema;
    expect(tokenBody.required).toEqual(["client_id", "client_secret", "grant_type"]);
    const list = (doc.paths["/api/settlements/v1/list"] as { get: { parameters: Array<{ name: string; required: boolean }> } }).get.parameters;
    expect(list.map((p) => [p.name, p.required])).toEqual([
      ["start_date", true],
      ["end_date", true],
      ["page", false],
      ["per_page", false],
    ]);
  });
});

import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { POST as webhookPost } from "@/app/api/plural/webhook/route";
import { resetEnvCache } from "@/lib/env";
import { startTestStore } from "@/lib/testing/store";
import { markFrontDoorActive, PEER_HEADER } from "./client-address";

/**
 * An optional allow-list of the addresses Plural sends
 * webhooks from, off by default, honouring TRUSTED_PROXIES.
 */
let server: Awaited<ReturnType<typeof startTestStore>>;
beforeAll(async () => {
  server = await startTestStore();
  markFrontDoorActive();
});
afterAll(async () => {
  markFrontDoorActive(false);
  await server.close();
});
afterEach(() => {
  delete process.env.PLURAL_WEBHOOK_SOURCE_IPS;
  delete process.env.TRUSTED_PROXIES;
  resetEnvCache();
});

const use = (vars: Record<string, string>) => {
  Object.assign(process.env, vars);
  resetEnvCache();
};
/** An unsigned delivery from `peer`: past the allow-list it meets the signature check (400/401), before it a 403. */
const from = async (peer: string, xff?: string) =>
  (
    await webhookPost(
      new Request("http://store.test/api/plural/webhook", {
        method: "POST",
        headers: { "content-type": "application/json", [PEER_HEADER]: peer, ...(xff ? { "x-forwarded-for": xff } : {}) },
        body: JSON.stringify({ event_type: "ORDER_PROCESSED", data: {} }),
      }),
    )
  ).status;

describe("webhook source addresses", () => {
  it("are not checked by default", async () => {
    expect(await from("203.0.113.5")).toBe(400);
  });

  it("'plural' allows the addresses Plural publishes for the environment (sandbox and UAT share UAT's) and nothing else", async () => {
    use({ PLURAL_WEBHOOK_SOURCE_IPS: "plural" });
    expect(await from("203.0.113.5")).toBe(403);
    expect(await from("15.206.155.74")).toBe(400);
    expect(await from("13.126.41.142")).toBe(400);
    expect(await from("18.61.136.235")).toBe(403); // production's, not this environment's
  });

  it("an explicit list, with or without 'plural'", async () => {
    use({ PLURAL_WEBHOOK_SOURCE_IPS: "198.51.100.0/24, plural" });
    expect(await from("198.51.100.77")).toBe(400);
    expect(await from("15.206.155.74")).toBe(400);
    expect(await from("198.51.101.1")).toBe(403);
  });

  it("behind a trusted proxy, the address X-Forwarded-For names is the one checked", async () => {
    use({ PLURAL_WEBHOOK_SOURCE_IPS: "plural", TRUSTED_PROXIES: "10.0.0.0/8" });
    expect(await from("10.0.0.2", "15.206.155.74")).toBe(400);
    expect(await from("10.0.0.2", "15.206.155.74, 203.0.113.5")).toBe(403);
    // From anywhere else, the header means nothing.
    expect(await from("203.0.113.5", "15.206.155.74")).toBe(403);
  });

  it("with the allow-list on and no way to know the address, refuses", async () => {
    use({ PLURAL_WEBHOOK_SOURCE_IPS: "plural" });
    markFrontDoorActive(false);
    try {
      expect(await from("15.206.155.74")).toBe(403);
    } finally {
      markFrontDoorActive();
    }
  });
});

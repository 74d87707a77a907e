import { afterAll, beforeAll } from "vitest";
import type { startSandboxServer } from "@/lib/testing/sandbox";
import { startTestStore } from "./store";

/**
 * A test store for the whole file: started before its tests, closed after them. With
 * `webhooks: false` the sandbox sends none (the tests confirm orders themselves, by sync or by a
 * webhook they sign). Read `store.sandbox` and `store.server` inside tests and hooks.
 */
export function testStoreForFile({ webhooks = true, sandbox }: { webhooks?: boolean; sandbox?: Parameters<typeof startSandboxServer>[0] } = {}) {
  let server: Awaited<ReturnType<typeof startTestStore>> | undefined;
  beforeAll(async () => {
    server = await startTestStore(sandbox);
    if (!webhooks) server.sandbox.updateSettings({ webhook: { enabled: false } });
  });
  afterAll(async () => {
    await server?.close();
  });
  const started = () => {
    if (!server) throw new Error("testStoreForFile: the store starts in beforeAll; read it inside tests and hooks");
    return server;
  };
  return {
    get server() {
      return started();
    },
    get sandbox() {
      return started().sandbox;
    },
  };
}

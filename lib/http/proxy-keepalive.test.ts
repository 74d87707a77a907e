import { createServer } from "node:http";
import { describe, expect, it } from "vitest";
import { nginxConf } from "@/scripts/cluster.mjs";

/**
 * Chaos seed 8 (`npm run chaos -- --seed 8 --minutes 3`): a shopper's checkout POST answered 502 with
 * no instance down. nginx had kept an idle connection to a store for up to 60 s (its default), the
 * store closes idle connections after 5 s (Node's keepAliveTimeout, which `next start` keeps), and a
 * request sent on a connection at the instant the store closed it was reset; nginx does not retry a
 * POST. nginx must give up idle upstream connections before the store does.
 */
describe("nginx in front of the stores (scripts/cluster.mjs)", () => {
  it("closes idle upstream connections before the store would", () => {
    const conf = nginxConf({ dir: "/tmp/x", port: 8080, instances: [3001, 3002], balance: "round-robin" });
    const upstreams = [...conf.matchAll(/upstream \w+ \{([^}]*)\}/g)].map((m) => m[1]!);
    expect(upstreams).toHaveLength(2);
    const storeIdleMs = createServer().keepAliveTimeout;
    for (const block of upstreams) {
      expect(block).toMatch(/keepalive \d+;/);
      const idle = /keepalive_timeout (\d+)s;/.exec(block);
      expect(idle, "an upstream keepalive_timeout (nginx's default is 60 s)").not.toBeNull();
      expect(Number(idle![1]) * 1000).toBeLessThan(storeIdleMs);
    }
  });
});

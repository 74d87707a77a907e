import { afterEach, describe, expect, it } from "vitest";
import { addressMatcher, parseAddressList } from "./ip";
import { clientAddress, forwardedFor, markFrontDoorActive, peerAddress, PEER_HEADER } from "./client-address";

const trusted = (list: string) => addressMatcher(parseAddressList(list).cidrs);
const h = (peer: string | undefined, xff?: string) => new Headers({ ...(peer ? { [PEER_HEADER]: peer } : {}), ...(xff ? { "x-forwarded-for": xff } : {}) });

afterEach(() => markFrontDoorActive(false));

describe("the client's address", () => {
  it("is unknown without the front door, whatever the headers say", () => {
    expect(peerAddress(h("203.0.113.7", "6.6.6.6"))).toBeUndefined();
    expect(clientAddress(h("203.0.113.7", "6.6.6.6"), trusted("0.0.0.0/0"))).toBeUndefined();
  });

  it("is the peer when the peer is not a trusted proxy; X-Forwarded-For and X-Real-IP mean nothing", () => {
    markFrontDoorActive();
    const none = trusted("");
    expect(clientAddress(h("::ffff:203.0.113.7", "6.6.6.6"), none)).toBe("203.0.113.7");
    expect(clientAddress(new Headers({ [PEER_HEADER]: "203.0.113.7", "x-real-ip": "6.6.6.6" }), none)).toBe("203.0.113.7");
    expect(clientAddress(h("203.0.113.7", "6.6.6.6"), trusted("10.0.0.0/8"))).toBe("203.0.113.7");
    expect(clientAddress(h(undefined), none)).toBeUndefined();
  });

  it("walks X-Forwarded-For back through trusted proxies to the first address that is not one", () => {
    markFrontDoorActive();
    const proxies = trusted("10.0.0.0/8, 192.0.2.10");
    expect(clientAddress(h("10.0.0.5", "198.51.100.1"), proxies)).toBe("198.51.100.1");
    // The client prepends a lie; the proxies append the truth.
    expect(clientAddress(h("10.0.0.5", "6.6.6.6, 198.51.100.1, 192.0.2.10"), proxies)).toBe("198.51.100.1");
    // A lie that names a trusted proxy still stops at the real client.
    expect(clientAddress(h("10.0.0.5", "10.9.9.9, 198.51.100.1"), proxies)).toBe("198.51.100.1");
    // A malformed entry stops the walk at the proxy that passed it on.
    expect(clientAddress(h("10.0.0.5", "198.51.100.1, junk, 192.0.2.10"), proxies)).toBe("192.0.2.10");
    // A trusted proxy that sent no header is the client it knows of.
    expect(clientAddress(h("10.0.0.5"), proxies)).toBe("10.0.0.5");
    expect(clientAddress(h("10.0.0.5", "10.0.0.6, 10.0.0.7"), proxies)).toBe("10.0.0.6");
  });

  it("reads X-Forwarded-For entries with ports and brackets", () => {
    expect(forwardedFor("203.0.113.7:4711, [2001:db8::1]:443, 2001:db8::2, nonsense, ")).toEqual([
      "203.0.113.7",
      "2001:db8::1",
      "2001:db8::2",
      undefined,
      undefined,
    ]);
    expect(forwardedFor(null)).toEqual([]);
  });
});

describe("behind a serverless host's edge (CLIENT_IP_HEADER)", () => {
  it("reads the header the edge sets, before anything else; without it, as before", () => {
    const edge = new Headers({ "x-vercel-forwarded-for": "198.51.100.9, 10.0.0.1", "x-forwarded-for": "6.6.6.6" });
    expect(clientAddress(edge, trusted(""), "x-vercel-forwarded-for")).toBe("198.51.100.9");
    markFrontDoorActive();
    expect(clientAddress(new Headers({ [PEER_HEADER]: "203.0.113.7" }), trusted(""), "x-vercel-forwarded-for")).toBe("203.0.113.7");
    expect(clientAddress(new Headers({ [PEER_HEADER]: "203.0.113.7", "x-vercel-forwarded-for": "nonsense" }), trusted(""), "x-vercel-forwarded-for")).toBe(
      "203.0.113.7",
    );
  });
});

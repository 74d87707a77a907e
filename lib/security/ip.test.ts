import { describe, expect, it } from "vitest";
import { addressMatcher, networkUnit, normalizeIp, parseAddressList, parseCidr, throttleUnit } from "./ip";

describe("addresses and ranges", () => {
  it("normalises addresses and refuses anything else", () => {
    expect(normalizeIp(" 203.0.113.7 ")).toBe("203.0.113.7");
    expect(normalizeIp("::ffff:127.0.0.1")).toBe("127.0.0.1");
    expect(normalizeIp("[2001:DB8::1]")).toBe("2001:db8::1");
    expect(normalizeIp("fe80::1%eth0")).toBe("fe80::1");
    for (const bad of ["", "localhost", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1.2.3.4:80", "::g", "6.6.6.6, 7.7.7.7", undefined, null])
      expect(normalizeIp(bad)).toBeUndefined();
  });

  it("parses CIDR ranges and single addresses", () => {
    expect(parseCidr("10.0.0.0/8")).toEqual({ address: "10.0.0.0", prefix: 8, family: "ipv4" });
    expect(parseCidr("192.0.2.10")).toEqual({ address: "192.0.2.10", prefix: 32, family: "ipv4" });
    expect(parseCidr("2001:db8::/32")).toEqual({ address: "2001:db8::", prefix: 32, family: "ipv6" });
    expect(parseCidr("::ffff:10.0.0.0/104")).toEqual({ address: "10.0.0.0", prefix: 8, family: "ipv4" });
    for (const bad of ["10.0.0.0/33", "10.0.0.0/-1", "10.0.0.0/8/8", "10.0.0.0/", "2001:db8::/129", "x/8", "10.0.0.0/08a"])
      expect(parseCidr(bad)).toBeUndefined();
  });

  it("lists every problem in a list, and knows the caller's keywords", () => {
    const r = parseAddressList("10.0.0.0/8, plural 192.0.2.1,nonsense,300.1.1.1", ["plural"]);
    expect(r.cidrs.map((c) => `${c.address}/${c.prefix}`)).toEqual(["10.0.0.0/8", "192.0.2.1/32"]);
    expect(r.keywords).toEqual(["plural"]);
    expect(r.problems).toHaveLength(2);
    expect(parseAddressList("")).toEqual({ cidrs: [], keywords: [], problems: [] });
  });

  it("matches addresses against ranges, IPv4-mapped IPv6 included", () => {
    const m = addressMatcher(parseAddressList("10.0.0.0/8, 2001:db8::/32, 13.201.195.80/28").cidrs);
    expect(m("10.1.2.3")).toBe(true);
    expect(m("::ffff:10.1.2.3")).toBe(true);
    expect(m("11.0.0.1")).toBe(false);
    expect(m("2001:db8:ffff::1")).toBe(true);
    expect(m("13.201.195.95")).toBe(true);
    expect(m("13.201.195.96")).toBe(false);
    expect(m(undefined)).toBe(false);
    expect(m("garbage")).toBe(false);
    expect(addressMatcher([])("10.0.0.1")).toBe(false);
  });

  it("builds a list's matcher once, and a changed configuration (a new list) gets its own", () => {
    const trusted = parseAddressList("127.0.0.1").cidrs;
    expect(addressMatcher(trusted)).toBe(addressMatcher(trusted));
    const changed = parseAddressList("10.0.0.0/8").cidrs;
    expect(addressMatcher(changed)("127.0.0.1")).toBe(false);
    expect(addressMatcher(changed)("10.9.9.9")).toBe(true);
    expect(addressMatcher(trusted)("127.0.0.1")).toBe(true);
  });

  it("counts an IPv6 client by its /64", () => {
    expect(throttleUnit("203.0.113.7")).toBe("203.0.113.7");
    expect(throttleUnit("2001:db8:1:2::5")).toBe("2001:db8:1:2::/64");
    expect(throttleUnit("2001:db8:1:2:ffff:eeee:dddd:cccc")).toBe("2001:db8:1:2::/64");
    expect(throttleUnit("2001:db8::1")).toBe("2001:db8:0:0::/64");
    expect(throttleUnit("1::2:3:4:5:6:7")).toBe("1:0:2:3::/64");
    expect(throttleUnit("::1")).toBe("0:0:0:0::/64");
    expect(throttleUnit("64:ff9b::1.2.3.4")).toBe("64:ff9b:0:0::/64");
  });

  it("groups clients into networks (IPv4 /24, IPv6 /48) to slow them down together", () => {
    expect(networkUnit("203.0.113.7")).toBe("203.0.113.0/24");
    expect(networkUnit("203.0.113.250")).toBe("203.0.113.0/24");
    expect(networkUnit("2001:db8:1:2::5")).toBe("2001:db8:1::/48");
    expect(networkUnit("2001:db8:1:ffff::1")).toBe("2001:db8:1::/48");
    expect(networkUnit("::1")).toBe("0:0:0::/48");
  });
});

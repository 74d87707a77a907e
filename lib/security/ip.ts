import { BlockList, isIP } from "node:net";

/**
 * IP addresses and CIDR lists (TRUSTED_PROXIES, PLURAL_WEBHOOK_SOURCE_IPS), on Node's own
 * `net.BlockList`: no parsing of our own beyond splitting "address/prefix".
 */

export type Cidr = { address: string; prefix: number; family: "ipv4" | "ipv6" };

/** A bare IP address, normalised: trimmed, brackets and IPv6 zone dropped, IPv4-mapped IPv6 as IPv4. Undefined when not an IP. */
export function normalizeIp(value: string | undefined | null): string | undefined {
  if (!value) return undefined;
  let s = value.trim();
  if (s.startsWith("[") && s.endsWith("]")) s = s.slice(1, -1);
  s = s.replace(/%[\w.-]+$/, "");
  const family = isIP(s);
  if (family === 0) return undefined;
  if (family === 6) {
    const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(s);
    if (mapped && isIP(mapped[1]!) === 4) return mapped[1]!;
    return s.toLowerCase();
  }
  return s;
}

/** "10.0.0.0/8", "2001:db8::/32" or a single address (a /32 or /128). */
export function parseCidr(value: string): Cidr | undefined {
  const [addressText, prefixText, extra] = value.trim().split("/");
  if (extra !== undefined) return undefined;
  const address = normalizeIp(addressText);
  if (!address) return undefined;
  const family = isIP(address) === 4 ? "ipv4" : "ipv6";
  const max = family === "ipv4" ? 32 : 128;
  if (prefixText === undefined) return { address, prefix: max, family };
  if (!/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  // An IPv4-mapped IPv6 range ("::ffff:10.0.0.0/104") is written the IPv4 way after normalisation.
  if (family === "ipv4" && isIP(addressText!.trim()) === 6) return prefix >= 96 && prefix <= 128 ? { address, prefix: prefix - 96, family } : undefined;
  return prefix <= max ? { address, prefix, family } : undefined;
}

/**
 * A comma- or space-separated list of addresses and ranges. `keywords` are words the caller expands
 * itself (e.g. "plural"); anything else that is not an address or a range is a problem.
 */
export function parseAddressList(value: string, keywords: readonly string[] = []): { cidrs: Cidr[]; keywords: string[]; problems: string[] } {
  const cidrs: Cidr[] = [];
  const found: string[] = [];
  const problems: string[] = [];
  for (const item of value.split(/[\s,]+/).filter(Boolean)) {
    if (keywords.includes(item.toLowerCase())) {
      found.push(item.toLowerCase());
      continue;
    }
    const cidr = parseCidr(item);
    if (cidr) cidrs.push(cidr);
    else problems.push(`"${item.slice(0, 64)}" is not an IP address or CIDR range`);
  }
  return { cidrs, keywords: found, problems };
}

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet("127.0.0.0", 8, "ipv4");
LOOPBACK.addAddress("::1", "ipv6");

/** This machine talking to itself: 127.0.0.0/8 or ::1 (IPv4-mapped forms included). */
export function isLoopback(ip: string | undefined): boolean {
  const a = normalizeIp(ip);
  return !!a && LOOPBACK.check(a, isIP(a) === 4 ? "ipv4" : "ipv6");
}

const matchers = new WeakMap<readonly Cidr[], (ip: string | undefined) => boolean>();

/**
 * A membership test for a list of ranges. Built once per list (by identity: lists are parsed once,
 * from the configuration, and never changed), since callers ask on every request and building the
 * BlockList cost a tenth of a millisecond each time.
 */
export function addressMatcher(cidrs: readonly Cidr[]): (ip: string | undefined) => boolean {
  let matcher = matchers.get(cidrs);
  if (!matcher) matchers.set(cidrs, (matcher = buildMatcher(cidrs)));
  return matcher;
}

function buildMatcher(cidrs: readonly Cidr[]): (ip: string | undefined) => boolean {
  if (cidrs.length === 0) return () => false;
  const list = new BlockList();
  for (const c of cidrs) list.addSubnet(c.address, c.prefix, c.family);
  return (ip) => {
    const a = normalizeIp(ip);
    if (!a) return false;
    return list.check(a, isIP(a) === 4 ? "ipv4" : "ipv6");
  };
}

/**
 * The unit a throttle counts: an IPv4 address, or an IPv6 /64 (one subscriber's network, which a
 * single attacker can fill with as many addresses as they like).
 */
export function throttleUnit(ip: string): string {
  return prefixOf(ip, 32, 4);
}

/**
 * The network a throttle counts as one neighbourhood: an IPv4 /24, or an IPv6 /48 (one site's
 * allocation, 65,536 /64s). Used to slow attempts down, never to refuse them.
 */
export function networkUnit(ip: string): string {
  return prefixOf(ip, 24, 3);
}

/** An IPv4 address cut to `v4Bits` (a multiple of 8), or an IPv6 one to its first `v6Groups` 16-bit groups. */
function prefixOf(ip: string, v4Bits: number, v6Groups: number): string {
  if (isIP(ip) !== 6) {
    if (isIP(ip) !== 4 || v4Bits === 32) return ip;
    return `${ip
      .split(".")
      .slice(0, v4Bits / 8)
      .concat(Array<string>(4 - v4Bits / 8).fill("0"))
      .join(".")}/${v4Bits}`;
  }
  // Expand "::" so the first four groups are explicit (an embedded IPv4 tail counts as two groups).
  const width = (part: string) => (part ? part.split(":").reduce((n, g) => n + (g.includes(".") ? 2 : 1), 0) : 0);
  const [head = "", tail = ""] = ip.split("::");
  const h = head ? head.split(":") : [];
  const t = tail ? tail.split(":") : [];
  const groups = ip.includes("::") ? [...h, ...Array<string>(Math.max(0, 8 - width(head) - width(tail))).fill("0"), ...t] : h;
  return `${groups
    .slice(0, v6Groups)
    .map((g) => (Number.parseInt(g, 16) || 0).toString(16))
    .join(":")}::/${v6Groups * 16}`;
}

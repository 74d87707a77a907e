import { env } from "@/lib/env";
import { log } from "@/lib/log";
import { clientAddress } from "./client-address";
import { addressMatcher, parseAddressList, type Cidr } from "./ip";

/**
 * An optional allow-list of the addresses webhooks may come from (PLURAL_WEBHOOK_SOURCE_IPS, off by
 * default: the signature is what proves a webhook). "plural" stands for the NAT gateway addresses
 * Pine Labs publishes ("Network Address Translation [NAT] Gateway IPs to Whitelist",
 * https://developer.pinelabsonline.com/docs/developer-tools-webhooks). Pine Labs gives one list for UAT and
 * its sandbox, one for production. The address checked is the client's as clientAddress() sees it,
 * so behind a load balancer list it in TRUSTED_PROXIES.
 */
const PLURAL_WEBHOOK_SOURCES = {
  uat: ["15.206.155.74", "13.202.206.188", "13.202.213.132", "13.126.41.142"],
  prod: ["18.61.136.235", "40.192.21.254", "18.60.11.185", "13.200.147.61", "13.201.195.80/28"],
} as const;

let cached: { key: unknown; allowed: (ip: string | undefined) => boolean } | undefined;

function allowList(sources: { plural: boolean; cidrs: Cidr[] }, pluralEnv: string) {
  if (cached?.key === sources) return cached.allowed;
  const published = sources.plural ? parseAddressList(PLURAL_WEBHOOK_SOURCES[pluralEnv === "prod" ? "prod" : "uat"].join(",")).cidrs : [];
  cached = { key: sources, allowed: addressMatcher([...sources.cidrs, ...published]) };
  return cached.allowed;
}

/** A 403 for a webhook from an address that is not allowed; undefined when it may be read. */
export function webhookSourceRefusal(headers: { get(name: string): string | null }): Response | undefined {
  const e = env();
  if (!e.webhookSources) return undefined;
  const address = clientAddress(headers);
  if (address && allowList(e.webhookSources, e.pluralEnv)(address)) return undefined;
  log.warn("webhook.source_refused", { address: address ?? "unknown" });
  return Response.json({ error: "webhooks are not accepted from this address" }, { status: 403, headers: { "cache-control": "no-store" } });
}

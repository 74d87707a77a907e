import type { Settings } from "../types";

/**
 * Where Pine Labs' documents disagree or say nothing, the sandbox can answer either way: each such
 * place is a setting (a "reading"), cited to the documents it comes from. Two named profiles
 * set them all at once: `friendly` (the reading a client meets most easily, the sandbox's behaviour
 * before profiles existed) and `strict` (the harshest documented reading of each). The store must
 * work under both; `npm test` runs the contract suite and the browser checkout under both.
 *
 * docs/sandbox.md shows this table (lib/sandbox/engine/profiles.test.ts checks that it
 * names every reading). `source` names Pine Labs' public pages (developer.pinelabsonline.com and
 * pinelabs.com/docs/online-payments), in quotes, as they title them.
 */

export const PROFILE_NAMES = ["friendly", "strict"] as const;
export type ProfileName = (typeof PROFILE_NAMES)[number];

type Value = string | number;

export type Reading = {
  /** The setting, as a path into the settings (`webhook.schedule`). */
  key: string;
  friendly: Value;
  strict: Value;
  /** Where the readings come from: Pine Labs' pages by their titles, in double quotes. */
  source: string;
  /** What each document says. */
  docs: string;
  /** What the store does about it. */
  store: string;
};

export const READINGS: readonly Reading[] = [
  {
    key: "idempotency",
    friendly: "replay",
    strict: "reject",
    source: '"Error Codes"; the OpenAPI spec (Pine Labs\' Go SDK)',
    docs: "The OpenAPI spec: a repeated merchant_order_reference / merchant_payment_reference returns what exists. The error-code page: 422 DUPLICATE_REQUEST.",
    store:
      "Create order, create payment and refund are retried after a lost answer; on DUPLICATE_REQUEST lib/plural reads what exists (Get Order by reference; the payment by its merchant_payment_reference) and carries on.",
  },
  {
    key: "pending_payment_policy",
    friendly: "replace",
    strict: "reject",
    source: '"Order life cycle", "Create Payment", "Error Codes"',
    docs: "A payment is documented on a CREATED or ATTEMPTED order; nothing says what a second one on a PENDING order does. PAYMENT_PENDING is a documented 422.",
    store:
      "Switching QR / app / collect, or a new QR after expiry, where Plural refuses: a new Plural order for the same store order (`<ref>_2`, `_3`…). Webhooks, returns and the sweep find the store order from any of them; a second success is flagged paid twice and refunded.",
  },
  {
    key: "payment_response",
    friendly: "wrapped",
    strict: "flat",
    source: '"Create Payment"; "Seamless UPI integration steps" (the QR sample)',
    docs: "The API pages and Pine Labs' MCP server: the order in `{ data }`. The guide's QR sample: flat `{payment_id, status, challenge_url, image_url}`.",
    store: "lib/plural parses both; after a flat answer the store asks Get Order for the rest.",
  },
  {
    key: "pre_auth_upi",
    friendly: "honoured",
    strict: "refused",
    source: '"Create Order" (pre_auth); "Seamless UPI integration steps" (Handle Payment)',
    docs: "The order docs: only cards and Pay by Points support pre-auth. The UPI guide: a success is ORDER_AUTHORIZED, then capture or cancel.",
    store:
      "With PLURAL_PRE_AUTH=true it warns at start-up; when Plural refuses, it creates the order again without pre_auth (captured at once), logs an error and notes it on the order's timeline. Never a stuck order.",
  },
  {
    key: "order_not_found_status",
    friendly: 404,
    strict: 422,
    source: '"Get Order by ID", "Error Codes"',
    docs: "The error table: 404 ORDER_NOT_FOUND. A sample on the same page: 422.",
    store: "Reads the code, ORDER_NOT_FOUND, whatever the status.",
  },
  {
    key: "error_body",
    friendly: "json",
    strict: "html",
    source: '"Error Codes"',
    docs: "Errors are JSON `{code, message}`. Nothing says what a gateway in front of the API answers on an unknown path or an outage.",
    store: "Only Plural's own ORDER_NOT_FOUND means not found. An HTML (or non-Plural) 404 or 5xx is an upstream fault: retried later, never fails an order.",
  },
  {
    key: "retry_after",
    friendly: "sent",
    strict: "absent",
    source: '"Error Codes"',
    docs: "429 API_RATE_LIMIT and PAYMENT_RATE_LIMIT exist; no limits and no Retry-After are documented (the sandbox sending one was its own choice).",
    store: "Backs off with jitter by itself; honours Retry-After when there is one. A rate limit at the pay page says: try again in a minute.",
  },
  {
    key: "partial_capture_refunds",
    friendly: "allowed",
    strict: "refused",
    source: '"Order life cycle", "Create Refund"',
    docs: "Refunds are allowed from PROCESSED. PARTIALLY_CAPTURED appears only in a webhook sample (refunding it was the sandbox's own choice).",
    store: "Captures in full only, so never meets a partially captured order.",
  },
  {
    key: "refund_webhooks",
    friendly: "sent",
    strict: "none",
    source: '"Create Refund", "Webhook Available Events"',
    docs: "REFUND_PROCESSED and REFUND_FAILED exist; a refund is asynchronous (PENDING first). Nothing promises a webhook for each refund, nor when it ends.",
    store: "The sweep asks Plural (Get Order on the refund order) about every refund still pending; the console says when one is pending at Plural.",
  },
  {
    key: "webhook.schedule",
    friendly: "backoff",
    strict: "documented",
    source: '"Webhooks" (delivery and retries)',
    docs: "The retry page: immediately, then 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h. The overview page: up to three times within 5 s.",
    store: "Deduplicates by webhook-id; whatever never arrives, the sweep finds by Get Order.",
  },
  {
    key: "webhook.timestamp",
    friendly: "fresh",
    strict: "first",
    source: '"Webhook Signature Verification", "Webhooks"',
    docs: "Standard Webhooks signing with a webhook-timestamp; whether a retry is signed again or keeps the first timestamp is not documented.",
    store:
      "Refuses timestamps more than 300 s old (replay protection), so under `first` the retries after 5 minutes are refused; every order still converges through the sweep (see the figure below).",
  },
  {
    key: "settlement.refunds",
    friendly: "lines",
    strict: "deductions",
    source: '"Get Settlements by UTR"',
    docs: "Refunds show up only as the UTR-level `total_refund` deduction; no line carries a refund (a line per refund was the sandbox's own choice).",
    store: "Matches refunds by line where there is one, else by the UTR's `total_refund`: no false 'missing' alarm.",
  },
  {
    key: "cancel_policy",
    friendly: "authorized_only",
    strict: "authorized_only",
    source: '"Cancel Order"; "Seamless UPI integration steps"',
    docs: "The manage-orders page: cancel only an AUTHORIZED order. The UPI guide: cancel the payment against an order at any time (`any_open`).",
    store: "Cancels where Plural allows it; otherwise records that the shopper gave up and lets the request expire.",
  },
];

/**
 * What the sandbox does that no document says, and is not switchable: marked here (and in docs/sandbox.md)
 * so nobody takes it for Plural's behaviour.
 */
export const SANDBOX_INVENTIONS: readonly string[] = [
  "error_detail code PAYMENT_CANCELLED on a payment replaced by a newer one (pending_payment_policy: replace)",
  "error_detail code REFUND_FAILED on a failed refund (REFUND_FAILED is a documented event, not a documented code)",
  "error_detail code USER_CANCELLED for a payer who declines in the sandbox UPI app",
  "test UPI IDs (success@sandbox…) and test amounts (…51 to …54 paise, refunds ending …13) with fixed outcomes",
];

const readPath = (s: Settings, key: string): unknown => key.split(".").reduce<unknown>((o, k) => (o as Record<string, unknown>)?.[k], s);

function writePath(s: Settings, key: string, value: Value) {
  const parts = key.split(".");
  let o = s as unknown as Record<string, unknown>;
  for (const k of parts.slice(0, -1)) o = o[k] as Record<string, unknown>;
  o[parts.at(-1)!] = value;
}

/** The settings with a profile's readings applied (a copy). */
export function withProfile(s: Settings, name: ProfileName): Settings {
  const out = structuredClone(s);
  for (const r of READINGS) writePath(out, r.key, r[name]);
  return out;
}

/** The profile whose readings these settings have, or "custom" when they match neither. */
export function profileOf(s: Settings): ProfileName | "custom" {
  return PROFILE_NAMES.find((name) => READINGS.every((r) => readPath(s, r.key) === r[name])) ?? "custom";
}

/** The reading keys a settings patch touches (they stop following SANDBOX_PROFILE at start-up). */
export function readingKeysIn(patch: Record<string, unknown>): string[] {
  return READINGS.filter((r) => {
    const parts = r.key.split(".");
    let o: unknown = patch;
    for (const k of parts) {
      if (!o || typeof o !== "object" || !(k in o)) return false;
      o = (o as Record<string, unknown>)[k];
    }
    return o !== undefined;
  }).map((r) => r.key);
}

/** Copies the readings named in `keys` from `from` onto `to`. */
export function copyReadings(to: Settings, from: Settings, keys: Iterable<string>) {
  const wanted = new Set(keys);
  for (const r of READINGS) if (wanted.has(r.key)) writePath(to, r.key, readPath(from, r.key) as Value);
}

/** A description of both profiles, for the control API (`GET /sandbox/control/profiles`). */
export function profilesView(active: ProfileName | "custom") {
  return {
    active,
    profiles: Object.fromEntries(PROFILE_NAMES.map((n) => [n, Object.fromEntries(READINGS.map((r) => [r.key, r[n]]))])),
    readings: READINGS,
    inventions: SANDBOX_INVENTIONS,
  };
}

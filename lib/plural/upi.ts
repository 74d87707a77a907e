import { LIMITS } from "./constants";

/** True for a plausible UPI ID (`user@psp`), reference §11. */
export function isValidVpa(vpa: string): boolean {
  return LIMITS.vpa.test(vpa.trim());
}

/** Paise → "1234.50", the `am` parameter of a UPI link. */
export function paiseToUpiAmount(paise: number): string {
  if (!Number.isSafeInteger(paise) || paise < 0) throw new RangeError("amount must be a non-negative integer number of paise");
  return `${Math.floor(paise / 100)}.${String(paise % 100).padStart(2, "0")}`;
}

/** "1234.5" / "1234.50" / "1234" → paise, or undefined when not a valid amount. */
export function upiAmountToPaise(am: string): number | undefined {
  const m = /^(\d{1,9})(?:\.(\d{1,2}))?$/.exec(am);
  if (!m) return undefined;
  return Number(m[1]) * 100 + Number((m[2] ?? "0").padEnd(2, "0"));
}

export type UpiLink = {
  /** Payee VPA */
  pa: string;
  /** Payee name */
  pn: string;
  amountInPaise: number;
  /** Transaction reference */
  tr: string;
  /** Note */
  tn?: string;
  mc?: string;
  mode?: string;
  cu?: string;
};

/** Percent-encodes, but leaves "@" as is: the documented links carry `pa=name@bank` literally. */
const enc = (s: string) => encodeURIComponent(s).replaceAll("%40", "@");

/** `upi://pay?mode=04&pa=…&pn=…&mc=6012&cu=INR&am=1.00&tr=…&tn=…`, the documented order (reference §11). */
export function buildUpiLink(l: UpiLink): string {
  const parts = [
    `mode=${enc(l.mode ?? "04")}`,
    `pa=${enc(l.pa)}`,
    `pn=${enc(l.pn)}`,
    `mc=${enc(l.mc ?? "6012")}`,
    `cu=${enc(l.cu ?? "INR")}`,
    `am=${paiseToUpiAmount(l.amountInPaise)}`,
    `tr=${enc(l.tr)}`,
  ];
  if (l.tn) parts.push(`tn=${enc(l.tn)}`);
  return `upi://pay?${parts.join("&")}`;
}

/** Parses a `upi://pay` link; undefined when it is not one or lacks payee or amount. */
export function parseUpiLink(link: string): (UpiLink & { params: Record<string, string> }) | undefined {
  let url: URL;
  try {
    url = new URL(link);
  } catch {
    return undefined;
  }
  if (url.protocol !== "upi:" || !/^\/*pay$/i.test(url.host + url.pathname)) return undefined;
  const params = Object.fromEntries(url.searchParams.entries());
  const amountInPaise = params.am !== undefined ? upiAmountToPaise(params.am) : undefined;
  if (!params.pa || amountInPaise === undefined) return undefined;
  return {
    pa: params.pa,
    pn: params.pn ?? "",
    amountInPaise,
    tr: params.tr ?? "",
    tn: params.tn,
    mc: params.mc,
    mode: params.mode,
    cu: params.cu ?? "INR",
    params,
  };
}

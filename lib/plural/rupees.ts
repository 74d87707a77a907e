/**
 * Rupees as Plural's settlement API writes them (decimals: `0.96`, `10.72`, sometimes strings)
 * to integer paise, exactly: through the decimal digits, never through floating-point arithmetic
 * (`0.29 * 100` is 28.999999999999996 in floats; here it is 29). A JSON number is read by its
 * shortest decimal form, which is what the sender wrote for any amount in paise.
 *
 * More than two decimals (which no paise amount has) are rounded half away from zero on the
 * digits, and reported as inexact; anything that is not a finite decimal is refused.
 */

const DECIMAL = /^([+-]?)(\d+)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$|^([+-]?)\.(\d+)(?:[eE]([+-]?\d+))?$/;

export type Paise = { paise: number; exact: boolean };

export function parseRupees(input: number | string): Paise {
  let text: string;
  if (typeof input === "number") {
    if (!Number.isFinite(input)) throw new RangeError(`not a finite amount: ${input}`);
    text = String(input); // the shortest decimal that round-trips, e.g. "0.96", "1e-7", "1e+21"
  } else if (typeof input === "string") {
    text = input.trim();
  } else {
    throw new TypeError("an amount must be a number or a decimal string");
  }
  const m = DECIMAL.exec(text);
  if (!m) throw new RangeError(`not a decimal amount: ${JSON.stringify(input)}`);
  const sign = (m[1] ?? m[5]) === "-" ? -1 : 1;
  let intDigits = m[2] ?? "0";
  let fracDigits = m[3] ?? m[6] ?? "";
  const exp = Number(m[4] ?? m[7] ?? 0);
  // Move the decimal point by the exponent, on the digits.
  if (exp > 0) {
    const moved = fracDigits.padEnd(exp, "0");
    intDigits += moved.slice(0, exp);
    fracDigits = moved.slice(exp);
  } else if (exp < 0) {
    const padded = intDigits.padStart(-exp + 1, "0");
    fracDigits = padded.slice(padded.length + exp) + fracDigits;
    intDigits = padded.slice(0, padded.length + exp);
  }
  const cents = (fracDigits + "00").slice(0, 2);
  const rest = fracDigits.slice(2);
  let paise = BigInt(intDigits || "0") * 100n + BigInt(cents);
  const exact = /^0*$/.test(rest);
  if (!exact && rest[0]! >= "5") paise += 1n; // half away from zero (the sign is applied after)
  if (paise > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError(`amount too large: ${JSON.stringify(input)}`);
  const n = Number(paise);
  return { paise: sign < 0 && n !== 0 ? -n : n, exact };
}

/** Integer paise from a rupee amount (see parseRupees). */
export const rupeesToPaise = (input: number | string): number => parseRupees(input).paise;

/** Integer paise as a rupee decimal string with two places, e.g. 96 → "0.96", -1072 → "-10.72". */
export function paiseToRupeeString(paise: number): string {
  if (!Number.isSafeInteger(paise)) throw new RangeError(`not an integer number of paise: ${paise}`);
  const abs = Math.abs(paise);
  return `${paise < 0 ? "-" : ""}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, "0")}`;
}

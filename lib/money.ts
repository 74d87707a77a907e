/** Money is integer paise everywhere; rupees exist only here, when formatting. */
const inr = new Intl.NumberFormat("en-IN", { style: "currency", currency: "INR", minimumFractionDigits: 2, maximumFractionDigits: 2 });

export function formatPaise(paise: number): string {
  if (!Number.isSafeInteger(paise)) throw new RangeError("amount must be an integer number of paise");
  // Format from an exact decimal string so no float rounding can change a paisa.
  const sign = paise < 0 ? "-" : "";
  const abs = Math.abs(paise);
  const rupees = Math.floor(abs / 100);
  const fraction = String(abs % 100).padStart(2, "0");
  return sign + inr.format(rupees).replace(/\.00$/, `.${fraction}`);
}

function assertPaise(value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`not a paise amount: ${value}`);
  return value;
}

/** Sum of quantity × unit price, in paise. */
export function lineTotal(items: ReadonlyArray<{ unitPriceInPaise: number; quantity: number }>): number {
  return items.reduce((sum, i) => sum + assertPaise(i.unitPriceInPaise) * assertPaise(i.quantity), 0);
}

import { describe, expect, it } from "vitest";
import { formatPaise, lineTotal } from "./money";

describe("money", () => {
  it("formats paise as Indian rupees without float error", () => {
    expect(formatPaise(100)).toBe("₹1.00");
    expect(formatPaise(34900)).toBe("₹349.00");
    expect(formatPaise(123456789)).toBe("₹12,34,567.89");
    expect(formatPaise(5)).toBe("₹0.05");
    expect(formatPaise(-1050)).toBe("-₹10.50");
    expect(() => formatPaise(1.5)).toThrow();
  });
  it("sums lines in integer paise", () => {
    expect(
      lineTotal([
        { unitPriceInPaise: 34900, quantity: 3 },
        { unitPriceInPaise: 1, quantity: 7 },
      ]),
    ).toBe(104707);
    expect(() => lineTotal([{ unitPriceInPaise: 10.1, quantity: 1 }])).toThrow();
  });
});

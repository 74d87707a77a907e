import { describe, expect, it } from "vitest";
import { paiseToRupeeString, parseRupees, rupeesToPaise } from "./rupees";

describe("rupeesToPaise", () => {
  it("converts Plural's settlement samples exactly", () => {
    expect([0.96, 2, 0.08, 10.72, 0.04, 0.02, 0, 1].map(rupeesToPaise)).toEqual([96, 200, 8, 1072, 4, 2, 0, 100]);
  });

  it("never goes through floats: amounts where `x * 100` is wrong", () => {
    for (const [rupees, paise] of [
      [0.29, 29],
      [0.57, 57],
      [1.15, 115],
      [4.35, 435],
      [1005.07, 100507],
      [9007199254740.99, 900719925474099],
    ] as const) {
      expect(rupeesToPaise(rupees)).toBe(paise);
    }
    expect(0.29 * 100).not.toBe(29); // what the naive conversion gives
    expect(Math.floor(0.57 * 100)).toBe(56);
  });

  it("reads decimal strings, signs and exponents", () => {
    expect(rupeesToPaise("10.72")).toBe(1072);
    expect(rupeesToPaise(" 2 ")).toBe(200);
    expect(rupeesToPaise("2.5")).toBe(250);
    expect(rupeesToPaise("-0.02")).toBe(-2);
    expect(rupeesToPaise(-1.5)).toBe(-150);
    expect(rupeesToPaise(".5")).toBe(50);
    expect(rupeesToPaise("1e3")).toBe(100000);
    expect(() => rupeesToPaise(1e21)).toThrow(/too large/); // "1e+21"
    expect(rupeesToPaise("1.2e-1")).toBe(12);
    expect(rupeesToPaise(-0)).toBe(0);
  });

  it("rounds sub-paise digits half away from zero, on the digits, and says it was not exact", () => {
    expect(parseRupees("1.005")).toEqual({ paise: 101, exact: false });
    expect(Math.round(1.005 * 100)).toBe(100); // floats get this one wrong
    expect(parseRupees("1.004")).toEqual({ paise: 100, exact: false });
    expect(parseRupees("-1.005")).toEqual({ paise: -101, exact: false });
    expect(parseRupees(1e-7)).toEqual({ paise: 0, exact: false });
    expect(parseRupees("1.2300")).toEqual({ paise: 123, exact: true });
  });

  it("refuses what is not a finite decimal", () => {
    for (const bad of ["", "abc", "1,234.50", "₹10", "1.2.3", "0x10", "Infinity", NaN, Infinity, "1e400"]) {
      expect(() => rupeesToPaise(bad as never), String(bad)).toThrow();
    }
  });

  it("formats paise back as a two-place decimal", () => {
    expect([96, 1072, 0, -2, 200, 100507].map(paiseToRupeeString)).toEqual(["0.96", "10.72", "0.00", "-0.02", "2.00", "1005.07"]);
    for (const p of [0, 1, 29, 57, 99, 100, 12345, -12345]) expect(rupeesToPaise(paiseToRupeeString(p))).toBe(p);
  });
});

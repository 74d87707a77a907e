import { describe, expect, it } from "vitest";
import { PluralError, redact } from "./errors";

describe("PluralError", () => {
  it("is recognised across bundle copies of the class (Next bundles per route)", () => {
    const foreign = Object.assign(new Error("x"), { [Symbol.for("plural-upi-storefront.PluralError")]: true });
    expect(foreign instanceof PluralError).toBe(true);
    expect(new Error("x") instanceof PluralError).toBe(false);
    expect(new PluralError({ kind: "http", code: "X", message: "m" }) instanceof PluralError).toBe(true);
  });

  it("redacts tokens and VPAs from messages", () => {
    expect(redact("Bearer abc.def-ghi for kevin.bob@okicici")).toBe("Bearer [redacted] for [redacted-vpa]");
    expect(redact("token eyJhbGciOi.eyJzdWIi.sig")).toBe("token [redacted-token]");
  });
});

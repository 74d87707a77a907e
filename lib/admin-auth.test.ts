import { afterEach, describe, expect, it } from "vitest";
import { resetEnvCache } from "@/lib/env";
import { adminPassword, passwordMatches } from "./admin-auth";

const saved = { ...process.env };
afterEach(() => {
  process.env = { ...saved };
  resetEnvCache();
});
const use = (vars: Record<string, string | undefined>) => {
  process.env = { ...saved, ...vars };
  for (const [k, v] of Object.entries(vars)) if (v === undefined) delete process.env[k];
  resetEnvCache();
};

describe("merchant console sign-in", () => {
  it("is disabled outside sandbox mode without ADMIN_PASSWORD", () => {
    use({
      PLURAL_ENV: "uat",
      PLURAL_CLIENT_ID: "id",
      PLURAL_CLIENT_SECRET: "00112233445566778899aabbccddeeff",
      ADMIN_PASSWORD: undefined,
      PLURAL_BASE_URL: undefined,
    });
    expect(adminPassword()).toBeUndefined();
    expect(passwordMatches("")).toBe(false);
    expect(passwordMatches("sandbox")).toBe(false);
  });

  it("uses ADMIN_PASSWORD, or 'sandbox' in sandbox mode", () => {
    use({ PLURAL_ENV: "sandbox", ADMIN_PASSWORD: undefined, PLURAL_BASE_URL: undefined });
    expect(passwordMatches("sandbox")).toBe(true);
    use({ PLURAL_ENV: "sandbox", ADMIN_PASSWORD: "s3cret-pass", PLURAL_BASE_URL: undefined });
    expect(passwordMatches("sandbox")).toBe(false);
    expect(passwordMatches("s3cret-pass")).toBe(true);
    expect(passwordMatches("s3cret-pas")).toBe(false);
  });
});

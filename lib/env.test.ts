import { describe, expect, it } from "vitest";
import { ConfigError, logSettings, parseEnv, SANDBOX_DEFAULTS } from "./env";

describe("configuration", () => {
  it("needs nothing in sandbox mode", () => {
    const e = parseEnv({});
    expect(e).toMatchObject({
      pluralEnv: "sandbox",
      clientId: SANDBOX_DEFAULTS.clientId,
      clientSecret: SANDBOX_DEFAULTS.clientSecret,
      appUrl: "http://localhost:3000",
      baseUrl: "http://localhost:3000/sandbox",
      databaseUrl: "file:./prisma/dev.db",
    });
    expect(e.secretKey).toBe(e.clientSecret);
    expect(e.webhookSecret).toBe(e.clientSecret);
  });

  it("derives the sandbox base URL from APP_URL and lets PLURAL_BASE_URL override", () => {
    expect(parseEnv({ APP_URL: "http://127.0.0.1:4000/" }).baseUrl).toBe("http://127.0.0.1:4000/sandbox");
    expect(parseEnv({ PLURAL_BASE_URL: "http://127.0.0.1:9999/" }).baseUrl).toBe("http://127.0.0.1:9999");
  });

  it("without APP_URL the store is where it listens; a sandbox elsewhere is not served here", () => {
    expect(parseEnv({ PORT: "3150" })).toMatchObject({ appUrl: "http://localhost:3150", baseUrl: "http://localhost:3150/sandbox", sandboxServed: true });
    expect(parseEnv({ PORT: "3150", APP_URL: "https://shop.example" })).toMatchObject({
      appUrl: "https://shop.example",
      baseUrl: "https://shop.example/sandbox",
    });
    expect(parseEnv({ PLURAL_BASE_URL: "http://127.0.0.1:3999/sandbox" })).toMatchObject({ sandboxServed: false, baseUrl: "http://127.0.0.1:3999/sandbox" });
    expect(parseEnv({}).sandboxWebhookUrl).toBe("http://localhost:3000/api/plural/webhook");
    expect(parseEnv({ SANDBOX_WEBHOOK_URL: "http://127.0.0.1:8080/api/plural/webhook" }).sandboxWebhookUrl).toBe("http://127.0.0.1:8080/api/plural/webhook");
    expect(parseEnv({ PLURAL_ENV: "uat", PLURAL_CLIENT_ID: "id", PLURAL_CLIENT_SECRET: "00112233445566778899aabbccddeeff" }).sandboxServed).toBe(false);
  });

  it("uses the documented hosts for uat and prod", () => {
    const creds = { PLURAL_CLIENT_ID: "id", PLURAL_CLIENT_SECRET: "00112233445566778899aabbccddeeff" };
    expect(parseEnv({ ...creds, PLURAL_ENV: "uat" }).baseUrl).toBe("https://pluraluat.v2.pinepg.in");
    expect(parseEnv({ ...creds, PLURAL_ENV: "prod" }).baseUrl).toBe("https://api.pluralpay.in");
  });

  it("lists every missing credential at once in uat", () => {
    try {
      parseEnv({ PLURAL_ENV: "uat" });
      throw new Error("expected ConfigError");
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigError);
      const problems = (e as ConfigError).problems;
      expect(problems.some((p) => p.includes("PLURAL_CLIENT_ID"))).toBe(true);
      expect(problems.some((p) => p.includes("PLURAL_CLIENT_SECRET"))).toBe(true);
    }
  });

  it("lists every invalid value at once", () => {
    try {
      parseEnv({ PLURAL_ENV: "staging", APP_URL: "not a url", PLURAL_TIMEOUT_MS: "5" });
      throw new Error("expected ConfigError");
    } catch (e) {
      const problems = (e as ConfigError).problems.join("\n");
      expect(problems).toMatch(/PLURAL_ENV/);
      expect(problems).toMatch(/APP_URL/);
      expect(problems).toMatch(/PLURAL_TIMEOUT_MS/);
    }
  });

  it("demands a hex callback key and never prints secrets", () => {
    try {
      parseEnv({ PLURAL_ENV: "uat", PLURAL_CLIENT_ID: "id", PLURAL_CLIENT_SECRET: "not-hex-secret-value" });
      throw new Error("expected ConfigError");
    } catch (e) {
      expect((e as ConfigError).message).toMatch(/PLURAL_SECRET_KEY/);
      expect((e as ConfigError).message).not.toContain("not-hex-secret-value");
    }
    expect(parseEnv({ PLURAL_ENV: "uat", PLURAL_CLIENT_ID: "id", PLURAL_CLIENT_SECRET: "not-hex", PLURAL_SECRET_KEY: "abcd" }).secretKey).toBe("abcd");
  });

  it("refuses a real Plural host in sandbox mode and the sandbox secret in prod", () => {
    expect(() => parseEnv({ PLURAL_BASE_URL: "https://api.pluralpay.in" })).toThrow(ConfigError);
    expect(() => parseEnv({ PLURAL_ENV: "prod", PLURAL_CLIENT_ID: "id", PLURAL_CLIENT_SECRET: SANDBOX_DEFAULTS.clientSecret })).toThrow(/sandbox/);
  });
});

describe("network configuration", () => {
  it("TRUSTED_PROXIES takes addresses and CIDR ranges, and lists what it cannot read", () => {
    expect(parseEnv({}).trustedProxies).toEqual([]);
    expect(parseEnv({ TRUSTED_PROXIES: "10.0.0.0/8, 2001:db8::/32 192.0.2.1" }).trustedProxies).toEqual([
      { address: "10.0.0.0", prefix: 8, family: "ipv4" },
      { address: "2001:db8::", prefix: 32, family: "ipv6" },
      { address: "192.0.2.1", prefix: 32, family: "ipv4" },
    ]);
    try {
      parseEnv({ TRUSTED_PROXIES: "10.0.0.0/40, proxy.internal" });
      throw new Error("expected ConfigError");
    } catch (e) {
      expect((e as ConfigError).problems).toHaveLength(2);
      expect((e as ConfigError).problems.join("\n")).toMatch(/TRUSTED_PROXIES: "proxy.internal" is not an IP address or CIDR range/);
    }
  });

  it("PLURAL_WEBHOOK_SOURCE_IPS is off by default; 'plural' or a list turns it on", () => {
    expect(parseEnv({}).webhookSources).toBeUndefined();
    expect(parseEnv({ PLURAL_WEBHOOK_SOURCE_IPS: "plural" }).webhookSources).toEqual({ plural: true, cidrs: [] });
    expect(parseEnv({ PLURAL_WEBHOOK_SOURCE_IPS: "plural, 127.0.0.1" }).webhookSources).toEqual({
      plural: true,
      cidrs: [{ address: "127.0.0.1", prefix: 32, family: "ipv4" }],
    });
    expect(() => parseEnv({ PLURAL_WEBHOOK_SOURCE_IPS: "pinelabs" })).toThrow(/PLURAL_WEBHOOK_SOURCE_IPS/);
  });

  /** Nothing of the sandbox, nor its bench routes, reaches a real store or the public unasked. */
  describe("the sandbox and the bench routes", () => {
    const uat = { PLURAL_ENV: "uat", PLURAL_CLIENT_ID: "id", PLURAL_CLIENT_SECRET: "00112233445566778899aabbccddeeff" };
    const problems = (vars: Record<string, string>) => {
      try {
        parseEnv(vars);
        return [];
      } catch (e) {
        return (e as ConfigError).problems;
      }
    };

    it("BENCH_ROUTES outside sandbox mode stops start-up, with a clear message", () => {
      expect(problems({ ...uat, BENCH_ROUTES: "1" })).toEqual([
        expect.stringMatching(/^BENCH_ROUTES=1 serves \/api\/bench\/\*.*never with PLURAL_ENV=uat\. Unset BENCH_ROUTES\.$/),
      ]);
      expect(problems({ ...uat, PLURAL_ENV: "prod", PLURAL_CLIENT_SECRET: "ffeeddccbbaa99887766554433221100", BENCH_ROUTES: "true" })).toHaveLength(1);
      expect(parseEnv({ BENCH_ROUTES: "1" }).benchRoutes).toBe(true);
      expect(parseEnv({ ...uat }).benchRoutes).toBe(false);
    });

    it("a production build serves its sandbox only to this machine unless SANDBOX_PUBLIC opts in", () => {
      expect(problems({ NODE_ENV: "production", APP_URL: "http://127.0.0.1:3000" })).toEqual([]);
      expect(problems({ NODE_ENV: "production", APP_URL: "http://localhost:3000" })).toEqual([]);
      expect(problems({ NODE_ENV: "production", APP_URL: "https://demo.example.com" })).toEqual([
        expect.stringMatching(/not a loopback address.*SANDBOX_PUBLIC=true/),
      ]);
      expect(problems({ NODE_ENV: "development", APP_URL: "https://demo.example.com" })).toEqual([]);
      // A store whose sandbox is another service serves none: nothing to opt into.
      expect(problems({ NODE_ENV: "production", APP_URL: "https://shop.example.com", PLURAL_BASE_URL: "http://10.0.0.9:3999/sandbox" })).toEqual([]);
    });

    it("a public sandbox needs a control token, and keeps its webhooks (and no bench routes) at home", () => {
      const pub = { NODE_ENV: "production", APP_URL: "https://demo.example.com", SANDBOX_PUBLIC: "true" };
      expect(problems(pub)).toEqual([expect.stringMatching(/^SANDBOX_PUBLIC=true needs SANDBOX_CONTROL_TOKEN/)]);
      const token = "a".repeat(32);
      expect(parseEnv({ ...pub, SANDBOX_CONTROL_TOKEN: token })).toMatchObject({ sandboxPublic: true, sandboxControlToken: token });
      expect(problems({ ...pub, SANDBOX_CONTROL_TOKEN: token, SANDBOX_WEBHOOK_URL: "http://169.254.169.254/latest" })).toEqual([
        expect.stringMatching(/only to the store's own origin \(https:\/\/demo\.example\.com\)/),
      ]);
      expect(problems({ ...pub, SANDBOX_CONTROL_TOKEN: token, BENCH_ROUTES: "1" })).toEqual([expect.stringMatching(/never allowed on a public sandbox/)]);
      expect(parseEnv({ ...uat, SANDBOX_PUBLIC: "true" }).sandboxPublic).toBe(false);
    });
  });
});

describe("timers, files, logs and telemetry", () => {
  const problems = (source: Record<string, string>) => {
    try {
      parseEnv(source);
      return [];
    } catch (e) {
      return (e as ConfigError).problems;
    }
  };

  it("has the documented defaults", () => {
    expect(parseEnv({})).toMatchObject({
      reconcileIntervalMs: 30_000,
      settlementsIntervalMs: 0,
      databasePoolSize: 10,
      sandboxStateFile: ".sandbox/state.json",
      shutdownTimeoutMs: undefined,
      port: undefined,
      otel: { endpoint: undefined, tracesEndpoint: undefined, metricsEndpoint: undefined, pluralEnv: "sandbox" },
    });
  });

  it("reads each variable into its setting", () => {
    const e = parseEnv({
      RECONCILE_INTERVAL_MS: "0",
      SETTLEMENTS_INTERVAL_MS: "3600000",
      DATABASE_POOL_SIZE: "1",
      SANDBOX_STATE_FILE: "none",
      SHUTDOWN_TIMEOUT_MS: "5000",
      PORT: "3150",
      OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318",
      OTEL_METRIC_EXPORT_INTERVAL: "15000",
      OTEL_SERVICE_NAME: "shop-eu",
    });
    expect(e).toMatchObject({
      reconcileIntervalMs: 0,
      settlementsIntervalMs: 3_600_000,
      databasePoolSize: 1,
      sandboxStateFile: null,
      shutdownTimeoutMs: 5_000,
      port: 3150,
    });
    expect(e.otel).toMatchObject({ endpoint: "http://collector:4318", metricExportIntervalMs: 15_000, serviceName: "shop-eu" });
    expect(parseEnv({ SANDBOX_STATE_FILE: "/var/lib/sandbox.json" }).sandboxStateFile).toBe("/var/lib/sandbox.json");
  });

  it("stops start-up on an unreadable value, naming the variable", () => {
    expect(problems({ RECONCILE_INTERVAL_MS: "every minute" })).toEqual([expect.stringContaining("RECONCILE_INTERVAL_MS")]);
    expect(problems({ SETTLEMENTS_INTERVAL_MS: "-5" })).toEqual([expect.stringContaining("SETTLEMENTS_INTERVAL_MS")]);
    expect(problems({ DATABASE_POOL_SIZE: "0" })).toEqual([expect.stringContaining("DATABASE_POOL_SIZE")]);
    expect(problems({ LOG_LEVEL: "verbose" })).toEqual([expect.stringContaining("LOG_LEVEL")]);
    expect(problems({ LOG_FORMAT: "xml" })).toEqual([expect.stringContaining("LOG_FORMAT")]);
    expect(problems({ OTEL_EXPORTER_OTLP_ENDPOINT: "collector:4318" })).toEqual([expect.stringContaining("OTEL_EXPORTER_OTLP_ENDPOINT")]);
    expect(problems({ OTEL_METRIC_EXPORT_INTERVAL: "soon" })).toEqual([expect.stringContaining("OTEL_METRIC_EXPORT_INTERVAL")]);
    expect(problems({ LOG_LEVEL: "silent", LOG_FORMAT: "json", RECONCILE_INTERVAL_MS: "5000" })).toEqual([]);
  });

  it("the logger's settings never throw: an unreadable value is the default there (start-up refuses it)", () => {
    expect(logSettings({})).toEqual({ level: "info", format: "json" });
    expect(logSettings({ NODE_ENV: "development" })).toEqual({ level: "info", format: "pretty" });
    expect(logSettings({ LOG_LEVEL: "warn", LOG_FORMAT: "json", NODE_ENV: "development" })).toEqual({ level: "warn", format: "json" });
    expect(logSettings({ LOG_LEVEL: "verbose", LOG_FORMAT: "xml" })).toEqual({ level: "info", format: "json" });
  });
});

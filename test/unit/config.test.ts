import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig, parseDatabaseUrl, parseTrustProxy } from "../../src/config/env.js";
import { defaultConfig } from "../../src/config/config.js";

describe("configuration", () => {
  it("picks the database from DATABASE_URL", () => {
    expect(parseDatabaseUrl(undefined)).toEqual({ kind: "pglite", dataDir: "./data" });
    expect(parseDatabaseUrl("memory://")).toEqual({ kind: "pglite", dataDir: undefined });
    expect(parseDatabaseUrl("postgres://u@h:5432/db", 7)).toEqual({ kind: "postgres", url: "postgres://u@h:5432/db", poolMax: 7, prepare: true });
    expect(loadConfig({ DATABASE_URL: "postgres://u@h/db", ADMIN_API_KEY: "k".repeat(20), DB_PREPARE: "false" }).database).toMatchObject({ prepare: false });
    expect(() => parseDatabaseUrl("mysql://x")).toThrow(ConfigError);
  });

  it("has the documented defaults", () => {
    expect(loadConfig({})).toMatchObject({ port: 4000, seedDemo: true, production: false, adminApiKey: undefined });
    expect(loadConfig({ SEED_DEMO: "false", PORT: "8080" })).toMatchObject({ port: 8080, seedDemo: false });
  });

  it("takes every value the environment leaves unset from config.ts's defaults, the port-dependent ones included", () => {
    expect(loadConfig({})).toEqual(defaultConfig());
    const key = "k".repeat(20);
    expect(loadConfig({ PORT: "8080", NODE_ENV: "production", ADMIN_API_KEY: key })).toEqual({ ...defaultConfig({ port: 8080, production: true }), adminApiKey: key });
    expect(defaultConfig({ port: 8080 })).toMatchObject({ program: { siteUrl: "http://localhost:8080/demo/landing" }, email: { publicUrl: "http://localhost:8080" } });
  });

  it("reads STRIPE_WEBHOOK_SECRET (comma-separated), STRIPE_LIVEMODE (true, false or unset: both) and STRIPE_DEMO_CHECKOUT (off in production unless set)", () => {
    const key = "k".repeat(20);
    expect(loadConfig({}).stripe).toEqual({ webhookSecrets: [], livemode: null, maxBytes: 1024 * 1024, demoCheckout: true });
    expect(loadConfig({ STRIPE_WEBHOOK_SECRET: "whsec_new, whsec_old", STRIPE_LIVEMODE: "false", WEBHOOK_MAX_KB: "64" }).stripe).toMatchObject({
      webhookSecrets: ["whsec_new", "whsec_old"],
      livemode: false,
      maxBytes: 64 * 1024,
    });
    expect(loadConfig({ STRIPE_LIVEMODE: "true" }).stripe.livemode).toBe(true);
    expect(() => loadConfig({ STRIPE_LIVEMODE: "live" })).toThrow(/STRIPE_LIVEMODE must be true or false/);
    expect(loadConfig({ NODE_ENV: "production", ADMIN_API_KEY: key }).stripe.demoCheckout).toBe(false);
    expect(loadConfig({ NODE_ENV: "production", ADMIN_API_KEY: key, STRIPE_DEMO_CHECKOUT: "true" }).stripe.demoCheckout).toBe(true);
  });

  it("serves GraphiQL as long as introspection is on (GRAPHIQL=true turns it on without), and off on request", () => {
    const key = "a-long-enough-admin-key";
    expect(loadConfig({}).graphqlLimits.graphiql).toBe(true);
    expect(loadConfig({ NODE_ENV: "production", ADMIN_API_KEY: key }).graphqlLimits.graphiql).toBe(false);
    expect(loadConfig({ NODE_ENV: "production", ADMIN_API_KEY: key, INTROSPECTION: "true" }).graphqlLimits.graphiql).toBe(true);
    expect(loadConfig({ INTROSPECTION: "false" }).graphqlLimits.graphiql).toBe(false);
    expect(loadConfig({ INTROSPECTION: "false", GRAPHIQL: "true" }).graphqlLimits.graphiql).toBe(true);
    expect(loadConfig({ GRAPHIQL: "off" }).graphqlLimits.graphiql).toBe(false);
    expect(() => loadConfig({ GRAPHIQL: "maybe" })).toThrow(/GRAPHIQL/);
  });

  it("refuses to run in production without an admin key, and refuses weak or malformed values", () => {
    expect(() => loadConfig({ NODE_ENV: "production" })).toThrow(/ADMIN_API_KEY/);
    expect(loadConfig({ NODE_ENV: "production", ADMIN_API_KEY: "a-long-enough-admin-key" }).production).toBe(true);
    expect(() => loadConfig({ ADMIN_API_KEY: "short" })).toThrow(/at least 16/);
    expect(() => loadConfig({ PORT: "http" })).toThrow(/PORT/);
    expect(() => loadConfig({ SEED_DEMO: "maybe" })).toThrow(/SEED_DEMO/);
  });

  it("reads the referral tracking settings, defaulting to 60 visits a minute, a 30-day window and no trusted proxy", () => {
    expect(loadConfig({})).toMatchObject({ visitRateLimit: { perMinute: 60 }, attributionWindowDays: 30, trustProxy: false });
    expect(loadConfig({ VISIT_RATE_LIMIT_PER_MINUTE: "0", ATTRIBUTION_WINDOW_DAYS: "7" })).toMatchObject({
      visitRateLimit: { perMinute: 0 },
      attributionWindowDays: 7,
    });
    expect(() => loadConfig({ VISIT_RATE_LIMIT_PER_MINUTE: "-1" })).toThrow(/VISIT_RATE_LIMIT_PER_MINUTE/);
    expect(() => loadConfig({ ATTRIBUTION_WINDOW_DAYS: "0" })).toThrow(/ATTRIBUTION_WINDOW_DAYS/);
  });

  it("reads ATTRIBUTION_MODEL: last-touch by default, first-touch on request, anything else refused by name", () => {
    expect(loadConfig({}).attributionModel).toBe("LAST_TOUCH");
    expect(loadConfig({ ATTRIBUTION_MODEL: "first-touch" }).attributionModel).toBe("FIRST_TOUCH");
    expect(loadConfig({ ATTRIBUTION_MODEL: " Last-Touch " }).attributionModel).toBe("LAST_TOUCH");
    expect(() => loadConfig({ ATTRIBUTION_MODEL: "linear" })).toThrow(ConfigError);
    expect(() => loadConfig({ ATTRIBUTION_MODEL: "linear" })).toThrow(/ATTRIBUTION_MODEL must be last-touch or first-touch, got "linear"/);
  });

  it("parses TRUST_PROXY as false, true, a hop count, or proxies", () => {
    expect(parseTrustProxy(undefined)).toBe(false);
    expect(parseTrustProxy("false")).toBe(false);
    expect(parseTrustProxy("true")).toBe(true);
    expect(parseTrustProxy("2")).toBe(2);
    expect(parseTrustProxy("loopback, 10.0.0.0/8, fd00::/8")).toEqual(["loopback", "10.0.0.0/8", "fd00::/8"]);
    expect(() => parseTrustProxy("10.0.0.0/33")).toThrow(ConfigError);
    expect(() => parseTrustProxy("my-proxy")).toThrow(/TRUST_PROXY/);
  });

  it("reads PUBLIC_CORS_ORIGINS (origins or *), with LANDING_CORS_ORIGINS as its deprecated name while it is unset", () => {
    expect(loadConfig({}).publicCorsOrigins).toEqual([]);
    expect(loadConfig({ PUBLIC_CORS_ORIGINS: "https://shop.example.com, http://localhost:3000" }).publicCorsOrigins).toEqual(["https://shop.example.com", "http://localhost:3000"]);
    expect(loadConfig({ PUBLIC_CORS_ORIGINS: "*" }).publicCorsOrigins).toEqual(["*"]);
    expect(loadConfig({ LANDING_CORS_ORIGINS: "https://old.example.com" }).publicCorsOrigins).toEqual(["https://old.example.com"]);
    expect(loadConfig({ PUBLIC_CORS_ORIGINS: "https://new.example.com", LANDING_CORS_ORIGINS: "https://old.example.com" }).publicCorsOrigins).toEqual(["https://new.example.com"]);
    expect(() => loadConfig({ PUBLIC_CORS_ORIGINS: "https://shop.example.com/" })).toThrow(/PUBLIC_CORS_ORIGINS/);
    expect(() => loadConfig({ PUBLIC_CORS_ORIGINS: "shop.example.com" })).toThrow(ConfigError);
    expect(() => loadConfig({ LANDING_CORS_ORIGINS: "ftp://x.example" })).toThrow(/LANDING_CORS_ORIGINS/);
  });
});

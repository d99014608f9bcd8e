import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig, parseDatabaseUrl } from "../src/config/env.js";

describe("configuration", () => {
  it("picks the database from DATABASE_URL", () => {
    expect(parseDatabaseUrl(undefined)).toEqual({ kind: "pglite", dataDir: "./data" });
    expect(parseDatabaseUrl("memory://")).toEqual({ kind: "pglite", dataDir: undefined });
    expect(parseDatabaseUrl("postgres://u@h:5432/db", 7)).toEqual({ kind: "postgres", url: "postgres://u@h:5432/db", poolMax: 7 });
    expect(() => parseDatabaseUrl("mysql://x")).toThrow(ConfigError);
  });

  it("has the documented defaults", () => {
    expect(loadConfig({})).toMatchObject({ port: 4000, seedDemo: true, production: false, adminApiKey: undefined });
    expect(loadConfig({ SEED_DEMO: "false", PORT: "8080" })).toMatchObject({ port: 8080, seedDemo: false });
  });

  it("refuses to run in production without an admin key, and refuses weak or malformed values", () => {
    expect(() => loadConfig({ NODE_ENV: "production" })).toThrow(/ADMIN_API_KEY/);
    expect(loadConfig({ NODE_ENV: "production", ADMIN_API_KEY: "a-long-enough-admin-key" }).production).toBe(true);
    expect(() => loadConfig({ ADMIN_API_KEY: "short" })).toThrow(/at least 16/);
    expect(() => loadConfig({ PORT: "http" })).toThrow(/PORT/);
    expect(() => loadConfig({ SEED_DEMO: "maybe" })).toThrow(/SEED_DEMO/);
  });
});

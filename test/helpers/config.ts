import { defaultConfig, withOverrides, type AppConfig, type ConfigOverrides } from "../../src/config/config.js";

export const ADMIN_KEY = "test-admin-key-0123456789abcdef";

/**
 * The configuration tests (and benchmarks) run the app with: the defaults, but no request rate
 * limit, no polling job runner (tests run jobs with runner.drain()) and no schedules, then
 * `overrides` on top.
 */
export function testConfig(overrides: ConfigOverrides = {}): AppConfig {
  const base = withOverrides(defaultConfig(), {
    adminApiKey: ADMIN_KEY,
    database: { kind: "pglite", dataDir: undefined },
    requestRateLimit: { perKeyPerMinute: 0, perAddressPerMinute: 0 },
    jobs: { pollMs: 0 },
    scoresRefreshHours: 0,
    churnTrainHours: 0,
    commissionLedgerHours: 0,
  });
  return withOverrides(base, overrides);
}

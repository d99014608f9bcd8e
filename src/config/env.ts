import { DEFAULT_LANDING_CACHE, type LandingCacheOptions } from "../landing/landing.cache.js";
import { parseScoringConfig, ScoringConfigError, type ScoringConfig } from "../intelligence/scoring.config.js";

/**
 * The process environment, parsed and validated once. Anything wrong fails at start-up with a
 * message that names the variable, never later in a request.
 */
export type DatabaseConfig =
  | { kind: "pglite"; dataDir: string | undefined } // undefined: in memory
  | { kind: "postgres"; url: string; poolMax: number };

export interface AppConfig {
  port: number;
  production: boolean;
  database: DatabaseConfig;
  adminApiKey: string | undefined;
  seedDemo: boolean;
  scoring: ScoringConfig;
  /** Hours between batch score refreshes (time moves the 90-day windows); 0 disables. */
  scoresRefreshHours: number;
  /** Hours between churn-model trainings; 0 disables. */
  churnTrainHours: number;
  landingCache: LandingCacheOptions;
  corsOrigins: string[];
}

export class ConfigError extends Error {}

function scoringVars(env: NodeJS.ProcessEnv): ScoringConfig {
  try {
    return parseScoringConfig(env);
  } catch (error) {
    if (error instanceof ScoringConfigError) throw new ConfigError(error.message);
    throw error;
  }
}

function intVar(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

function boolVar(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (raw === undefined || raw === "") return fallback;
  if (["1", "true", "yes", "on"].includes(raw)) return true;
  if (["0", "false", "no", "off"].includes(raw)) return false;
  throw new ConfigError(`${name} must be true or false, got "${env[name]}"`);
}

export function parseDatabaseUrl(url: string | undefined, poolMax = 10): DatabaseConfig {
  if (url === undefined || url.trim() === "") return { kind: "pglite", dataDir: "./data" };
  if (url === "memory://") return { kind: "pglite", dataDir: undefined };
  if (/^postgres(ql)?:\/\//.test(url)) return { kind: "postgres", url, poolMax };
  throw new ConfigError(`DATABASE_URL must be unset, memory:// or postgres://…, got "${url.split("@").pop()}"`);
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const production = env.NODE_ENV === "production";
  const adminApiKey = env.ADMIN_API_KEY?.trim() || undefined;
  if (adminApiKey !== undefined && adminApiKey.length < 16) {
    throw new ConfigError("ADMIN_API_KEY must be at least 16 characters");
  }
  if (production && adminApiKey === undefined) {
    throw new ConfigError("ADMIN_API_KEY is required when NODE_ENV=production");
  }
  return {
    port: intVar(env, "PORT", 4000, 0, 65535),
    production,
    database: parseDatabaseUrl(env.DATABASE_URL, intVar(env, "DB_POOL_MAX", 10, 1, 100)),
    adminApiKey,
    seedDemo: boolVar(env, "SEED_DEMO", true),
    scoring: scoringVars(env),
    scoresRefreshHours: intVar(env, "SCORES_REFRESH_HOURS", 6, 0, 24 * 30),
    churnTrainHours: intVar(env, "CHURN_TRAIN_HOURS", 24, 0, 24 * 365),
    landingCache: {
      maxEntries: intVar(env, "LANDING_CACHE_MAX_ENTRIES", DEFAULT_LANDING_CACHE.maxEntries, 1, 10_000_000),
      maxBytes: intVar(env, "LANDING_CACHE_MAX_MB", DEFAULT_LANDING_CACHE.maxBytes / 2 ** 20, 1, 16_384) * 2 ** 20,
      ttlMs: intVar(env, "LANDING_CACHE_TTL_SECONDS", DEFAULT_LANDING_CACHE.ttlMs / 1000, 1, 86_400) * 1000,
      dbTimeoutMs: intVar(env, "LANDING_DB_TIMEOUT_MS", DEFAULT_LANDING_CACHE.dbTimeoutMs, 50, 60_000),
    },
    corsOrigins: (env.LANDING_CORS_ORIGINS ?? "").split(",").map((o) => o.trim()).filter(Boolean),
  };
}

import { isIP } from "node:net";
import { DEFAULT_LANDING_CACHE, type LandingCacheOptions } from "../landing/landing.cache.js";
import { DEFAULT_VISIT_RATE_LIMIT, type VisitRateLimitOptions } from "../referrals/visit-rate-limit.js";
import { DEFAULT_ATTRIBUTION_WINDOW_DAYS } from "../referrals/referral.service.js";
import { DEFAULT_PROGRAM, type ProgramSettings } from "../commissions/program.config.js";
import { DEFAULT_EMAIL_FROM } from "../email/mailer.js";
import { DEFAULT_GRAPHQL_LIMITS, type GraphQLLimits } from "../server/limits.js";
import { DEFAULT_REQUEST_RATE_LIMIT, type RequestRateLimitOptions } from "../server/request-rate-limit.js";
import { parseScoringConfig, ScoringConfigError, type ScoringConfig } from "../intelligence/scoring.config.js";

/**
 * The process environment, parsed and validated once. Anything wrong fails at start-up with a
 * message that names the variable, never later in a request.
 */
export type DatabaseConfig =
  | { kind: "pglite"; dataDir: string | undefined } // undefined: in memory
  | { kind: "postgres"; url: string; poolMax: number; prepare?: boolean };

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
  visitRateLimit: VisitRateLimitOptions;
  /** Days before an attribution in which the named visitor must have visited the affiliate. */
  attributionWindowDays: number;
  /** Express's "trust proxy": which hops may tell the client address in X-Forwarded-For. */
  trustProxy: TrustProxy;
  program: ProgramSettings;
  /** Hours between commission-ledger runs (accrue, claw back, approve); 0 disables. */
  commissionLedgerHours: number;
  /** WEBHOOK_SECRET, comma-separated: several while a secret is rotated (a signature by any is accepted). */
  webhook: { secrets: string[]; maxBytes: number };
  /** Journey emails: SMTP_URL (unset: written to the log, not sent), From, and this server's public URL for links. */
  email: { smtpUrl: string | undefined; from: string; publicUrl: string };
  graphqlLimits: GraphQLLimits;
  /** Requests a minute to /graphql per API key and per client address (anonymous); 0: no limit. */
  requestRateLimit: RequestRateLimitOptions;
  /** How long a request may take, headers included, before the server drops it. */
  requestTimeoutMs: number;
  /** Bearer token GET /metrics requires; unset: open (keep it inside the network). */
  metricsToken: string | undefined;
  /** SIGTERM: how long to report not-ready before closing the listener, and the bound on the whole shutdown. */
  shutdownDrainMs: number;
  shutdownTimeoutMs: number;
  /** The job runner: idle poll interval, jobs run at once, and how long a claim holds unless renewed. */
  jobs: { pollMs: number; batchSize: number; leaseMs: number };
}

/** false: the socket's peer is the client; true: trust every hop; n: trust n hops; else addresses/subnets. */
export type TrustProxy = boolean | number | string[];

export class ConfigError extends Error {}

function scoringVars(env: NodeJS.ProcessEnv): ScoringConfig {
  try {
    return parseScoringConfig(env);
  } catch (error) {
    if (error instanceof ScoringConfigError) throw new ConfigError(error.message);
    throw error;
  }
}

/** A comma-separated list, each item trimmed, empty ones dropped. */
const listVar = (raw: string | undefined) => (raw ?? "").split(",").map((item) => item.trim()).filter(Boolean);

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

const PROXY_NAMES = new Set(["loopback", "linklocal", "uniquelocal"]);

/**
 * TRUST_PROXY: unset or false when clients connect directly (req.ip is the socket's peer).
 * Behind a proxy the client address is in X-Forwarded-For, which only the proxy may set: name
 * the proxy (addresses, subnets, or loopback/linklocal/uniquelocal), or the number of hops.
 * `true` trusts any sender, so any client could pick its address: only when nothing but the
 * proxy can reach the server.
 */
export function parseTrustProxy(raw: string | undefined): TrustProxy {
  const value = raw?.trim().toLowerCase() ?? "";
  if (value === "" || value === "false" || value === "0") return false;
  if (value === "true") return true;
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    if (hops > 10) throw new ConfigError(`TRUST_PROXY hop count must be at most 10, got "${raw}"`);
    return hops;
  }
  const entries = value.split(",").map((e) => e.trim()).filter(Boolean);
  for (const entry of entries) {
    const [address = "", prefix] = entry.split("/");
    const family = isIP(address);
    const validPrefix = prefix === undefined || (/^\d+$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128));
    if (!PROXY_NAMES.has(entry) && (family === 0 || !validPrefix)) {
      throw new ConfigError(`TRUST_PROXY must be true, false, a hop count, or addresses/subnets/loopback/linklocal/uniquelocal; got "${entry}"`);
    }
  }
  return entries;
}

export function parseDatabaseUrl(url: string | undefined, poolMax = 10, prepare = true): DatabaseConfig {
  if (url === undefined || url.trim() === "") return { kind: "pglite", dataDir: "./data" };
  if (url === "memory://") return { kind: "pglite", dataDir: undefined };
  if (/^postgres(ql)?:\/\//.test(url)) return { kind: "postgres", url, poolMax, prepare };
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
    // DB_PREPARE=false behind pgbouncer in transaction mode (README, "Running at scale").
    database: parseDatabaseUrl(env.DATABASE_URL, intVar(env, "DB_POOL_MAX", 10, 1, 100), boolVar(env, "DB_PREPARE", true)),
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
    corsOrigins: listVar(env.LANDING_CORS_ORIGINS),
    visitRateLimit: {
      ...DEFAULT_VISIT_RATE_LIMIT,
      perMinute: intVar(env, "VISIT_RATE_LIMIT_PER_MINUTE", DEFAULT_VISIT_RATE_LIMIT.perMinute, 0, 1_000_000),
    },
    attributionWindowDays: intVar(env, "ATTRIBUTION_WINDOW_DAYS", DEFAULT_ATTRIBUTION_WINDOW_DAYS, 1, 3_650),
    trustProxy: parseTrustProxy(env.TRUST_PROXY),
    program: {
      holdDays: intVar(env, "COMMISSION_HOLD_DAYS", DEFAULT_PROGRAM.holdDays, 0, 365),
      targetRoi: numberVar(env, "COMMISSION_TARGET_ROI", DEFAULT_PROGRAM.targetRoi, 0, 100),
      siteUrl: urlVar(env, "MARKETING_SITE_URL", `http://localhost:${intVar(env, "PORT", 4000, 0, 65535)}/demo/landing`),
    },
    commissionLedgerHours: intVar(env, "COMMISSION_LEDGER_HOURS", 6, 0, 24 * 30),
    webhook: {
      secrets: listVar(env.WEBHOOK_SECRET),
      maxBytes: intVar(env, "WEBHOOK_MAX_KB", 1024, 1, 64 * 1024) * 1024,
    },
    email: {
      smtpUrl: smtpUrlVar(env),
      from: env.EMAIL_FROM?.trim() || DEFAULT_EMAIL_FROM,
      publicUrl: urlVar(env, "PUBLIC_URL", `http://localhost:${intVar(env, "PORT", 4000, 0, 65535)}`).replace(/\/+$/, ""),
    },
    graphqlLimits: {
      maxDepth: intVar(env, "GRAPHQL_MAX_DEPTH", DEFAULT_GRAPHQL_LIMITS.maxDepth, 2, 100),
      maxCost: intVar(env, "GRAPHQL_MAX_COST", DEFAULT_GRAPHQL_LIMITS.maxCost, 10, 10_000_000),
      maxAliases: intVar(env, "GRAPHQL_MAX_ALIASES", DEFAULT_GRAPHQL_LIMITS.maxAliases, 1, 1_000),
      maxDirectives: intVar(env, "GRAPHQL_MAX_DIRECTIVES", DEFAULT_GRAPHQL_LIMITS.maxDirectives, 1, 1_000),
      maxTokens: intVar(env, "GRAPHQL_MAX_TOKENS", DEFAULT_GRAPHQL_LIMITS.maxTokens, 50, 1_000_000),
      // The schema is public knowledge in development; in production only when asked.
      introspection: boolVar(env, "INTROSPECTION", !production),
      fieldSuggestions: boolVar(env, "INTROSPECTION", !production),
    },
    requestRateLimit: {
      perKeyPerMinute: intVar(env, "RATE_LIMIT_PER_KEY_PER_MINUTE", DEFAULT_REQUEST_RATE_LIMIT.perKeyPerMinute, 0, 10_000_000),
      perAddressPerMinute: intVar(env, "RATE_LIMIT_PER_ADDRESS_PER_MINUTE", DEFAULT_REQUEST_RATE_LIMIT.perAddressPerMinute, 0, 10_000_000),
    },
    requestTimeoutMs: intVar(env, "REQUEST_TIMEOUT_SECONDS", 30, 1, 3_600) * 1000,
    metricsToken: env.METRICS_TOKEN?.trim() || undefined,
    shutdownDrainMs: intVar(env, "SHUTDOWN_DRAIN_SECONDS", 2, 0, 300) * 1000,
    shutdownTimeoutMs: intVar(env, "SHUTDOWN_TIMEOUT_SECONDS", 25, 3, 600) * 1000,
    jobs: {
      pollMs: intVar(env, "JOB_POLL_MS", 1_000, 50, 600_000),
      batchSize: intVar(env, "JOB_BATCH_SIZE", 10, 1, 500),
      leaseMs: intVar(env, "JOB_LEASE_SECONDS", 60, 2, 3_600) * 1000,
    },
  };
}

function smtpUrlVar(env: NodeJS.ProcessEnv): string | undefined {
  const raw = env.SMTP_URL?.trim();
  if (!raw) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError("SMTP_URL must be smtp://[user:pass@]host[:port] or smtps://…");
  }
  if (url.protocol !== "smtp:" && url.protocol !== "smtps:") throw new ConfigError(`SMTP_URL must start with smtp:// or smtps://, got "${url.protocol}"`);
  return raw;
}

function numberVar(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || value > max) throw new ConfigError(`${name} must be a number from ${min} to ${max}, got "${raw}"`);
  return value;
}

function urlVar(env: NodeJS.ProcessEnv, name: string, fallback: string): string {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === "") return fallback;
  try {
    const url = new URL(raw);
    if (url.protocol !== "http:" && url.protocol !== "https:") throw new Error("not http(s)");
    return url.toString();
  } catch {
    throw new ConfigError(`${name} must be an http(s) URL, got "${raw}"`);
  }
}

import { isIP } from "node:net";
import { defaultConfig, DEFAULT_DATABASE, DEFAULT_PORT, DEFAULT_SCORING, type AppConfig, type AttributionModelName, type DatabaseConfig, type HealthFactorName, type ScoringConfig, type TrustProxy } from "./config.js";

// The process environment, parsed and validated once, into the configuration config.ts declares
// (its defaults fill what is unset). Anything wrong fails at start-up with a message that names
// the variable, never later in a request.

export class ConfigError extends Error {}

/** An ISO 4217 code (any case; upper case out), one Intl knows (common/currency.ts reads the same list). */
function currencyVar(env: NodeJS.ProcessEnv, name: string, fallback: string): string {
  const raw = env[name];
  if (raw === undefined || raw.trim() === "") return fallback;
  const code = raw.trim().toUpperCase();
  if (!/^[A-Z]{3}$/.test(code) || !Intl.supportedValuesOf("currency").includes(code)) {
    throw new ConfigError(`${name} must be an ISO 4217 currency code such as USD or EUR, got "${raw}"`);
  }
  return code;
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

/**
 * PUBLIC_CORS_ORIGINS: `*`, or origins as browsers send them (`https://shop.example.com`, no
 * path, no trailing slash: the Origin header is compared as a string). LANDING_CORS_ORIGINS is
 * its deprecated name, read only while PUBLIC_CORS_ORIGINS is unset.
 */
export function parseCorsOrigins(env: NodeJS.ProcessEnv): string[] {
  const name = env.PUBLIC_CORS_ORIGINS !== undefined ? "PUBLIC_CORS_ORIGINS" : "LANDING_CORS_ORIGINS";
  const origins = listVar(env[name]);
  for (const origin of origins) {
    if (origin === "*") continue;
    let parsed: URL | undefined;
    try {
      parsed = new URL(origin);
    } catch {
      parsed = undefined;
    }
    if (!parsed || !/^https?:$/.test(parsed.protocol) || parsed.origin !== origin) {
      throw new ConfigError(`${name} must be * or comma-separated origins like https://shop.example.com (scheme, host, optional port; no path), got "${origin}"`);
    }
  }
  return origins;
}

/** true, false, or unset (null): STRIPE_LIVEMODE's three states. */
function optionalBoolVar(env: NodeJS.ProcessEnv, name: string): boolean | null {
  const raw = env[name]?.trim();
  return raw === undefined || raw === "" ? null : boolVar(env, name, false);
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

const ATTRIBUTION_MODELS: Record<string, AttributionModelName> = { "last-touch": "LAST_TOUCH", "first-touch": "FIRST_TOUCH" };

/** ATTRIBUTION_MODEL: `last-touch` (default) or `first-touch`, in any case, `_` for `-` accepted. */
export function parseAttributionModel(raw: string | undefined, fallback: AttributionModelName): AttributionModelName {
  const value = raw?.trim().toLowerCase().replace(/_/g, "-") ?? "";
  if (value === "") return fallback;
  const model = ATTRIBUTION_MODELS[value];
  if (!model) throw new ConfigError(`ATTRIBUTION_MODEL must be last-touch or first-touch, got "${raw}"`);
  return model;
}

export function parseDatabaseUrl(url: string | undefined, poolMax = DEFAULT_DATABASE.poolMax, prepare = DEFAULT_DATABASE.prepare): DatabaseConfig {
  if (url === undefined || url.trim() === "") return { kind: "pglite", dataDir: DEFAULT_DATABASE.dataDir };
  if (url === "memory://") return { kind: "pglite", dataDir: undefined };
  if (/^postgres(ql)?:\/\//.test(url)) return { kind: "postgres", url, poolMax, prepare };
  throw new ConfigError(`DATABASE_URL must be unset, memory:// or postgres://…, got "${url.split("@").pop()}"`);
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const production = env.NODE_ENV === "production";
  const port = intVar(env, "PORT", DEFAULT_PORT, 0, 65535);
  const d = defaultConfig({ port, production });
  const adminApiKey = env.ADMIN_API_KEY?.trim() || undefined;
  if (adminApiKey !== undefined && adminApiKey.length < 16) {
    throw new ConfigError("ADMIN_API_KEY must be at least 16 characters");
  }
  if (production && adminApiKey === undefined) {
    throw new ConfigError("ADMIN_API_KEY is required when NODE_ENV=production");
  }
  return {
    port,
    production,
    // DB_PREPARE=false behind pgbouncer in transaction mode (README, "Running at scale").
    database: parseDatabaseUrl(env.DATABASE_URL, intVar(env, "DB_POOL_MAX", DEFAULT_DATABASE.poolMax, 1, 100), boolVar(env, "DB_PREPARE", DEFAULT_DATABASE.prepare)),
    adminApiKey,
    seedDemo: boolVar(env, "SEED_DEMO", d.seedDemo),
    scoring: parseScoringConfig(env),
    scoresRefreshHours: intVar(env, "SCORES_REFRESH_HOURS", d.scoresRefreshHours, 0, 24 * 30),
    churnTrainHours: intVar(env, "CHURN_TRAIN_HOURS", d.churnTrainHours, 0, 24 * 365),
    landingCache: {
      maxEntries: intVar(env, "LANDING_CACHE_MAX_ENTRIES", d.landingCache.maxEntries, 1, 10_000_000),
      maxBytes: intVar(env, "LANDING_CACHE_MAX_MB", d.landingCache.maxBytes / 2 ** 20, 1, 16_384) * 2 ** 20,
      ttlMs: intVar(env, "LANDING_CACHE_TTL_SECONDS", d.landingCache.ttlMs / 1000, 1, 86_400) * 1000,
      dbTimeoutMs: intVar(env, "LANDING_DB_TIMEOUT_MS", d.landingCache.dbTimeoutMs, 50, 60_000),
    },
    landingCatalog: {
      maxAssets: intVar(env, "LANDING_CATALOG_MAX_ASSETS", d.landingCatalog.maxAssets, 0, 10_000_000),
      maxBytes: intVar(env, "LANDING_CATALOG_MAX_MB", d.landingCatalog.maxBytes / 2 ** 20, 1, 65_536) * 2 ** 20,
      reloadMs: intVar(env, "LANDING_CATALOG_RELOAD_SECONDS", d.landingCatalog.reloadMs / 1000, 0, 86_400) * 1000,
    },
    impressions: d.impressions,
    // LANDING_CORS_ORIGINS is the deprecated name, read only while the new one is unset.
    publicCorsOrigins: parseCorsOrigins(env),
    graphqlFastPath: d.graphqlFastPath,
    visitRateLimit: {
      ...d.visitRateLimit,
      perMinute: intVar(env, "VISIT_RATE_LIMIT_PER_MINUTE", d.visitRateLimit.perMinute, 0, 1_000_000),
    },
    attributionWindowDays: intVar(env, "ATTRIBUTION_WINDOW_DAYS", d.attributionWindowDays, 1, 3_650),
    attributionModel: parseAttributionModel(env.ATTRIBUTION_MODEL, d.attributionModel),
    trustProxy: parseTrustProxy(env.TRUST_PROXY),
    program: {
      holdDays: intVar(env, "COMMISSION_HOLD_DAYS", d.program.holdDays, 0, 365),
      targetRoi: numberVar(env, "COMMISSION_TARGET_ROI", d.program.targetRoi, 0, 100),
      siteUrl: urlVar(env, "MARKETING_SITE_URL", d.program.siteUrl),
      currency: currencyVar(env, "PROGRAM_CURRENCY", d.program.currency),
    },
    commissionLedgerHours: intVar(env, "COMMISSION_LEDGER_HOURS", d.commissionLedgerHours, 0, 24 * 30),
    webhook: {
      secrets: listVar(env.WEBHOOK_SECRET),
      maxBytes: intVar(env, "WEBHOOK_MAX_KB", d.webhook.maxBytes / 1024, 1, 64 * 1024) * 1024,
    },
    segment: {
      accountTrait: env.SEGMENT_ACCOUNT_TRAIT?.trim() || d.segment.accountTrait,
      dedupHours: intVar(env, "SEGMENT_DEDUP_HOURS", d.segment.dedupHours, 1, 24 * 30),
      dedupMaxIds: intVar(env, "SEGMENT_DEDUP_MAX_IDS", d.segment.dedupMaxIds, 1_000, 1_000_000_000),
    },
    stripe: {
      webhookSecrets: listVar(env.STRIPE_WEBHOOK_SECRET),
      livemode: optionalBoolVar(env, "STRIPE_LIVEMODE"),
      maxBytes: intVar(env, "WEBHOOK_MAX_KB", d.stripe.maxBytes / 1024, 1, 64 * 1024) * 1024,
      demoCheckout: boolVar(env, "STRIPE_DEMO_CHECKOUT", d.stripe.demoCheckout),
    },
    email: {
      smtpUrl: smtpUrlVar(env),
      from: env.EMAIL_FROM?.trim() || d.email.from,
      publicUrl: urlVar(env, "PUBLIC_URL", d.email.publicUrl).replace(/\/+$/, ""),
    },
    graphqlLimits: {
      maxDepth: intVar(env, "GRAPHQL_MAX_DEPTH", d.graphqlLimits.maxDepth, 2, 100),
      maxCost: intVar(env, "GRAPHQL_MAX_COST", d.graphqlLimits.maxCost, 10, 10_000_000),
      maxAliases: intVar(env, "GRAPHQL_MAX_ALIASES", d.graphqlLimits.maxAliases, 1, 1_000),
      maxDirectives: intVar(env, "GRAPHQL_MAX_DIRECTIVES", d.graphqlLimits.maxDirectives, 1, 1_000),
      maxTokens: intVar(env, "GRAPHQL_MAX_TOKENS", d.graphqlLimits.maxTokens, 50, 1_000_000),
      // The schema is public knowledge in development; in production only when asked.
      introspection: boolVar(env, "INTROSPECTION", d.graphqlLimits.introspection),
      fieldSuggestions: boolVar(env, "INTROSPECTION", d.graphqlLimits.fieldSuggestions),
      // Off with introspection unless asked for: without it the IDE still runs queries, blind.
      graphiql: boolVar(env, "GRAPHIQL", boolVar(env, "INTROSPECTION", d.graphqlLimits.graphiql)),
    },
    requestRateLimit: {
      perKeyPerMinute: intVar(env, "RATE_LIMIT_PER_KEY_PER_MINUTE", d.requestRateLimit.perKeyPerMinute, 0, 10_000_000),
      perAddressPerMinute: intVar(env, "RATE_LIMIT_PER_ADDRESS_PER_MINUTE", d.requestRateLimit.perAddressPerMinute, 0, 10_000_000),
    },
    requestTimeoutMs: intVar(env, "REQUEST_TIMEOUT_SECONDS", d.requestTimeoutMs / 1000, 1, 3_600) * 1000,
    metricsToken: env.METRICS_TOKEN?.trim() || undefined,
    shutdownDrainMs: intVar(env, "SHUTDOWN_DRAIN_SECONDS", d.shutdownDrainMs / 1000, 0, 300) * 1000,
    shutdownTimeoutMs: intVar(env, "SHUTDOWN_TIMEOUT_SECONDS", d.shutdownTimeoutMs / 1000, 3, 600) * 1000,
    jobs: {
      ...d.jobs,
      pollMs: intVar(env, "JOB_POLL_MS", d.jobs.pollMs, 50, 600_000),
      batchSize: intVar(env, "JOB_BATCH_SIZE", d.jobs.batchSize, 1, 500),
      leaseMs: intVar(env, "JOB_LEASE_SECONDS", d.jobs.leaseMs / 1000, 2, 3_600) * 1000,
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

function scoreVar(name: string, raw: string, min: number, max: number): number {
  const value = Number(raw.trim());
  if (raw.trim() === "" || !Number.isFinite(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be a number from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

/** HEALTH_WEIGHTS (e.g. "usage=0.4,nps=0.2"), HEALTH_BANDS ("40,70"), SUCCESS_MIN_HEALTH, SUCCESS_MIN_TENURE_DAYS. */
export function parseScoringConfig(env: NodeJS.ProcessEnv): ScoringConfig {
  const config: ScoringConfig = structuredClone(DEFAULT_SCORING);
  if (env.HEALTH_WEIGHTS) {
    for (const pair of env.HEALTH_WEIGHTS.split(",")) {
      const [name, value] = pair.split("=").map((s) => s.trim());
      if (!name || value === undefined || !(name in config.healthWeights)) {
        throw new ConfigError(`HEALTH_WEIGHTS: "${pair}" is not factor=weight with a factor of ${Object.keys(config.healthWeights).join(", ")}`);
      }
      config.healthWeights[name as HealthFactorName] = scoreVar(`HEALTH_WEIGHTS ${name}`, value, 0, 100);
    }
    // predictedRetention has no data until a churn model is trained: it cannot be the only factor.
    const { predictedRetention: _, ...factors } = config.healthWeights;
    if (Object.values(factors).every((w) => w === 0)) throw new ConfigError("HEALTH_WEIGHTS: at least one weight other than predictedRetention must be above 0");
  }
  if (env.HEALTH_BANDS) {
    const [yellow, green] = env.HEALTH_BANDS.split(",");
    config.bands = { yellow: scoreVar("HEALTH_BANDS yellow", yellow ?? "", 0, 100), green: scoreVar("HEALTH_BANDS green", green ?? "", 0, 100) };
    if (config.bands.yellow > config.bands.green) throw new ConfigError("HEALTH_BANDS: the YELLOW threshold must not exceed the GREEN one");
  }
  if (env.SUCCESS_MIN_HEALTH) config.success.minHealth = scoreVar("SUCCESS_MIN_HEALTH", env.SUCCESS_MIN_HEALTH, 0, 100);
  if (env.SUCCESS_MIN_TENURE_DAYS) config.success.minTenureDays = scoreVar("SUCCESS_MIN_TENURE_DAYS", env.SUCCESS_MIN_TENURE_DAYS, 0, 3650);
  return config;
}

/**
 * Every option of Advocate and its default, in one place. Imports nothing: modules take their
 * options as these types (createApp hands each its part), env.ts fills them from the
 * environment, tests from defaultConfig() with overrides.
 */

export type DatabaseConfig =
  // dataDir undefined: in memory, empty or (loadDataDir) from a dump of a data directory
  // (PGlite's dumpDataDir): tests start each file from one migrated dump instead of an initdb.
  | { kind: "pglite"; dataDir: string | undefined; loadDataDir?: Blob }
  | { kind: "postgres"; url: string; poolMax: number; prepare?: boolean };

/** false: the socket's peer is the client; true: trust every hop; n: trust n hops; else addresses/subnets. */
export type TrustProxy = boolean | number | string[];

/** The values of AttributionModel (src/referrals/referral.enums.ts), which config may not import. */
export type AttributionModelName = "LAST_TOUCH" | "FIRST_TOUCH";

export type HealthFactorName = "usage" | "nps" | "csat" | "support" | "upsell" | "tenure" | "lifetimeValue" | "predictedRetention";

/** The customer-success model's tunable parts (README, "Customer-success scores"). */
export interface ScoringConfig {
  /** Relative weights; factors without data are left out and the rest re-weighted. */
  healthWeights: Record<HealthFactorName, number>;
  /** RED below `yellow`, YELLOW below `green`, GREEN from `green` up. */
  bands: { yellow: number; green: number };
  /** "Successful", the one definition every ranking and pattern uses. */
  success: { minHealth: number; minTenureDays: number };
}

export interface LandingCacheOptions {
  maxEntries: number;
  maxBytes: number;
  ttlMs: number;
  /** A database answer slower than this is treated as a failure (stale or default served). */
  dbTimeoutMs: number;
}

/** The landing catalog (landing/catalog): misses decided in memory, up to a size. */
export interface LandingCatalogOptions {
  /** Past this many live assets misses use SQL (LANDING_CATALOG_MAX_ASSETS; 0: always SQL). */
  maxAssets: number;
  /** Past this estimated memory, the same (LANDING_CATALOG_MAX_MB). */
  maxBytes: number;
  /** A full reload this often, for writes made outside Advocate (LANDING_CATALOG_RELOAD_SECONDS; 0: none). */
  reloadMs: number;
}

export interface ImpressionBufferOptions {
  /** Distinct (asset, affiliate, niche, day) keys held between flushes; new keys beyond are dropped. */
  maxPending: number;
  /** How often pending counts are written; 0: only by flush() (tests). */
  flushIntervalMs: number;
  /** Rows per statement when a flush is larger than this. */
  maxBatch: number;
  /** How long stop() waits for its last flush: a hung database must not hang a shutdown. */
  stopTimeoutMs: number;
}

export interface VisitRateLimitOptions {
  /** Visits one client address may record per minute; 0 turns the limit off. */
  perMinute: number;
  /** Addresses remembered at once: the bound on the limiter's memory. */
  maxAddresses: number;
}

/** Settings of the affiliate program. */
export interface ProgramSettings {
  /** Days a commission stays PENDING after its period ends; a churn inside them voids it. */
  holdDays: number;
  /** The ROI on commissions that recommendedCommission keeps: (LTV − retention − commission) / commission. */
  targetRoi: number;
  /** The marketing page that tracking links point to (its tracking snippet reads ?via=&niche=&content=). */
  siteUrl: string;
  /**
   * PROGRAM_CURRENCY: the reporting currency (ISO 4217, upper case). Revenue, stats and the
   * ledger's *Cents amounts are in it; payments in others convert at the rates admins record.
   */
  currency: string;
}

export interface WebhookOptions {
  /** WEBHOOK_SECRET, comma-separated: the secrets of X-Advocate-Signature (more than one while rotating); none: the endpoint answers 503. */
  secrets: string[];
  /** Largest body accepted (413 past it). */
  maxBytes: number;
}

/** The Segment-compatible /v1/* routes (README, "Segment-compatible ingestion"). */
export interface SegmentOptions {
  /** SEGMENT_ACCOUNT_TRAIT: the trait (a dotted path) naming an event's account when neither context.groupId nor properties.groupId does. */
  accountTrait: string;
  /** SEGMENT_DEDUP_HOURS, SEGMENT_DEDUP_MAX_IDS: messageIds are remembered this long, and at most this many. */
  dedupHours: number;
  dedupMaxIds: number;
}

/** POST /webhooks/stripe and the demo checkout (README, "Stripe"). */
export interface StripeOptions {
  /** STRIPE_WEBHOOK_SECRET, comma-separated: the endpoint's signing secrets (whsec_…; two while rolling one); none: the endpoint answers 503. */
  webhookSecrets: string[];
  /** STRIPE_LIVEMODE: take only live (true) or only test-mode (false) events; null: both. */
  livemode: boolean | null;
  /** Largest event body (413 past it); WEBHOOK_MAX_KB, as for /webhooks/events. */
  maxBytes: number;
  /** GET /demo/checkout, which plays Stripe Checkout: on outside production, in production only with STRIPE_DEMO_CHECKOUT=true. */
  demoCheckout: boolean;
}

/** Journey emails: SMTP_URL (unset: written to the log, not sent), From, and this server's public URL for links. */
export interface EmailOptions {
  smtpUrl: string | undefined;
  /** The From address; its domain names the Message-IDs. */
  from: string;
  /** For unsubscribe links. */
  publicUrl: string;
}

/**
 * What one GraphQL document may ask (graphql-armor: depth, cost, aliases, directives, tokens),
 * and whether the schema may be explored (introspection, "Did you mean …?" suggestions).
 */
export interface GraphQLLimits {
  maxDepth: number;
  /**
   * Static cost: 2 per object field, 1 per scalar, × 1.5 per level (graphql-armor's model). The
   * model grows 1.5× per level and Relay connections add two levels each (edges, node): a
   * dashboard's affiliates → referrals → customer page costs ~20,000, hence 50,000.
   */
  maxCost: number;
  maxAliases: number;
  maxDirectives: number;
  maxTokens: number;
  /** Off in production unless INTROSPECTION=true. */
  introspection: boolean;
  /** Field suggestions in errors leak the schema as introspection does: off with it. */
  fieldSuggestions: boolean;
  /**
   * GraphiQL at GET /graphql in a browser (GRAPHIQL): on with introspection unless set, since
   * the IDE's completion and docs read the schema by introspection.
   */
  graphiql: boolean;
}

export interface RequestRateLimitOptions {
  /** Requests a minute one API key (admin or affiliate) may make; 0: no limit. */
  perKeyPerMinute: number;
  /**
   * Requests a minute one client address may make without a key, and, counted apart, failed
   * authentications a minute it may cause; 0: no limit.
   */
  perAddressPerMinute: number;
}

/** The job runner. */
export interface JobsOptions {
  /** Milliseconds between polls when idle; 0: never poll (tests run jobs by hand with drain()). */
  pollMs: number;
  /** Jobs claimed, and run concurrently, at a time. */
  batchSize: number;
  /** A claim lasts this long unless renewed; renewed every third of it while the job runs. */
  leaseMs: number;
  /** Retry delays: base × 2^(attempt−1), at most max. */
  backoffBaseMs: number;
  backoffMaxMs: number;
}

export interface AppConfig {
  port: number;
  production: boolean;
  database: DatabaseConfig;
  /** The admin bearer key; main.ts generates one for the embedded database when unset. */
  adminApiKey: string | undefined;
  seedDemo: boolean;
  scoring: ScoringConfig;
  /** Hours between batch score refreshes (time moves the 90-day windows); 0 disables. */
  scoresRefreshHours: number;
  /** Hours between churn-model trainings; 0 disables. */
  churnTrainHours: number;
  landingCache: LandingCacheOptions;
  landingCatalog: LandingCatalogOptions;
  impressions: ImpressionBufferOptions;
  /**
   * PUBLIC_CORS_ORIGINS: origins whose pages may call the public surface from a browser (GET
   * /landing, POST /visits, the public GraphQL operations); ["*"] for any. Never the keyed ones.
   */
  publicCorsOrigins: string[];
  /** Serve anonymous landingPage queries before Apollo (off only to compare). */
  graphqlFastPath: boolean;
  /** Per-address limit of trackReferralVisit. */
  visitRateLimit: VisitRateLimitOptions;
  /** Days before an attribution in which the named visitor must have visited the affiliate. */
  attributionWindowDays: number;
  /**
   * Which of a converting visitor's visits in the window names the affiliate: the latest or the
   * earliest (ATTRIBUTION_MODEL=last-touch|first-touch; the values of referrals' AttributionModel).
   */
  attributionModel: AttributionModelName;
  /**
   * Express's "trust proxy": which hops may tell the client address in X-Forwarded-For. Behind a
   * proxy, without it every visit seems to come from the proxy and shares one rate limit.
   */
  trustProxy: TrustProxy;
  program: ProgramSettings;
  /** Hours between commission-ledger runs (accrue, claw back, approve); 0 disables. */
  commissionLedgerHours: number;
  /** POST /webhooks/events. */
  webhook: WebhookOptions;
  segment: SegmentOptions;
  stripe: StripeOptions;
  email: EmailOptions;
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
  jobs: JobsOptions;
}

export const DEFAULT_PORT = 4000;

/** Unset DATABASE_URL: the embedded database in ./data; PostgreSQL's pool and prepared statements. */
export const DEFAULT_DATABASE: { readonly dataDir: string; readonly poolMax: number; readonly prepare: boolean } = { dataDir: "./data", poolMax: 10, prepare: true };

export const DEFAULT_PROGRAM_CURRENCY = "USD";

export const DEFAULT_SCORING: ScoringConfig = {
  healthWeights: { usage: 0.3, nps: 0.2, csat: 0.1, support: 0.15, upsell: 0.1, tenure: 0.075, lifetimeValue: 0.075, predictedRetention: 1 },
  bands: { yellow: 40, green: 70 },
  success: { minHealth: 70, minTenureDays: 90 },
};

/**
 * The defaults (README, "Configuration"). Two depend on the rest: the local URLs name the port,
 * and production hides the schema (introspection, suggestions).
 */
export function defaultConfig({ port = DEFAULT_PORT, production = false } = {}): AppConfig {
  const localUrl = `http://localhost:${port}`;
  return {
    port,
    production,
    database: { kind: "pglite", dataDir: DEFAULT_DATABASE.dataDir },
    adminApiKey: undefined,
    seedDemo: true,
    scoring: structuredClone(DEFAULT_SCORING),
    scoresRefreshHours: 6,
    churnTrainHours: 24,
    landingCache: { maxEntries: 10_000, maxBytes: 64 * 1024 * 1024, ttlMs: 60_000, dbTimeoutMs: 1_500 },
    landingCatalog: { maxAssets: 200_000, maxBytes: 512 * 2 ** 20, reloadMs: 300_000 },
    impressions: { maxPending: 50_000, flushIntervalMs: 2_000, maxBatch: 10_000, stopTimeoutMs: 5_000 },
    publicCorsOrigins: [],
    graphqlFastPath: true,
    visitRateLimit: { perMinute: 60, maxAddresses: 100_000 },
    attributionWindowDays: 30,
    attributionModel: "LAST_TOUCH",
    trustProxy: false,
    program: { holdDays: 30, targetRoi: 3, siteUrl: `${localUrl}/demo/landing`, currency: DEFAULT_PROGRAM_CURRENCY },
    commissionLedgerHours: 6,
    webhook: { secrets: [], maxBytes: 1024 * 1024 },
    segment: { accountTrait: "company.id", dedupHours: 24, dedupMaxIds: 10_000_000 },
    stripe: { webhookSecrets: [], livemode: null, maxBytes: 1024 * 1024, demoCheckout: !production },
    email: { smtpUrl: undefined, from: "Advocate <no-reply@advocate.localhost>", publicUrl: localUrl },
    graphqlLimits: { maxDepth: 12, maxCost: 50_000, maxAliases: 15, maxDirectives: 20, maxTokens: 2_000, introspection: !production, fieldSuggestions: !production, graphiql: !production },
    // Generous for dashboards; an abusive client is held to about 5 requests a second.
    requestRateLimit: { perKeyPerMinute: 1_200, perAddressPerMinute: 300 },
    requestTimeoutMs: 30_000,
    metricsToken: undefined,
    shutdownDrainMs: 2_000,
    shutdownTimeoutMs: 25_000,
    jobs: { pollMs: 1_000, batchSize: 10, leaseMs: 60_000, backoffBaseMs: 30_000, backoffMaxMs: 3_600_000 },
  };
}

/** Any part of a configuration, for tests and benchmarks (arrays are replaced, not merged). */
export type ConfigOverrides = { [K in keyof AppConfig]?: Overrides<AppConfig[K]> };
type Overrides<T> = T extends readonly unknown[] ? T : T extends object ? { [K in keyof T]?: Overrides<T[K]> } : T;

/** `base` with `overrides` laid over it, key by key. */
export function withOverrides(base: AppConfig, overrides: ConfigOverrides): AppConfig {
  return merge(base, overrides) as AppConfig;
}

function merge(base: unknown, over: unknown): unknown {
  if (over === undefined) return base;
  if (!isPlainObject(base) || !isPlainObject(over)) return over;
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) merged[key] = merge(base[key], value);
  return merged;
}

const isPlainObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

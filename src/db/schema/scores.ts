import { bigint, boolean, doublePrecision, index, integer, jsonb, pgEnum, pgTable, smallint, serial, text, uuid } from "drizzle-orm/pg-core";
import { enumValues, timestamptz } from "./columns.js";
import { customers } from "./customers.js";
import { HealthBand } from "../../intelligence/intelligence.enums.js";

export const healthBand = pgEnum("health_band", enumValues(HealthBand));

export type HealthFactorRow = {
  name: string;
  score: number;
  weight: number;
  /** The usage factor from product activity: what it was computed from (intelligence/activity-usage.ts). */
  detail?: string;
  activity?: { events: number; activeDays: number; topEvents: { name: string; events: number }[]; percentile: number | null; peers: number; plan: string | null; samePlan: boolean };
};

/**
 * Each customer's current scores and the CS figures behind them. Refreshed in the transaction
 * of every write that changes a customer's history, and in batch (npm run scores:recompute,
 * and on a schedule) because time alone moves the 90-day windows and lifetime value.
 */
export const customerScores = pgTable(
  "customer_scores",
  {
    customerId: uuid("customer_id")
      .primaryKey()
      .references(() => customers.id, { onDelete: "cascade" }),
    computedAt: timestamptz("computed_at").notNull(),
    healthScore: doublePrecision("health_score").notNull(),
    healthBand: healthBand("health_band").notNull(),
    healthBreakdown: jsonb("health_breakdown").$type<HealthFactorRow[]>().notNull(),
    /** Health now minus health 30 days before; null when the customer is younger than that. */
    healthTrend: doublePrecision("health_trend"),
    advocacyScore: doublePrecision("advocacy_score").notNull(),
    churnRisk: doublePrecision("churn_risk").notNull(),
    /** The churn model that produced churnRisk; null: the documented heuristic. */
    churnModelVersion: integer("churn_model_version").references(() => churnModels.version),
    successful: boolean("successful").notNull(),
    usageRatio: doublePrecision("usage_ratio"),
    nps: smallint("nps"),
    csat: doublePrecision("csat"),
    csatRecent: doublePrecision("csat_recent"),
    supportTickets90d: integer("support_tickets_90d").notNull(),
    upsellCount: integer("upsell_count").notNull(),
    lifetimeValueCents: bigint("lifetime_value_cents", { mode: "number" }).notNull(),
    tenureDays: integer("tenure_days").notNull(),
    /**
     * Product events in the 28 days up to computedAt; null: no product activity ever. Other
     * customers' usage factors rank against it (intelligence/activity-usage.ts).
     */
    activityEvents28d: bigint("activity_events_28d", { mode: "number" }),
  },
  (t) => [
    // topCustomers and affiliateCandidates read the best advocates first; dashboards sort and
    // filter by health and churn risk. Without these, each is a sort of every customer. NULLS
    // FIRST matches a plain ORDER BY … DESC: with NULLS LAST the planner cannot use the index
    // for the sort, and topCustomers at 100,000 customers took 77 ms instead of ~2 ms.
    index("customer_scores_advocacy_idx").on(t.advocacyScore.desc().nullsFirst(), t.customerId),
    index("customer_scores_health_idx").on(t.healthScore, t.customerId),
    index("customer_scores_churn_risk_idx").on(t.churnRisk.desc().nullsFirst(), t.customerId),
  ],
);

/** Every trained churn model, newest version in use. */
export const churnModels = pgTable("churn_models", {
  version: serial("version").primaryKey(),
  trainedAt: timestamptz("trained_at").notNull().defaultNow(),
  examples: integer("examples").notNull(),
  positives: integer("positives").notNull(),
  /** On customers held out by id (a seeded hash of the external id). */
  auc: doublePrecision("auc"),
  /** Forward in time: trained before forward_cutoff, scored on the observation dates after it. */
  forwardAuc: doublePrecision("forward_auc"),
  /** Why forward_auc is null (too little history after or before the cut-off). */
  forwardAucNote: text("forward_auc_note"),
  forwardCutoff: timestamptz("forward_cutoff"),
  /** Observation dates the examples were drawn at (0: a model of the former single-moment design). */
  observationDates: integer("observation_dates").notNull().default(0),
  intercept: doublePrecision("intercept").notNull(),
  /** Feature name → weight (standardized), with the means and deviations used to standardize. */
  features: jsonb("features").$type<{ name: string; weight: number; mean: number; std: number }[]>().notNull(),
});

/**
 * Customers whose history changed through the event webhook and whose scores are not refreshed
 * yet: the webhook queues them in its transaction, a durable job refreshes them in large batches
 * (intelligence/score-queue.ts). A customer queued twice is refreshed once.
 */
export const scoreRefreshQueue = pgTable("score_refresh_queue", {
  customerId: uuid("customer_id")
    .primaryKey()
    .references(() => customers.id, { onDelete: "cascade" }),
  queuedAt: timestamptz("queued_at").notNull(),
});

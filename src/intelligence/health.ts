import type { CustomerFeatures } from "./features.js";
import type { HealthFactorName, ScoringConfig } from "../config/config.js";
import type { HealthBand } from "./intelligence.enums.js";
import { ACTIVITY_WINDOW_DAYS, type ActivityUsage } from "./activity-usage.js";

export type Band = `${HealthBand}`;

export interface FactorScore {
  name: HealthFactorName;
  /** 0-100. */
  score: number;
  /** The weight it had in this score, after factors without data were left out (sums to 1). */
  weight: number;
  /** What the factor was computed from, when that is not its name alone (usage from product activity). */
  detail?: string;
  activity?: ActivityUsage;
}

/**
 * The trained churn model's estimate for the customer at the moment (README, "Predicted
 * retention"): what health learns from the company's own churn history, behaviour included.
 */
export interface ChurnOutlook {
  /** The model's probability that the customer churns in the next 90 days. */
  risk: number;
  /** The share of churners among the model's training examples: a risk of that much scores 50. */
  averageRisk: number;
  modelVersion: number;
}

/**
 * The features health reads: the CS features, product activity where seat snapshots are
 * missing, and the churn model's outlook once a model is trained.
 */
export type HealthInput = CustomerFeatures & { activityUsage?: ActivityUsage | null; outlook?: ChurnOutlook | null };

export interface Health {
  score: number;
  band: Band;
  breakdown: FactorScore[];
}

const clamp01 = (x: number) => Math.min(1, Math.max(0, x));

/** Seat use at or above this share counts as full adoption. */
const FULL_ADOPTION = 0.8;
/** Tickets per 90 days at which the support factor has fallen to 37% (e^-1). */
const TICKET_SCALE = 5;
const FULL_TENURE_DAYS = 730;
/** Lifetime value maps to 0-100 on a log scale from $100 to $50,000. */
const LTV_FLOOR_CENTS = 10_000;
const LTV_FULL_CENTS = 5_000_000;

// Each factor maps raw history to 0-100; null means "no data": the factor is left out rather
// than counted as zero, so a customer that never answered a survey is not punished for it.
export const factorScores: Record<HealthFactorName, (f: HealthInput) => number | null> = {
  // Seat snapshots when there are; else product activity, ranked within the customer's plan.
  usage: (f) => (f.usageRatio !== null ? 100 * clamp01(f.usageRatio / FULL_ADOPTION) : activityFactor(f.activityUsage)),
  nps: (f) => (f.nps === null ? null : f.nps * 10),
  csat: (f) => (f.csatRecent === null ? null : ((f.csatRecent - 1) / 4) * 100),
  // Every ticket lowers the score, with no floor reached: ten more tickets always cost something.
  support: (f) => 100 * Math.exp(-f.tickets90d / TICKET_SCALE),
  // No upsell yet is neutral-low (40); each one closes 60% of the remaining gap to 100.
  upsell: (f) => 100 * (1 - 0.6 ** (f.upsellCount + 1)),
  tenure: (f) => 100 * clamp01(f.tenureDays / FULL_TENURE_DAYS),
  lifetimeValue: (f) => lifetimeValueFactor(f.lifetimeValueCents),
  // No model trained yet: no data, and health is the CS factors alone.
  predictedRetention: (f) => (f.outlook ? retentionFactor(f.outlook) : null),
};

const odds = (p: number) => {
  const q = Math.min(1 - 1e-6, Math.max(1e-6, p));
  return q / (1 - q);
};

/**
 * 100 / (1 + the customer's churn odds over the average's): the average risk scores 50, twice
 * its odds 33, half 67, none 100. Odds rather than the probability itself, because 90-day
 * risks are small: 2% against 8% is a large difference that 98 against 92 would hide.
 */
export function retentionFactor(outlook: ChurnOutlook): number {
  return 100 / (1 + odds(outlook.risk) / odds(outlook.averageRisk));
}

const percent = (p: number) => `${Math.round(p * 1000) / 10}%`;

export function retentionDetail(outlook: ChurnOutlook): string {
  return `churn model v${outlook.modelVersion}: ${percent(outlook.risk)} risk of churning in the next 90 days, against ${percent(outlook.averageRisk)} on average`;
}

function activityFactor(usage: ActivityUsage | null | undefined): number | null {
  return usage?.percentile == null ? null : 100 * usage.percentile;
}

/** The usage factor's provenance when it comes from product activity: the figures and event names behind it. */
export function activityDetail(usage: ActivityUsage): string {
  const names = usage.topEvents.map((e) => `${e.name} ${e.events}`).join(", ");
  const peers = usage.samePlan ? `${usage.peers} customers on plan ${usage.plan ?? "(none)"}` : `${usage.peers} customers of all plans (fewer than 5 on its plan)`;
  return `product activity: ${usage.events} events on ${usage.activeDays} active days in the last ${ACTIVITY_WINDOW_DAYS} days${names ? ` (${names})` : ""}, ` +
    `percentile ${Math.round(100 * usage.percentile!)} of ${peers}`;
}

export function lifetimeValueFactor(cents: number): number {
  if (cents <= LTV_FLOOR_CENTS) return 0;
  return 100 * clamp01(Math.log10(cents / LTV_FLOOR_CENTS) / Math.log10(LTV_FULL_CENTS / LTV_FLOOR_CENTS));
}

export const round1 = (x: number) => Math.round(x * 10) / 10;

export function bandOf(score: number, bands: ScoringConfig["bands"]): Band {
  if (score < bands.yellow) return "RED";
  return score < bands.green ? "YELLOW" : "GREEN";
}

/** The health score: the weighted mean of the factors that have data. */
export function computeHealth(features: HealthInput, config: ScoringConfig): Health {
  const present = (Object.keys(factorScores) as HealthFactorName[])
    .map((name) => ({ name, score: factorScores[name](features), weight: config.healthWeights[name] }))
    .filter((f): f is { name: HealthFactorName; score: number; weight: number } => f.score !== null && f.weight > 0);
  const totalWeight = present.reduce((sum, f) => sum + f.weight, 0);
  const breakdown: FactorScore[] = present.map((f) => ({ name: f.name, score: round1(f.score), weight: f.weight / totalWeight }));
  const usage = breakdown.find((f) => f.name === "usage");
  if (usage && features.usageRatio === null && features.activityUsage) Object.assign(usage, { detail: activityDetail(features.activityUsage), activity: features.activityUsage });
  const retention = breakdown.find((f) => f.name === "predictedRetention");
  if (retention && features.outlook) retention.detail = retentionDetail(features.outlook);
  const score = round1(present.reduce((sum, f) => sum + f.score * f.weight, 0) / totalWeight);
  return { score, band: bandOf(score, config.bands), breakdown };
}

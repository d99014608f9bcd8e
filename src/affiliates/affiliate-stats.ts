import { lifetimeValueFactor, round1 } from "../intelligence/health.js";
import { entryAmountCents } from "../commissions/commission.plan.js";
import type { AffiliateAggregates, AffiliateMonth } from "./affiliate-stats.repository.js";

// The definitions of every affiliate figure (README, "Affiliate stats"), as pure functions.

export interface CommissionPlan {
  type: "PERCENT" | "FLAT";
  /** Percent of revenue, or cents per referred customer. */
  value: number;
}

/** What the plan earns: a percent of the referred customers' revenue, or a flat fee per referred customer. Whole cents, rounded down. */
export function commissionCents(plan: CommissionPlan, revenueCents: number, referredCustomers: number): number {
  if (plan.type === "FLAT") return entryAmountCents("FLAT", plan.value, 0) * referredCustomers;
  return entryAmountCents("PERCENT", plan.value, revenueCents);
}

/** Mean over the months that began with active referred customers of (churned in the month ÷ active at its start). */
export function monthlyChurnRate(months: readonly Pick<AffiliateMonth, "churned" | "activeAtStart">[]): number {
  const rates = months.filter((m) => m.activeAtStart > 0).map((m) => Math.min(1, m.churned / m.activeAtStart));
  return rates.length === 0 ? 0 : rates.reduce((a, b) => a + b, 0) / rates.length;
}

export const QUALITY_WEIGHTS = { retention: 0.4, health: 0.3, lifetimeValue: 0.3 };
/** At most half the score is lost to early churn (customers gone within 90 days). */
export const EARLY_CHURN_PENALTY = 0.5;

/**
 * How good the customers an affiliate sends are, 0-100:
 * 100 × (0.4 × retention + 0.3 × health + 0.3 × LTV factor) × (1 − 0.5 × early-churn share),
 * where retention is the share of referred customers still customers, health the mean health of
 * the active ones / 100 (left out, and the rest re-weighted, when none is active), and the LTV
 * factor the health model's lifetime-value factor of their mean LTV. No referred customer: 0.
 */
export function qualityScore(a: Pick<AffiliateAggregates, "referred" | "churned" | "earlyChurned" | "averageHealthScore" | "averageLifetimeValueCents">): number {
  if (a.referred === 0) return 0;
  const parts: [number, number][] = [
    [1 - a.churned / a.referred, QUALITY_WEIGHTS.retention],
    [lifetimeValueFactor(a.averageLifetimeValueCents ?? 0) / 100, QUALITY_WEIGHTS.lifetimeValue],
  ];
  if (a.averageHealthScore !== null) parts.push([a.averageHealthScore / 100, QUALITY_WEIGHTS.health]);
  const weight = parts.reduce((s, [, w]) => s + w, 0);
  const base = parts.reduce((s, [v, w]) => s + v * w, 0) / weight;
  return round1(100 * base * (1 - EARLY_CHURN_PENALTY * (a.earlyChurned / a.referred)));
}

export interface AffiliateStatsResult {
  visits: number;
  referredCustomers: number;
  activeCustomers: number;
  churnedCustomers: number;
  conversionRate: number;
  monthlyChurnRate: number;
  averageLifetimeValueCents: number;
  revenueCents: number;
  commissionsCents: number;
  roi: number | null;
  averageHealthScore: number | null;
  qualityScore: number;
  clicksToCustomer: { visitors: number; referred: number; active: number };
  months: { month: Date; visitors: number; referredCustomers: number; churnedCustomers: number; activeAtStart: number; revenueCents: number; churnRate: number | null }[];
}

export function assembleAffiliateStats(a: AffiliateAggregates, months: readonly AffiliateMonth[], plan: CommissionPlan): AffiliateStatsResult {
  // Rounded down once, on the total, so the months' fractions of a cent are not lost one by one
  // (the epsilon absorbs floating-point dust from splitting a period across months).
  const revenueCents = Math.floor(months.reduce((sum, m) => sum + m.revenueCents, 0) + 1e-6);
  const commissions = commissionCents(plan, revenueCents, a.referred);
  return {
    visits: a.visitors,
    referredCustomers: a.referred,
    activeCustomers: a.active,
    churnedCustomers: a.churned,
    conversionRate: a.visitors === 0 ? 0 : a.referred / a.visitors,
    monthlyChurnRate: monthlyChurnRate(months),
    averageLifetimeValueCents: Math.round(a.averageLifetimeValueCents ?? 0),
    revenueCents,
    commissionsCents: commissions,
    roi: commissions === 0 ? null : (revenueCents - commissions) / commissions,
    averageHealthScore: a.averageHealthScore === null ? null : round1(a.averageHealthScore),
    qualityScore: qualityScore(a),
    clicksToCustomer: { visitors: a.visitors, referred: a.referred, active: a.active },
    months: months.map((m) => ({
      month: m.month,
      visitors: m.visitors,
      referredCustomers: m.referred,
      churnedCustomers: m.churned,
      activeAtStart: m.activeAtStart,
      revenueCents: Math.floor(m.revenueCents + 1e-6),
      churnRate: m.activeAtStart > 0 ? Math.min(1, m.churned / m.activeAtStart) : null,
    })),
  };
}

import { badInput } from "../common/errors.js";
import * as v from "../common/validate.js";
import type { CommissionTier } from "../db/schema/affiliates.js";

// Commission plans and what they pay, as pure functions (README, "Commissions").

export type CommissionTypeName = "PERCENT" | "FLAT";

export interface CommissionPlanSpec {
  type: CommissionTypeName;
  /** Percent of revenue (PERCENT) or cents per referred customer (FLAT). */
  value: number;
  /** PERCENT: months of each referred customer that earn commission; null: for life. */
  months: number | null;
  /** Ascending by minActiveCustomers; the highest reached replaces `value`. */
  tiers: CommissionTier[];
}

export const MAX_TIERS = 10;

/** A plan value: PERCENT above 0 and at most 100 with at most two decimals, FLAT whole cents. */
export function validateCommissionValue(type: CommissionTypeName, value: number, field = "commissionValue"): number {
  if (!Number.isFinite(value)) throw badInput(field, "must be a number");
  if (type === "PERCENT") {
    if (value <= 0 || value > 100) throw badInput(field, "a PERCENT commission must be above 0 and at most 100");
    // Compared as numbers nearest to hundredths: 0.29 * 100 is 28.999999999999996 in binary.
    if (Math.round(value * 100) / 100 !== value) throw badInput(field, "at most two decimals");
    return value;
  }
  return v.cents(field, value);
}

/** Validates and orders a whole plan; months only make sense for PERCENT. */
export function validatePlan(spec: CommissionPlanSpec): CommissionPlanSpec {
  const value = validateCommissionValue(spec.type, spec.value);
  let months: number | null = null;
  if (spec.months != null) {
    if (spec.type !== "PERCENT") throw badInput("commissionMonths", "only a PERCENT plan pays for a number of months");
    if (!Number.isInteger(spec.months) || spec.months < 1 || spec.months > 120) throw badInput("commissionMonths", "must be a whole number of months from 1 to 120");
    months = spec.months;
  }
  if (spec.tiers.length > MAX_TIERS) throw badInput("commissionTiers", `at most ${MAX_TIERS} tiers`);
  const tiers = spec.tiers
    .map((tier, i) => {
      if (!Number.isInteger(tier.minActiveCustomers) || tier.minActiveCustomers < 1 || tier.minActiveCustomers > 1_000_000) {
        throw badInput(`commissionTiers[${i}].minActiveCustomers`, "must be a whole number from 1 to 1,000,000");
      }
      return { minActiveCustomers: tier.minActiveCustomers, value: validateCommissionValue(spec.type, tier.value, `commissionTiers[${i}].value`) };
    })
    .sort((a, b) => a.minActiveCustomers - b.minActiveCustomers);
  for (let i = 1; i < tiers.length; i++) {
    if (tiers[i]!.minActiveCustomers === tiers[i - 1]!.minActiveCustomers) throw badInput("commissionTiers", "two tiers start at the same number of active customers");
  }
  return { type: spec.type, value, months, tiers };
}

/** The value in force for an affiliate with this many active referred customers. */
export function tierValue(plan: Pick<CommissionPlanSpec, "value" | "tiers">, activeCustomers: number): number {
  let value = plan.value;
  for (const tier of plan.tiers) if (activeCustomers >= tier.minActiveCustomers) value = tier.value;
  return value;
}

/**
 * What one ledger entry pays: PERCENT of the period's revenue, rounded down to whole cents
 * (the value has at most two decimals: hundredths of a percent keep it in integers), or the
 * FLAT amount once per referred customer.
 */
export function entryAmountCents(type: CommissionTypeName, value: number, revenueCents: number): number {
  if (type === "FLAT") return Math.round(value);
  return Math.floor((revenueCents * Math.round(value * 100)) / 10_000);
}

export interface RecommendationInputs {
  /** Referred customers the figures come from. */
  referredCustomers: number;
  /** Mean MRR of those customers (their current MRR; the last one for churned customers). */
  averageMrrCents: number;
  /** Mean monthly churn rate of those customers (as in Affiliate.stats). */
  monthlyChurnRate: number;
  /** Mean monthly cost of keeping one of them. */
  averageRetentionCostCents: number;
}

export interface CommissionRecommendation extends RecommendationInputs {
  targetRoi: number;
  /** 1 / monthly churn rate, capped at MAX_LIFETIME_MONTHS. */
  expectedLifetimeMonths: number;
  expectedLifetimeValueCents: number;
  expectedRetentionCostCents: number;
  /** What the customer's margin can pay in commission and still return targetRoi: (LTV − retention) / (1 + ROI). */
  maxCommissionPerCustomerCents: number;
  /** Months a PERCENT plan pays for (the plan's months, else the expected lifetime). */
  commissionableMonths: number;
  /** The highest PERCENT rate meeting the target, two decimals, rounded down; 0 when none does. */
  recommendedPercent: number;
  /** The highest FLAT amount per referred customer meeting the target. */
  recommendedFlatCents: number;
}

/** No customer base lasts forever: an expected lifetime beyond five years is not counted on. */
export const MAX_LIFETIME_MONTHS = 60;

/**
 * The highest commission at which the expected lifetime value of the referred customers, less
 * what keeping them costs and the commission itself, still returns `targetRoi` on the
 * commission: (LTV − retention − commission) / commission ≥ targetRoi, that is
 * commission ≤ (LTV − retention) / (1 + targetRoi). LTV = MRR × lifetime, lifetime = 1 / churn.
 */
export function recommendCommission(inputs: RecommendationInputs, targetRoi: number, planMonths: number | null): CommissionRecommendation {
  const lifetime = inputs.monthlyChurnRate > 0 ? Math.min(MAX_LIFETIME_MONTHS, 1 / inputs.monthlyChurnRate) : MAX_LIFETIME_MONTHS;
  const ltv = inputs.averageMrrCents * lifetime;
  const retention = inputs.averageRetentionCostCents * lifetime;
  const maxCommission = Math.max(0, (ltv - retention) / (1 + targetRoi));
  const commissionableMonths = planMonths === null ? lifetime : Math.min(planMonths, lifetime);
  const revenueCommissioned = inputs.averageMrrCents * commissionableMonths;
  const percent = revenueCommissioned > 0 ? Math.min(100, (100 * maxCommission) / revenueCommissioned) : 0;
  return {
    ...inputs,
    targetRoi,
    expectedLifetimeMonths: round2(lifetime),
    expectedLifetimeValueCents: Math.round(ltv),
    expectedRetentionCostCents: Math.round(retention),
    maxCommissionPerCustomerCents: Math.floor(maxCommission),
    commissionableMonths: round2(commissionableMonths),
    recommendedPercent: Math.floor(percent * 100 + 1e-9) / 100,
    recommendedFlatCents: Math.floor(maxCommission),
  };
}

const round2 = (x: number) => Math.round(x * 100) / 100;

import type { CustomerFeatures } from "./features.js";
import { factorScores, lifetimeValueFactor, round1, type Health } from "./health.js";
import type { ScoringConfig } from "../config/config.js";

/**
 * How likely a customer is to promote the product and succeed as an affiliate, 0-100 (README,
 * "Advocacy score"): a weighted mean of health, NPS promoter status, lifetime value, upsells,
 * ticket friction and retention economics, over the parts that have data. A churned customer
 * scores 0; one that costs at least as much to retain as it pays is capped at 30.
 */
export const ADVOCACY_WEIGHTS = { health: 0.35, promoter: 0.25, lifetimeValue: 0.15, upsell: 0.1, friction: 0.05, economics: 0.1 };
export const UNPROFITABLE_CAP = 30;

export function promoterScore(nps: number | null): number | null {
  if (nps === null) return null;
  if (nps >= 9) return 100;
  return nps >= 7 ? 50 : 0;
}

/** Revenue kept after retention cost, as a share of revenue; null when neither is known. */
export function retentionMargin(f: CustomerFeatures): number | null {
  if (f.mrrCents <= 0) return f.retentionCostCents > 0 ? 0 : null;
  return Math.max(0, 1 - f.retentionCostCents / f.mrrCents);
}

export function computeAdvocacy(f: CustomerFeatures, health: Health): number {
  if (f.status === "CHURNED") return 0;
  const margin = retentionMargin(f);
  const parts: [number | null, number][] = [
    [health.score, ADVOCACY_WEIGHTS.health],
    [promoterScore(f.nps), ADVOCACY_WEIGHTS.promoter],
    [lifetimeValueFactor(f.lifetimeValueCents), ADVOCACY_WEIGHTS.lifetimeValue],
    [factorScores.upsell(f), ADVOCACY_WEIGHTS.upsell],
    [factorScores.support(f), ADVOCACY_WEIGHTS.friction],
    [margin === null ? null : margin * 100, ADVOCACY_WEIGHTS.economics],
  ];
  const present = parts.filter((p): p is [number, number] => p[0] !== null);
  const weight = present.reduce((sum, [, w]) => sum + w, 0);
  const score = present.reduce((sum, [s, w]) => sum + s * w, 0) / weight;
  const unprofitable = f.retentionCostCents > 0 && f.retentionCostCents >= f.mrrCents;
  return round1(unprofitable ? Math.min(score, UNPROFITABLE_CAP) : score);
}

/** The one definition of a successful customer, used by rankings, candidates and patterns. */
export function isSuccessful(f: CustomerFeatures, health: Health, config: ScoringConfig): boolean {
  return f.status === "ACTIVE" && health.score >= config.success.minHealth && f.tenureDays >= config.success.minTenureDays;
}

const dollars = (cents: number) => `$${Math.round(cents / 100).toLocaleString("en-US")}`;

/** Why a customer ranks high, in words a CS manager can repeat to the customer. */
export function advocacyReasons(f: CustomerFeatures, health: Health): string[] {
  const reasons = [`health ${health.score} (${health.band})`];
  if (f.nps !== null && f.nps >= 9) reasons.push(`promoter: NPS ${f.nps}`);
  if (f.usageRatio !== null && f.usageRatio >= 0.6) reasons.push(`uses ${Math.round(f.usageRatio * 100)}% of its seats`);
  if (f.upsellCount > 0) reasons.push(`${f.upsellCount} upsell${f.upsellCount > 1 ? "s" : ""}`);
  if (f.lifetimeValueCents > 0) reasons.push(`lifetime value ${dollars(f.lifetimeValueCents)}`);
  if (f.tickets90d === 0) reasons.push("no support tickets in 90 days");
  if (f.retentionCostCents > 0 && f.mrrCents > 0) reasons.push(`pays ${(f.mrrCents / f.retentionCostCents).toFixed(1)}x its retention cost`);
  if (f.tenureDays >= 365) reasons.push(`customer for ${Math.floor(f.tenureDays / 365)} year${f.tenureDays >= 730 ? "s" : ""}`);
  return reasons;
}

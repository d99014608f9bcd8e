import type { PatternRow } from "./intelligence.repository.js";

export interface SuccessPatternResult {
  attribute: string;
  value: string;
  customers: number;
  successRate: number;
  lift: number;
}

/** Groups smaller than this never rank: a 2-customer niche with 2 successes proves nothing. */
export function defaultMinSupport(population: number): number {
  return Math.max(10, Math.ceil(population * 0.01));
}

/**
 * Attribute values whose success rate beats the base rate, highest lift first (ties: the
 * larger group first). `counts` holds one '*' row with the totals.
 */
export function rankSuccessPatterns(counts: readonly PatternRow[], limit: number, minSupport?: number): SuccessPatternResult[] {
  const total = counts.find((r) => r.attribute === "*");
  if (!total || total.customers === 0 || total.successful === 0) return [];
  const baseRate = total.successful / total.customers;
  const support = minSupport ?? defaultMinSupport(total.customers);
  return counts
    .filter((r) => r.attribute !== "*" && r.customers >= support)
    .map((r) => {
      const successRate = r.successful / r.customers;
      return { attribute: r.attribute, value: r.value, customers: r.customers, successRate, lift: successRate / baseRate };
    })
    .filter((p) => p.lift > 1)
    .sort((a, b) => b.lift - a.lift || b.customers - a.customers || a.attribute.localeCompare(b.attribute) || a.value.localeCompare(b.value))
    .slice(0, limit);
}

import { describe, expect, it } from "vitest";
import { commissionCents, monthlyChurnRate, qualityScore } from "../../src/affiliates/affiliate-stats.js";

const base = { referred: 10, churned: 0, earlyChurned: 0, averageHealthScore: 80, averageLifetimeValueCents: 500_000 };

describe("affiliate figures", () => {
  it.each([
    [{ type: "PERCENT" as const, value: 20 }, 10_000, 1, 2_000],
    [{ type: "PERCENT" as const, value: 12.5 }, 999, 1, 124],
    [{ type: "PERCENT" as const, value: 0.01 }, 1_000_000, 1, 100],
    [{ type: "FLAT" as const, value: 5_000 }, 123_456, 3, 15_000],
  ])("commission of %j on %i cents and %i customers is %i cents", (plan, revenue, customers, expected) => {
    expect(commissionCents(plan, revenue, customers)).toBe(expected);
  });

  it("averages the monthly churn rates of the months that began with active customers", () => {
    expect(monthlyChurnRate([{ churned: 1, activeAtStart: 10 }, { churned: 3, activeAtStart: 10 }, { churned: 0, activeAtStart: 0 }])).toBeCloseTo(0.2, 10);
    expect(monthlyChurnRate([])).toBe(0);
  });

  it("scores quality: retention, health and LTV up; early churn down", () => {
    const good = qualityScore(base);
    expect(good).toBeGreaterThan(qualityScore({ ...base, churned: 5 }));
    expect(qualityScore({ ...base, churned: 5 })).toBeGreaterThan(qualityScore({ ...base, churned: 5, earlyChurned: 5 }));
    expect(good).toBeGreaterThan(qualityScore({ ...base, averageHealthScore: 40 }));
    expect(good).toBeGreaterThan(qualityScore({ ...base, averageLifetimeValueCents: 20_000 }));
    expect(qualityScore({ ...base, referred: 0 })).toBe(0);
    expect(good).toBeLessThanOrEqual(100);
  });
});

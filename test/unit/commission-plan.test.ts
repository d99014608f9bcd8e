import { describe, expect, it } from "vitest";
import { entryAmountCents, recommendCommission, tierValue, validatePlan } from "../../src/commissions/commission.plan.js";

describe("commission plans", () => {
  it.each([
    ["PERCENT", 20, 10_000, 2_000],
    ["PERCENT", 12.5, 999, 124],
    ["PERCENT", 0.01, 9_999, 0],
    ["FLAT", 5_000, 0, 5_000],
  ] as const)("%s %s on %s cents pays %s", (type, value, revenue, expected) => {
    expect(entryAmountCents(type, value, revenue)).toBe(expected);
  });

  it("uses the highest tier reached, else the base value", () => {
    const plan = validatePlan({ type: "PERCENT", value: 10, months: null, tiers: [{ minActiveCustomers: 10, value: 25 }, { minActiveCustomers: 3, value: 15 }] });
    expect(plan.tiers.map((t) => t.minActiveCustomers)).toEqual([3, 10]);
    expect([0, 2, 3, 9, 10, 50].map((n) => tierValue(plan, n))).toEqual([10, 10, 15, 15, 25, 25]);
  });
});

describe("recommendCommission", () => {
  const inputs = { referredCustomers: 40, averageMrrCents: 10_000, monthlyChurnRate: 0.05, averageRetentionCostCents: 1_000 };

  it("pays at most what the margin allows at the target ROI: (LTV − retention) / (1 + ROI)", () => {
    const r = recommendCommission(inputs, 3, null);
    // 20 months: LTV 200,000, retention 20,000; (180,000) / 4 = 45,000 per customer.
    expect(r).toMatchObject({ expectedLifetimeMonths: 20, expectedLifetimeValueCents: 200_000, expectedRetentionCostCents: 20_000, maxCommissionPerCustomerCents: 45_000 });
    expect(r.recommendedPercent).toBe(22.5);
    expect(r.recommendedFlatCents).toBe(45_000);
    // At that rate the ROI is exactly the target.
    const commission = (r.recommendedPercent / 100) * 200_000;
    expect((200_000 - 20_000 - commission) / commission).toBeCloseTo(3, 6);
  });

  it("allows a higher rate for a plan paying fewer months, capped at 100%", () => {
    expect(recommendCommission(inputs, 3, 6).recommendedPercent).toBe(75);
    expect(recommendCommission(inputs, 0, 1).recommendedPercent).toBe(100);
  });

  it("recommends nothing when customers cost more to keep than they pay, and caps a lifetime without churn at 60 months", () => {
    expect(recommendCommission({ ...inputs, averageRetentionCostCents: 12_000 }, 3, null)).toMatchObject({ recommendedPercent: 0, recommendedFlatCents: 0 });
    expect(recommendCommission({ ...inputs, monthlyChurnRate: 0 }, 3, null).expectedLifetimeMonths).toBe(60);
  });

  it("rewards retention: lower churn allows a higher flat commission", () => {
    const churny = recommendCommission({ ...inputs, monthlyChurnRate: 0.2 }, 3, null);
    const loyal = recommendCommission({ ...inputs, monthlyChurnRate: 0.02 }, 3, null);
    expect(loyal.recommendedFlatCents).toBeGreaterThan(churny.recommendedFlatCents);
  });
});

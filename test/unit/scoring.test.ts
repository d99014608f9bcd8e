import { describe, expect, it } from "vitest";
import { advocacyReasons, computeAdvocacy, isSuccessful, UNPROFITABLE_CAP } from "../../src/intelligence/advocacy.js";
import type { CustomerFeatures } from "../../src/intelligence/features.js";
import { bandOf, computeHealth, type HealthInput } from "../../src/intelligence/health.js";
import { DEFAULT_SCORING } from "../../src/config/config.js";
import { parseScoringConfig } from "../../src/config/env.js";

const base: CustomerFeatures = {
  customerId: "c",
  status: "ACTIVE",
  tenureDays: 400,
  mrrCents: 50_000,
  retentionCostCents: 5_000,
  usageRatio: 0.9,
  nps: 10,
  csat: 5,
  csatRecent: 5,
  tickets90d: 0,
  upsellCount: 2,
  lifetimeValueCents: 600_000,
};
const f = (overrides: Partial<CustomerFeatures>): CustomerFeatures => ({ ...base, ...overrides });
const health = (overrides: Partial<HealthInput>) => computeHealth({ ...f(overrides), outlook: overrides.outlook ?? null }, DEFAULT_SCORING);

describe("health score", () => {
  it.each([
    ["a thriving customer", {}, "GREEN"],
    ["a struggling one", { usageRatio: 0.1, nps: 2, csatRecent: 2, tickets90d: 10, upsellCount: 0, tenureDays: 30, lifetimeValueCents: 40_000 }, "RED"],
    ["a middling one", { usageRatio: 0.45, nps: 7, csatRecent: 3.5, tickets90d: 3, upsellCount: 0, tenureDays: 200 }, "YELLOW"],
  ] as const)("%s is %s", (_name, overrides, band) => {
    expect(health(overrides).band).toBe(band);
  });

  it("falls with every extra ticket, with no floor reached at 10 or 20", () => {
    const scores = [0, 1, 5, 10, 20].map((tickets90d) => health({ tickets90d }).score);
    for (let i = 1; i < scores.length; i++) expect(scores[i]!).toBeLessThan(scores[i - 1]!);
  });

  it("leaves out factors without data and re-weights the rest, instead of counting them as zero", () => {
    const silent = health({ nps: null, csatRecent: null, usageRatio: null });
    expect(silent.breakdown.map((b) => b.name).sort()).toEqual(["lifetimeValue", "support", "tenure", "upsell"]);
    expect(silent.breakdown.reduce((sum, b) => sum + b.weight, 0)).toBeCloseTo(1, 10);
    expect(silent.score).toBeGreaterThan(60);
  });

  it("explains itself: the weighted factor scores add up to the score", () => {
    const h = health({ usageRatio: 0.5, nps: 6 });
    expect(h.breakdown.reduce((sum, b) => sum + b.score * b.weight, 0)).toBeCloseTo(h.score, 0);
    expect(h.breakdown.every((b) => b.score >= 0 && b.score <= 100)).toBe(true);
  });

  it("reads the churn model's outlook as predictedRetention: the average risk scores 50, the riskier the lower, none without a model", () => {
    const outlook = (risk: number) => ({ risk, averageRisk: 0.08, modelVersion: 3 });
    const factor = (risk: number | null) => health({ usageRatio: 0.5, nps: 6, ...(risk === null ? {} : { outlook: outlook(risk) }) }).breakdown.find((b) => b.name === "predictedRetention");
    expect(factor(null)).toBeUndefined();
    expect(factor(0.08)!.score).toBe(50);
    expect(factor(0.02)!.score).toBeGreaterThan(75);
    expect(factor(0.3)!.score).toBeLessThan(20);
    expect(factor(0.08)!.detail).toBe("churn model v3: 8% risk of churning in the next 90 days, against 8% on average");
    expect(health({ usageRatio: 0.5, nps: 6, outlook: outlook(0.3) }).score).toBeLessThan(health({ usageRatio: 0.5, nps: 6, outlook: outlook(0.02) }).score);
  });

  it("uses configurable bands and weights", () => {
    expect(bandOf(39.9, { yellow: 40, green: 70 })).toBe("RED");
    expect(bandOf(40, { yellow: 40, green: 70 })).toBe("YELLOW");
    expect(bandOf(70, { yellow: 40, green: 70 })).toBe("GREEN");
    const usageOnly = parseScoringConfig({ HEALTH_WEIGHTS: "usage=1,nps=0,csat=0,support=0,upsell=0,tenure=0,lifetimeValue=0", HEALTH_BANDS: "30,60" });
    const h = computeHealth(f({ usageRatio: 0.4 }), usageOnly);
    expect(h).toMatchObject({ score: 50, band: "YELLOW" });
    expect(() => parseScoringConfig({ HEALTH_WEIGHTS: "happiness=1" })).toThrow(/HEALTH_WEIGHTS/);
    // The model's factor has no data until a model is trained: it cannot be health's only factor.
    expect(() => parseScoringConfig({ HEALTH_WEIGHTS: "usage=0,nps=0,csat=0,support=0,upsell=0,tenure=0,lifetimeValue=0" })).toThrow(/other than predictedRetention/);
    expect(() => parseScoringConfig({ HEALTH_BANDS: "80,60" })).toThrow(/HEALTH_BANDS/);
  });
});

describe("advocacy score", () => {
  const advocacy = (overrides: Partial<CustomerFeatures>) => computeAdvocacy(f(overrides), health(overrides));

  it("rewards promoters over passives and detractors", () => {
    expect(advocacy({ nps: 10 })).toBeGreaterThan(advocacy({ nps: 8 }));
    expect(advocacy({ nps: 8 })).toBeGreaterThan(advocacy({ nps: 3 }));
  });

  it("rewards lifetime value and upsells, penalizes ticket friction", () => {
    expect(advocacy({ lifetimeValueCents: 2_000_000 })).toBeGreaterThan(advocacy({ lifetimeValueCents: 20_000 }));
    expect(advocacy({ upsellCount: 3 })).toBeGreaterThan(advocacy({ upsellCount: 0 }));
    expect(advocacy({ tickets90d: 8 })).toBeLessThan(advocacy({ tickets90d: 0 }));
  });

  it("caps a customer that costs more to retain than it pays, and zeroes a churned one", () => {
    expect(advocacy({ retentionCostCents: 60_000 })).toBeLessThanOrEqual(UNPROFITABLE_CAP);
    expect(advocacy({ retentionCostCents: 1_000 })).toBeGreaterThan(UNPROFITABLE_CAP);
    expect(advocacy({ status: "CHURNED" })).toBe(0);
  });

  it("calls a customer successful only when active, healthy and old enough", () => {
    expect(isSuccessful(f({}), health({}), DEFAULT_SCORING)).toBe(true);
    expect(isSuccessful(f({ tenureDays: 30 }), health({ tenureDays: 30 }), DEFAULT_SCORING)).toBe(false);
    expect(isSuccessful(f({ status: "TRIAL" }), health({}), DEFAULT_SCORING)).toBe(false);
    const sick = { usageRatio: 0.1, nps: 1, tickets90d: 12 };
    expect(isSuccessful(f(sick), health(sick), DEFAULT_SCORING)).toBe(false);
  });

  it("gives its reasons in words", () => {
    const reasons = advocacyReasons(f({}), health({}));
    expect(reasons).toEqual(expect.arrayContaining(["promoter: NPS 10", "2 upsells", "no support tickets in 90 days", "uses 90% of its seats"]));
  });
});

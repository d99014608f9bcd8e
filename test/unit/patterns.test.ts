import { describe, expect, it } from "vitest";
import { defaultMinSupport, rankSuccessPatterns } from "../../src/intelligence/patterns.js";

const total = { attribute: "*", value: "*", customers: 1000, successful: 300 };

describe("success patterns", () => {
  it("ranks values by lift over the base rate, leaving out small groups and values below the base", () => {
    const ranked = rankSuccessPatterns(
      [
        total,
        { attribute: "acquisitionChannel", value: "partner", customers: 100, successful: 60 },
        { attribute: "niche", value: "fintech", customers: 200, successful: 90 },
        { attribute: "niche", value: "tiny", customers: 3, successful: 3 },
        { attribute: "plan", value: "starter", customers: 400, successful: 80 },
      ],
      10,
    );
    expect(ranked.map((p) => p.value)).toEqual(["partner", "fintech"]);
    expect(ranked[0]).toMatchObject({ customers: 100, successRate: 0.6 });
    expect(ranked[0]!.lift).toBeCloseTo(2, 10);
  });

  it("honours an explicit minimum support and the limit", () => {
    const ranked = rankSuccessPatterns([total, { attribute: "niche", value: "tiny", customers: 3, successful: 3 }], 10, 2);
    expect(ranked).toHaveLength(1);
    expect(rankSuccessPatterns([total, { attribute: "niche", value: "a", customers: 50, successful: 40 }, { attribute: "niche", value: "b", customers: 50, successful: 30 }], 1)).toHaveLength(1);
  });

  it("finds nothing without successful customers", () => {
    expect(rankSuccessPatterns([{ ...total, successful: 0 }], 10)).toEqual([]);
    expect(defaultMinSupport(100)).toBe(10);
    expect(defaultMinSupport(100_000)).toBe(1000);
  });
});

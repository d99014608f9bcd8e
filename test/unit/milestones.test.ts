import { describe, expect, it } from "vitest";
import { defaultMinSupport, rankMilestones } from "../../src/milestones/milestones.js";

describe("rankMilestones", () => {
  const population = { successful: 100, others: 400 };

  it("keeps actions over-represented among successful customers, highest lift first", () => {
    const ranked = rankMilestones(
      [
        { action: "exported_data", successful: 50, others: 200 }, // 0.5 vs 0.5: lift 1
        { action: "connected_integration", successful: 80, others: 40 }, // 0.8 vs 0.1: lift 8
        { action: "invited_teammate", successful: 60, others: 80 }, // 0.6 vs 0.2: lift 3
      ],
      population,
    );
    expect(ranked.map((m) => [m.action, Number(m.lift.toFixed(6))])).toEqual([
      ["connected_integration", 8],
      ["invited_teammate", 3],
    ]);
  });

  it("needs minimum support, and treats an action no other customer took as if one had", () => {
    expect(defaultMinSupport(population)).toBe(5);
    const ranked = rankMilestones(
      [
        { action: "rare", successful: 4, others: 0 },
        { action: "only_successful", successful: 10, others: 0 },
      ],
      population,
    );
    expect(ranked).toEqual([expect.objectContaining({ action: "only_successful", lift: (10 / 100) / (1 / 400) })]);
    expect(rankMilestones([{ action: "x", successful: 3, others: 0 }], { successful: 0, others: 10 })).toEqual([]);
  });
});

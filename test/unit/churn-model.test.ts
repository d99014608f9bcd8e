import { describe, expect, it } from "vitest";
import { areaUnderRoc, churnRisk, heuristicChurnRisk, predict, trainLogistic } from "../../src/intelligence/churn-model.js";
import type { CustomerFeatures } from "../../src/intelligence/features.js";

// A tiny deterministic generator (LCG) so the cases are the same on every run.
function lcg(seed: number) {
  let state = seed >>> 0;
  return () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

describe("area under the ROC curve", () => {
  it.each([
    [[0.1, 0.2, 0.8, 0.9], [0, 0, 1, 1], 1],
    [[0.9, 0.8, 0.2, 0.1], [0, 0, 1, 1], 0],
    [[0.5, 0.5, 0.5, 0.5], [0, 1, 0, 1], 0.5],
    [[0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1], 0.75],
  ])("scores %j with labels %j as %d", (scores, labels, auc) => {
    expect(areaUnderRoc(scores, labels)).toBeCloseTo(auc, 10);
  });

  it("is undefined with one class only", () => {
    expect(areaUnderRoc([0.1, 0.2], [1, 1])).toBeNull();
  });
});

describe("logistic regression", () => {
  it("learns a signal: risk rises with the feature that drives it, and ranks held-out cases well", () => {
    const random = lcg(7);
    const make = (n: number) => {
      const xs: number[][] = [];
      const ys: number[] = [];
      for (let i = 0; i < n; i++) {
        const tickets = random() * 10;
        const usage = random();
        const noise = random();
        const p = 1 / (1 + Math.exp(-(-2 + 0.5 * tickets - 3 * usage)));
        xs.push([tickets, usage, noise]);
        ys.push(random() < p ? 1 : 0);
      }
      return { xs, ys };
    };
    const train = make(2_000);
    const model = trainLogistic(train.xs, train.ys);
    expect(model.weights[0]!).toBeGreaterThan(0.5);
    expect(model.weights[1]!).toBeLessThan(-0.3);
    expect(Math.abs(model.weights[2]!)).toBeLessThan(0.2);
    const test = make(1_000);
    const auc = areaUnderRoc(test.xs.map((x) => predict(model, x)), test.ys)!;
    expect(auc).toBeGreaterThan(0.75);
  });

  it("treats a missing value as the mean", () => {
    const model = trainLogistic([[0], [1], [2], [3]], [0, 0, 1, 1]);
    expect(predict(model, [NaN])).toBeCloseTo(predict(model, [1.5]), 10);
  });
});

describe("churn risk", () => {
  const healthy = { score: 90, band: "GREEN" as const, breakdown: [] };
  const sick = { score: 20, band: "RED" as const, breakdown: [] };
  const features = { status: "ACTIVE" } as CustomerFeatures;

  it("falls back to a heuristic that rises as health falls", () => {
    expect(heuristicChurnRisk(sick)).toBeGreaterThan(heuristicChurnRisk(healthy));
    expect(churnRisk(features, healthy, null)).toBeCloseTo(heuristicChurnRisk(healthy), 3);
    expect(heuristicChurnRisk({ ...healthy, score: 100 })).toBeCloseTo(0.02, 10);
  });

  it("is 1 for a customer that has churned", () => {
    expect(churnRisk({ ...features, status: "CHURNED" }, healthy, null)).toBe(1);
  });
});

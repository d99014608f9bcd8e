import type { CustomerFeatures } from "./features.js";
import type { Health } from "./health.js";

// Logistic regression in a few dozen lines: 11 features and at most ~100k examples train in
// well under a second with batch gradient descent, so a numeric library would add weight and
// nothing else. Features are standardized; missing values become the mean (0 after
// standardizing) plus a "missing" indicator, so the model can learn what silence means.

export const FEATURE_NAMES = [
  "usageRatio",
  "usageMissing",
  "nps",
  "npsMissing",
  "csatRecent",
  "csatMissing",
  "tickets90d",
  "upsellCount",
  "logTenureMonths",
  "logMrrDollars",
  "retentionCostRatio",
] as const;

export function featureVector(f: CustomerFeatures): number[] {
  return [
    f.usageRatio ?? NaN,
    f.usageRatio === null ? 1 : 0,
    f.nps ?? NaN,
    f.nps === null ? 1 : 0,
    f.csatRecent ?? NaN,
    f.csatRecent === null ? 1 : 0,
    f.tickets90d,
    f.upsellCount,
    Math.log1p(f.tenureDays / 30.4375),
    Math.log1p(f.mrrCents / 100),
    f.mrrCents > 0 ? Math.min(2, f.retentionCostCents / f.mrrCents) : f.retentionCostCents > 0 ? 2 : 0,
  ];
}

export interface LogisticModel {
  intercept: number;
  /** One weight per FEATURE_NAMES entry, on standardized features. */
  weights: number[];
  means: number[];
  stds: number[];
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

function standardize(x: readonly number[], model: Pick<LogisticModel, "means" | "stds">): number[] {
  return x.map((v, j) => (Number.isNaN(v) ? 0 : (v - model.means[j]!) / model.stds[j]!));
}

export function predict(model: LogisticModel, x: readonly number[]): number {
  const z = standardize(x, model).reduce((sum, v, j) => sum + v * model.weights[j]!, model.intercept);
  return sigmoid(z);
}

export interface TrainOptions {
  iterations?: number;
  learningRate?: number;
  /** L2 penalty: keeps weights finite when a feature separates the classes perfectly. */
  l2?: number;
}

/** Fits by batch gradient descent on the mean log-loss; deterministic for the same data. */
export function trainLogistic(xs: readonly number[][], ys: readonly number[], options: TrainOptions = {}): LogisticModel {
  const { iterations = 400, learningRate = 0.5, l2 = 0.001 } = options;
  const n = xs.length;
  const d = xs[0]?.length ?? 0;
  const means = new Array<number>(d).fill(0);
  const stds = new Array<number>(d).fill(0);
  for (let j = 0; j < d; j++) {
    const present = xs.map((x) => x[j]!).filter((v) => !Number.isNaN(v));
    const mean = present.length ? present.reduce((a, b) => a + b, 0) / present.length : 0;
    const variance = present.length ? present.reduce((a, b) => a + (b - mean) ** 2, 0) / present.length : 0;
    means[j] = mean;
    stds[j] = Math.sqrt(variance) || 1;
  }
  const z = xs.map((x) => standardize(x, { means, stds }));
  const weights = new Array<number>(d).fill(0);
  let intercept = 0;
  const gradient = new Array<number>(d);
  for (let iter = 0; iter < iterations; iter++) {
    gradient.fill(0);
    let gradIntercept = 0;
    for (let i = 0; i < n; i++) {
      const row = z[i]!;
      let s = intercept;
      for (let j = 0; j < d; j++) s += row[j]! * weights[j]!;
      const err = sigmoid(s) - ys[i]!;
      gradIntercept += err;
      for (let j = 0; j < d; j++) gradient[j] += err * row[j]!;
    }
    intercept -= (learningRate * gradIntercept) / n;
    for (let j = 0; j < d; j++) weights[j] -= learningRate * (gradient[j]! / n + l2 * weights[j]!);
  }
  return { intercept, weights, means, stds };
}

/** Area under the ROC curve: the chance a random positive scores above a random negative. */
export function areaUnderRoc(scores: readonly number[], labels: readonly number[]): number | null {
  const pairs = scores.map((s, i) => [s, labels[i]!] as const).sort((a, b) => a[0] - b[0]);
  const positives = labels.filter((y) => y === 1).length;
  const negatives = labels.length - positives;
  if (positives === 0 || negatives === 0) return null;
  // Mann-Whitney U with average ranks for ties.
  let rankSum = 0;
  for (let i = 0; i < pairs.length; ) {
    let j = i;
    while (j + 1 < pairs.length && pairs[j + 1]![0] === pairs[i]![0]) j++;
    const averageRank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) if (pairs[k]![1] === 1) rankSum += averageRank;
    i = j + 1;
  }
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/**
 * The fallback while the company has too few churned customers to learn from: risk rises with
 * the square of the health deficit, from 2% for a perfectly healthy customer to 92% at 0.
 */
export function heuristicChurnRisk(health: Health): number {
  const deficit = (100 - health.score) / 100;
  return 0.02 + 0.9 * deficit * deficit;
}

/** Churn risk for one customer: 1 once churned, else the model's (or the heuristic's) estimate. */
export function churnRisk(f: CustomerFeatures, health: Health, model: LogisticModel | null): number {
  if (f.status === "CHURNED") return 1;
  const p = model ? predict(model, featureVector(f)) : heuristicChurnRisk(health);
  return Math.round(p * 10_000) / 10_000;
}

import type { CustomerFeatures } from "./features.js";
import type { Health } from "./health.js";

// Logistic regression in a few dozen lines (why not a library: churn.service.ts). Every feature
// is named, and a model is its list of named weights, so which features it uses (the CS ones
// below, and the behavioural ones chosen from the data at training) is the model's own business.
// Features are standardized; a missing value becomes the mean (0 after standardizing), and a
// "missing" indicator lets the model learn what silence means.

/** The customer-success features, from features.repository.ts. */
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

/** The CS features of a customer by name (NaN: missing). */
export function csFeatures(f: CustomerFeatures): Map<string, number> {
  const values = [
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
  return new Map(FEATURE_NAMES.map((name, j) => [name, values[j]!]));
}

/** The vector a model reads, in the order of its names: a feature not computed is missing (NaN). */
export const vectorFor = (names: readonly string[], features: ReadonlyMap<string, number>) => names.map((name) => features.get(name) ?? NaN);

export interface LogisticModel {
  /** What each weight multiplies. */
  names: readonly string[];
  intercept: number;
  /** One weight per name, on standardized features. */
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
  /** Newton steps at most; it stops earlier once no weight moves by more than 1e-9. */
  iterations?: number;
  /** L2 penalty (on the mean log-loss): keeps weights finite when a feature separates the classes perfectly. */
  l2?: number;
}

/** Solves A x = b for a symmetric positive definite A (Cholesky); A is overwritten. */
function solveSpd(a: number[][], b: number[]): number[] {
  const n = b.length;
  for (let j = 0; j < n; j++) {
    let d = a[j]![j]!;
    for (let k = 0; k < j; k++) d -= a[j]![k]! ** 2;
    const l = Math.sqrt(Math.max(d, 1e-12));
    a[j]![j] = l;
    for (let i = j + 1; i < n; i++) {
      let s = a[i]![j]!;
      for (let k = 0; k < j; k++) s -= a[i]![k]! * a[j]![k]!;
      a[i]![j] = s / l;
    }
  }
  const y = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= a[i]![k]! * y[k]!;
    y[i] = s / a[i]![i]!;
  }
  const x = new Array<number>(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i]!;
    for (let k = i + 1; k < n; k++) s -= a[k]![i]! * x[k]!;
    x[i] = s / a[i]![i]!;
  }
  return x;
}

/**
 * Fits by Newton's method (iteratively reweighted least squares) on the mean log-loss plus an L2
 * penalty: the exact optimum in a handful of steps, whatever the correlation between features
 * (gradient descent crawled along correlated ones), and deterministic for the same data.
 */
export function trainLogistic(xs: readonly number[][], ys: readonly number[], options: TrainOptions = {}, names: readonly string[] = []): LogisticModel {
  const { iterations = 30, l2 = 0.001 } = options;
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
  // Column 0 is the intercept (not penalized), then the standardized features.
  const z = xs.map((x) => [1, ...standardize(x, { means, stds })]);
  const p = d + 1;
  const beta = new Array<number>(p).fill(0);
  for (let iter = 0; iter < iterations && n > 0; iter++) {
    const gradient = new Array<number>(p).fill(0);
    const hessian = Array.from({ length: p }, () => new Array<number>(p).fill(0));
    for (let i = 0; i < n; i++) {
      const row = z[i]!;
      let s = 0;
      for (let j = 0; j < p; j++) s += row[j]! * beta[j]!;
      const q = sigmoid(s);
      const err = q - ys[i]!;
      const w = Math.max(q * (1 - q), 1e-10);
      for (let j = 0; j < p; j++) {
        const rj = row[j]!;
        gradient[j] += err * rj;
        const hj = hessian[j]!;
        const wr = w * rj;
        for (let k = 0; k <= j; k++) hj[k] += wr * row[k]!;
      }
    }
    for (let j = 0; j < p; j++) {
      gradient[j] = gradient[j]! / n + (j > 0 ? l2 * beta[j]! : 0);
      for (let k = 0; k <= j; k++) hessian[j]![k] = hessian[j]![k]! / n + (j === k && j > 0 ? l2 : 0);
      for (let k = 0; k < j; k++) hessian[k]![j] = hessian[j]![k]!;
    }
    const step = solveSpd(hessian, gradient);
    let moved = 0;
    for (let j = 0; j < p; j++) {
      beta[j] -= step[j]!;
      moved = Math.max(moved, Math.abs(step[j]!));
    }
    if (moved < 1e-9) break;
  }
  return { names, intercept: beta[0]!, weights: beta.slice(1), means, stds };
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

/** The model's probability that a customer churns in the next 90 days; `extra` holds the named features beyond the CS ones (behaviour, contract) it may read. */
export function modelChurnRisk(f: CustomerFeatures, model: LogisticModel, extra?: ReadonlyMap<string, number>): number {
  const features = extra ? new Map([...csFeatures(f), ...extra]) : csFeatures(f);
  return predict(model, vectorFor(model.names, features));
}

/**
 * Churn risk for one customer: 1 once churned, else the model's estimate (`modelRisk`, from
 * modelChurnRisk) or, without a model, the heuristic's.
 */
export function churnRisk(f: CustomerFeatures, health: Health, modelRisk: number | null): number {
  if (f.status === "CHURNED") return 1;
  const p = modelRisk ?? heuristicChurnRisk(health);
  return Math.round(p * 10_000) / 10_000;
}

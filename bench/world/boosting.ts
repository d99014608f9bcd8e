// Gradient boosting of small regression trees on the log-loss, for the churn benchmark's
// baseline (the product does not use it). Splits are searched on up to 32 quantile thresholds
// per feature; missing values (NaN) go left. Deterministic.

interface Node {
  feature: number;
  threshold: number;
  left: Node | number;
  right: Node | number;
}

export interface BoostOptions {
  rounds?: number;
  depth?: number;
  learningRate?: number;
  minLeaf?: number;
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

function thresholds(xs: readonly number[][], j: number): number[] {
  const values = xs.map((x) => x[j]!).filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  const out = new Set<number>();
  for (let q = 1; q < 32; q++) out.add(values[Math.floor((q / 32) * (values.length - 1))]!);
  return [...out];
}

function grow(xs: readonly number[][], g: Float64Array, h: Float64Array, rows: number[], cuts: number[][], depth: number, minLeaf: number): Node | number {
  let gs = 0;
  let hs = 0;
  for (const i of rows) {
    gs += g[i]!;
    hs += h[i]!;
  }
  const leaf = -gs / (hs + 1);
  if (depth === 0 || rows.length < 2 * minLeaf) return leaf;
  let best = { gain: 0, feature: -1, threshold: 0 };
  const base = (gs * gs) / (hs + 1);
  for (let j = 0; j < cuts.length; j++) {
    for (const t of cuts[j]!) {
      let gl = 0;
      let hl = 0;
      let nl = 0;
      for (const i of rows) {
        const v = xs[i]![j]!;
        if (Number.isNaN(v) || v <= t) {
          gl += g[i]!;
          hl += h[i]!;
          nl++;
        }
      }
      if (nl < minLeaf || rows.length - nl < minLeaf) continue;
      const gr = gs - gl;
      const hr = hs - hl;
      const gain = (gl * gl) / (hl + 1) + (gr * gr) / (hr + 1) - base;
      if (gain > best.gain) best = { gain, feature: j, threshold: t };
    }
  }
  if (best.feature < 0) return leaf;
  const goesLeft = (i: number) => Number.isNaN(xs[i]![best.feature]!) || xs[i]![best.feature]! <= best.threshold;
  return {
    feature: best.feature,
    threshold: best.threshold,
    left: grow(xs, g, h, rows.filter(goesLeft), cuts, depth - 1, minLeaf),
    right: grow(xs, g, h, rows.filter((i) => !goesLeft(i)), cuts, depth - 1, minLeaf),
  };
}

function evaluate(node: Node | number, x: readonly number[]): number {
  while (typeof node !== "number") node = Number.isNaN(x[node.feature]!) || x[node.feature]! <= node.threshold ? node.left : node.right;
  return node;
}

/** Fits the trees; returns the predicted probability of a row. */
export function trainBoosting(xs: readonly number[][], ys: readonly number[], options: BoostOptions = {}): (x: readonly number[]) => number {
  const { rounds = 150, depth = 3, learningRate = 0.1, minLeaf = 20 } = options;
  const n = xs.length;
  const mean = ys.reduce((a, b) => a + b, 0) / n;
  const bias = Math.log(mean / (1 - mean));
  const margin = new Float64Array(n).fill(bias);
  const cuts = (xs[0] ?? []).map((_, j) => thresholds(xs, j));
  const trees: (Node | number)[] = [];
  const g = new Float64Array(n);
  const h = new Float64Array(n);
  const all = Array.from({ length: n }, (_, i) => i);
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < n; i++) {
      const p = sigmoid(margin[i]!);
      g[i] = p - ys[i]!;
      h[i] = Math.max(p * (1 - p), 1e-6);
    }
    const tree = grow(xs, g, h, all, cuts, depth, minLeaf);
    trees.push(tree);
    for (let i = 0; i < n; i++) margin[i] += learningRate * evaluate(tree, xs[i]!);
  }
  return (x) => sigmoid(trees.reduce<number>((s, t) => s + learningRate * evaluate(t, x), bias));
}

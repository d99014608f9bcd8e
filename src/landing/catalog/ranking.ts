// The orders landing pages rank assets in, as findLandingCandidates's `order by` has them.

/** What an asset is ranked by (CatalogAsset has it). */
interface Ranked {
  id: string;
  /** created_at in microseconds since the epoch. */
  createdUs: number;
  subjectAdvocacy: number | null;
  subjectHealth: number | null;
}

/** Nulls last, then larger first: `desc nulls last`. */
export function compareDesc(a: number | null, b: number | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return b - a;
}

export const compareCreated = (a: Ranked, b: Ranked) => b.createdUs - a.createdUs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

export const compareCaseStudies = (a: Ranked, b: Ranked) =>
  compareDesc(a.subjectAdvocacy, b.subjectAdvocacy) || compareDesc(a.subjectHealth, b.subjectHealth) || compareCreated(a, b);

/** The first `n` of `items` in `compare` order, without sorting them all (n ≤ 10, items up to thousands). */
export function topN<T>(items: readonly T[], n: number, compare: (a: T, b: T) => number): T[] {
  if (items.length <= n) return [...items].sort(compare);
  const best: T[] = [];
  for (const item of items) {
    if (best.length === n && compare(item, best[n - 1]!) >= 0) continue;
    let i = best.length === n ? n - 1 : best.length;
    while (i > 0 && compare(item, best[i - 1]!) < 0) {
      best[i] = best[i - 1]!;
      i--;
    }
    best[i] = item;
  }
  return best;
}

import type { LandingCache } from "./landing.cache.js";

/** What changed, as far as landing pages are concerned. */
export type LandingChange = { scope: "all" } | { scope: "affiliate"; code: string };

// The caches serving landing pages from each database, so a write made through that database
// invalidates them before its mutation returns. Keyed weakly: a closed app leaves nothing behind.
const caches = new WeakMap<object, Set<LandingCache>>();

export function registerLandingCache(db: object, cache: LandingCache): () => void {
  const set = caches.get(db) ?? new Set<LandingCache>();
  set.add(cache);
  caches.set(db, set);
  return () => set.delete(cache);
}

export function applyLandingChange(cache: LandingCache, change: LandingChange): void {
  if (change.scope === "all") cache.invalidateAll();
  else cache.invalidateAffiliate(change.code);
}

/** Called by services after a write commits. */
export function landingChanged(db: object, change: LandingChange): void {
  for (const cache of caches.get(db) ?? []) applyLandingChange(cache, change);
}

import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import type { Database } from "../db/client.js";
import { describeError, log } from "../common/log.js";
import type { LandingCache } from "./landing.cache.js";

/** What changed, as far as landing pages are concerned. */
export type LandingChange = { scope: "all" } | { scope: "affiliate"; code: string };

/** The NOTIFY channel that carries invalidations to every server instance on the database. */
export const LANDING_CHANNEL = "advocate_landing";

// Each database handle is one "instance" (a process may hold several, as tests do): its own
// notifications are already applied locally and are skipped when they come back.
const origins = new WeakMap<object, string>();
function originOf(db: object): string {
  let id = origins.get(db);
  if (!id) origins.set(db, (id = randomUUID()));
  return id;
}

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

/**
 * Called by services after a write commits: this process's caches forget the affected answers
 * at once (so the next view is right), and a NOTIFY carries the change to every other
 * instance. The NOTIFY is not awaited: the mutation's answer does not wait on it.
 */
export function landingChanged(db: Database, change: LandingChange): void {
  for (const cache of caches.get(db) ?? []) applyLandingChange(cache, change);
  db.execute(sql`select pg_notify(${LANDING_CHANNEL}, ${JSON.stringify({ from: originOf(db), ...change })})`).then(
    () => undefined,
    (error: unknown) => log.warn("could not notify other instances of a landing change", describeError(error)),
  );
}

/**
 * Reads a notification received through `db`: null for the instance's own changes, else the
 * change; a payload that is not ours to read clears all.
 */
export function parseLandingNotification(db: object, payload: string): LandingChange | null {
  try {
    const message = JSON.parse(payload) as { from?: string } & LandingChange;
    if (message.from === originOf(db)) return null;
    if (message.scope === "affiliate" && typeof message.code === "string") return { scope: "affiliate", code: message.code };
  } catch {
    // Unknown format: forgetting everything is always safe.
  }
  return { scope: "all" };
}

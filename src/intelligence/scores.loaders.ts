import DataLoader from "dataloader";
import type { Database } from "../db/client.js";
import type { ScoringConfig } from "../config/config.js";
import { findScoresByCustomerIds, type ScoreRow } from "./scores.repository.js";
import { computeScores } from "./scores.service.js";

/**
 * The stored scores of a batch of customers in one statement, in key order. A customer written
 * before scores existed (a bulk import not yet recomputed) is scored on the fly, not shown blank.
 * The loader below and the CSV export read scores through this one function.
 */
export async function scoresOfCustomers(db: Database, ids: readonly string[], now: Date, scoring: ScoringConfig): Promise<(ScoreRow | undefined)[]> {
  const stored = new Map((await findScoresByCustomerIds(db, ids)).map((row) => [row.customerId, row]));
  const missing = ids.filter((id) => !stored.has(id));
  if (missing.length > 0) for (const row of await computeScores(db, missing, now, scoring)) stored.set(row.customerId, row);
  return ids.map((id) => stored.get(id));
}

export function createScoreLoaders(db: Database, now: Date, scoring: ScoringConfig) {
  return {
    scoresByCustomerId: new DataLoader<string, ScoreRow | undefined>((ids) => scoresOfCustomers(db, ids, now, scoring)),
  };
}

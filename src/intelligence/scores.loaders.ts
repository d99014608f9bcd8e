import DataLoader from "dataloader";
import type { Database } from "../db/client.js";
import type { ScoringConfig } from "../config/config.js";
import { findScoresByCustomerIds, type ScoreRow } from "./scores.repository.js";
import { computeScores } from "./scores.service.js";

export function createScoreLoaders(db: Database, now: Date, scoring: ScoringConfig) {
  return {
    /**
     * The stored scores of a batch of customers in one statement. A customer written before
     * scores existed (a bulk import not yet recomputed) is scored on the fly, not shown blank.
     */
    scoresByCustomerId: new DataLoader<string, ScoreRow | undefined>(async (ids) => {
      const stored = new Map((await findScoresByCustomerIds(db, ids)).map((row) => [row.customerId, row]));
      const missing = ids.filter((id) => !stored.has(id));
      for (const row of await computeScores(db, missing, now, scoring)) stored.set(row.customerId, row);
      return ids.map((id) => stored.get(id));
    }),
  };
}

import type { Database } from "../db/client.js";
import type { ScoringConfig } from "../config/config.js";
import type { ChangePublisher } from "./changes.js";

/**
 * What a write service works with besides its input: the database, the channel it announces its
 * changes on once they have committed, the scoring model's settings (writes rescore) and the
 * program currency (payments convert into it).
 * Resolvers pass their request context (a superset); job handlers and CLIs build one.
 */
export interface ServiceContext {
  db: Database;
  changes: ChangePublisher;
  scoring: ScoringConfig;
  /** PROGRAM_CURRENCY: what payments are converted into as they are recorded. */
  programCurrency: string;
}

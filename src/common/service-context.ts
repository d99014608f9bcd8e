import type { Database } from "../db/client.js";
import type { ChangePublisher } from "./changes.js";

/**
 * What a write service works with besides its input: the database, and the channel it announces
 * its changes on once they have committed. Resolvers pass their request context (a superset);
 * job handlers and CLIs build one.
 */
export interface ServiceContext {
  db: Database;
  changes: ChangePublisher;
}

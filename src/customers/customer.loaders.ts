import { asc, inArray } from "drizzle-orm";
import type { Database } from "../db/client.js";
import { stakeholders } from "../db/schema/index.js";
import { groupLoader, rowLoader } from "../common/loader.js";
import { findCustomersByIds } from "./customer.repository.js";

export function createCustomerLoaders(db: Database) {
  return {
    customerById: rowLoader((ids: readonly string[]) => findCustomersByIds(db, ids), (row) => row.id),
    stakeholdersByCustomerId: groupLoader(
      (ids: readonly string[]) =>
        db
          .select()
          .from(stakeholders)
          .where(inArray(stakeholders.customerId, [...ids]))
          .orderBy(asc(stakeholders.role), asc(stakeholders.name)),
      (row) => row.customerId,
    ),
  };
}

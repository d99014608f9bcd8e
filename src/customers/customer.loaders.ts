import type { Database } from "../db/client.js";
import { groupLoader, rowLoader } from "../common/loader.js";
import { findCustomersByIds, findStakeholdersByCustomerIds, findStakeholdersByIds } from "./customer.repository.js";

export function createCustomerLoaders(db: Database) {
  return {
    customerById: rowLoader((ids: readonly string[]) => findCustomersByIds(db, ids), (row) => row.id),
    stakeholdersByCustomerId: groupLoader((ids: readonly string[]) => findStakeholdersByCustomerIds(db, ids), (row) => row.customerId),
    stakeholderById: rowLoader((ids: readonly string[]) => findStakeholdersByIds(db, ids), (row) => row.id),
  };
}

import type { Database } from "../db/client.js";
import { groupLoader, rowLoader } from "../common/loader.js";
import { findCustomersByIds, findStakeholdersByCustomerIds, findStakeholdersByIds } from "./customer.repository.js";
import { loadContractTerms } from "./contract-terms.js";

export function createCustomerLoaders(db: Database, now: Date) {
  return {
    customerById: rowLoader((ids: readonly string[]) => findCustomersByIds(db, ids), (row) => row.id),
    stakeholdersByCustomerId: groupLoader((ids: readonly string[]) => findStakeholdersByCustomerIds(db, ids), (row) => row.customerId),
    stakeholderById: rowLoader((ids: readonly string[]) => findStakeholdersByIds(db, ids), (row) => row.id),
    /** The contract term in force at the request's moment (and its next renewal). */
    contractTermByCustomerId: rowLoader(
      (ids: readonly string[]) => loadContractTerms(db, ids.map((customerId) => ({ customerId, asOf: now }))),
      (row) => row.customerId,
    ),
  };
}

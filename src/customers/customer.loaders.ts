import DataLoader from "dataloader";
import type { Database } from "../db/client.js";
import { groupLoader, rowLoader } from "../common/loader.js";
import { findCustomersByIds, findStakeholdersByCustomerIds, findStakeholdersByIds } from "./customer.repository.js";
import { loadContractTerms } from "./contract-terms.js";
import { findActivityByCustomerIds, type ActivityRow } from "./customer-activity.repository.js";

/** Customer.activity's loader: one statement per distinct window in the request, rows in key order. */
function activityLoader(db: Database, now: Date) {
  return new DataLoader<{ customerId: string; days: number }, ActivityRow[], string>(
    async (keys) => {
      const byKey = new Map<string, ActivityRow[]>();
      for (const days of new Set(keys.map((k) => k.days))) {
        const ids = [...new Set(keys.filter((k) => k.days === days).map((k) => k.customerId))];
        for (const row of await findActivityByCustomerIds(db, ids, days, now)) {
          const key = `${days}:${row.customerId}`;
          byKey.set(key, [...(byKey.get(key) ?? []), row]);
        }
      }
      return keys.map((k) => byKey.get(`${k.days}:${k.customerId}`) ?? []);
    },
    { cacheKeyFn: (k) => `${k.days}:${k.customerId}` },
  );
}

export function createCustomerLoaders(db: Database, now: Date) {
  return {
    customerById: rowLoader((ids: readonly string[]) => findCustomersByIds(db, ids), (row) => row.id),
    stakeholdersByCustomerId: groupLoader((ids: readonly string[]) => findStakeholdersByCustomerIds(db, ids), (row) => row.customerId),
    stakeholderById: rowLoader((ids: readonly string[]) => findStakeholdersByIds(db, ids), (row) => row.id),
    activityByCustomerId: activityLoader(db, now),
    /** The contract term in force at the request's moment (and its next renewal). */
    contractTermByCustomerId: rowLoader(
      (ids: readonly string[]) => loadContractTerms(db, ids.map((customerId) => ({ customerId, asOf: now }))),
      (row) => row.customerId,
    ),
  };
}

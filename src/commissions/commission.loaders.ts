import DataLoader from "dataloader";
import type { Database } from "../db/client.js";
import { groupLoader, rowLoader } from "../common/loader.js";
import {
  balancesByAffiliateIds,
  latestEntries,
  listPayouts,
  recommendationAggregates,
  type CommissionEntryWithCustomer,
  type CommissionStatusName,
} from "./commission.repository.js";

export interface EntriesKey {
  affiliateId: string;
  status: CommissionStatusName | null;
  limit: number;
}

export function createCommissionLoaders(db: Database) {
  return {
    commissionBalanceByAffiliateId: rowLoader((ids: readonly string[]) => balancesByAffiliateIds(db, ids), (row) => row.affiliateId),
    payoutsByAffiliateId: groupLoader((ids: readonly string[]) => listPayouts(db, ids), (row) => row.affiliateId),
    recommendationAggregatesByAffiliateId: rowLoader((ids: readonly string[]) => recommendationAggregates(db, ids), (row) => row.affiliateId!),
    /** Affiliate.commissions for a page of affiliates: one statement per distinct (status, limit). */
    commissionEntriesByAffiliate: new DataLoader<EntriesKey, CommissionEntryWithCustomer[], string>(
      async (keys) => {
        const groups = new Map<string, EntriesKey[]>();
        for (const key of keys) {
          const group = `${key.status}|${key.limit}`;
          groups.set(group, [...(groups.get(group) ?? []), key]);
        }
        const result = new Map<string, CommissionEntryWithCustomer[]>();
        for (const group of groups.values()) {
          const { status, limit } = group[0]!;
          for (const row of await latestEntries(db, [...new Set(group.map((k) => k.affiliateId))], status, limit)) {
            const key = `${row.affiliateId}|${status}|${limit}`;
            result.set(key, [...(result.get(key) ?? []), row]);
          }
        }
        return keys.map((k) => result.get(`${k.affiliateId}|${k.status}|${k.limit}`) ?? []);
      },
      { cacheKeyFn: (k) => `${k.affiliateId}|${k.status}|${k.limit}` },
    ),
  };
}

import DataLoader from "dataloader";
import type { Database } from "../db/client.js";
import { affiliateAggregates, affiliateMonths, type AffiliateAggregates, type AffiliateMonth, type StatsWindow } from "./affiliate-stats.repository.js";
import { groupLoader, rowLoader } from "../common/loader.js";
import { findAffiliatesByCustomerIds, findAffiliatesByIds, findApiKeysByAffiliateIds } from "./affiliate.repository.js";

export interface StatsKey {
  affiliateId: string;
  window: StatsWindow;
}

export function createAffiliateLoaders(db: Database, now: Date) {
  const windowKey = (w: StatsWindow) => `${w.from?.toISOString() ?? ""}|${w.to.toISOString()}`;
  return {
    /** The raw figures behind Affiliate.stats: two statements per distinct window in the request. */
    statsInputsByAffiliate: new DataLoader<StatsKey, { aggregates: AffiliateAggregates; months: AffiliateMonth[] }, string>(
      async (keys) => {
        const result = new Map<string, { aggregates: AffiliateAggregates; months: AffiliateMonth[] }>();
        const windows = new Map<string, StatsKey[]>();
        for (const key of keys) windows.set(windowKey(key.window), [...(windows.get(windowKey(key.window)) ?? []), key]);
        for (const [wk, group] of windows) {
          const ids = [...new Set(group.map((k) => k.affiliateId))];
          const [aggregates, months] = await Promise.all([
            affiliateAggregates(db, ids, group[0]!.window),
            affiliateMonths(db, ids, group[0]!.window, now),
          ]);
          for (const a of aggregates) result.set(`${a.affiliateId}|${wk}`, { aggregates: a, months: months.filter((m) => m.affiliateId === a.affiliateId) });
        }
        return keys.map((k) => result.get(`${k.affiliateId}|${windowKey(k.window)}`)!);
      },
      { cacheKeyFn: (k) => `${k.affiliateId}|${windowKey(k.window)}` },
    ),
    affiliateById: rowLoader((ids: readonly string[]) => findAffiliatesByIds(db, ids), (row) => row.id),
    affiliateByCustomerId: rowLoader(
      (ids: readonly string[]) => findAffiliatesByCustomerIds(db, ids),
      (row) => row.customerId!,
    ),
    apiKeysByAffiliateId: groupLoader((ids: readonly string[]) => findApiKeysByAffiliateIds(db, ids), (row) => row.affiliateId),
  };
}

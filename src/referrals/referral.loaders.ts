import DataLoader from "dataloader";
import type { Database } from "../db/client.js";
import { rowLoader } from "../common/loader.js";
import { countReferralsByAffiliate, findReferralPages, findReferringAffiliates, type ReferralRow } from "./referral.repository.js";

export interface ReferralPageKey {
  affiliateId: string;
  first: number;
  afterId: string | null;
}

export function createReferralLoaders(db: Database) {
  return {
    referringAffiliateByCustomerId: rowLoader(
      (ids: readonly string[]) => findReferringAffiliates(db, ids),
      (row) => row.referredCustomerId,
    ),
    /** Pages of Affiliate.referrals: one statement per distinct (first, after) in the request. */
    referralPageByAffiliate: new DataLoader<ReferralPageKey, ReferralRow[], string>(
      async (keys) => {
        const groups = new Map<string, ReferralPageKey[]>();
        for (const key of keys) {
          const group = `${key.first}|${key.afterId ?? ""}`;
          groups.set(group, [...(groups.get(group) ?? []), key]);
        }
        const rowsByKey = new Map<string, ReferralRow[]>();
        for (const group of groups.values()) {
          const { first, afterId } = group[0]!;
          const rows = await findReferralPages(db, [...new Set(group.map((k) => k.affiliateId))], afterId, first + 1);
          for (const row of rows) {
            const key = `${row.affiliateId}|${first}|${afterId ?? ""}`;
            rowsByKey.set(key, [...(rowsByKey.get(key) ?? []), row]);
          }
        }
        return keys.map((k) => rowsByKey.get(`${k.affiliateId}|${k.first}|${k.afterId ?? ""}`) ?? []);
      },
      { cacheKeyFn: (k) => `${k.affiliateId}|${k.first}|${k.afterId ?? ""}` },
    ),
    referralCountByAffiliate: new DataLoader<string, number>(async (ids) => {
      const counts = new Map((await countReferralsByAffiliate(db, ids)).map((r) => [r.affiliateId, r.n]));
      return ids.map((id) => counts.get(id) ?? 0);
    }),
  };
}

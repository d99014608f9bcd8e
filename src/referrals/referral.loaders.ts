import DataLoader from "dataloader";
import type { Database } from "../db/client.js";
import { pageLoader, rowLoader } from "../common/loader.js";
import { countReferralsByAffiliate, findReferralPages, findReferringAffiliates, type ReferralRow } from "./referral.repository.js";

export function createReferralLoaders(db: Database) {
  return {
    referringAffiliateByCustomerId: rowLoader(
      (ids: readonly string[]) => findReferringAffiliates(db, ids),
      (row) => row.referredCustomerId,
    ),
    /** Pages of Affiliate.referrals, keyed by affiliate. */
    referralPageByAffiliate: pageLoader<ReferralRow>(async (affiliateIds, afterId, limit) => {
      const pages = new Map<string, ReferralRow[]>();
      for (const row of await findReferralPages(db, affiliateIds, afterId, limit)) {
        pages.set(row.affiliateId, [...(pages.get(row.affiliateId) ?? []), row]);
      }
      return pages;
    }),
    referralCountByAffiliate: new DataLoader<string, number>(async (ids) => {
      const counts = new Map((await countReferralsByAffiliate(db, ids)).map((r) => [r.affiliateId, r.n]));
      return ids.map((id) => counts.get(id) ?? 0);
    }),
  };
}

import { and, count, eq, inArray, lte, max, sql } from "drizzle-orm";
import { getTableColumns } from "drizzle-orm";
import type { Executor } from "../db/client.js";
import { affiliates, referralVisits, referrals } from "../db/schema/index.js";

export type ReferralRow = typeof referrals.$inferSelect;

export async function findReferralByCustomerId(ex: Executor, customerId: string): Promise<ReferralRow | undefined> {
  const [row] = await ex.select().from(referrals).where(eq(referrals.customerId, customerId));
  return row;
}

/** The affiliate that referred each customer, in one join (Customer.referredBy). */
export const findReferringAffiliates = (ex: Executor, customerIds: readonly string[]) =>
  ex
    .select({ ...getTableColumns(affiliates), referredCustomerId: referrals.customerId })
    .from(referrals)
    .innerJoin(affiliates, eq(affiliates.id, referrals.affiliateId))
    .where(inArray(referrals.customerId, [...customerIds]));

/**
 * One page of referrals for each of several affiliates, in one statement: a window function
 * numbers each affiliate's referrals in id order and keeps the first `limit`.
 */
export async function findReferralPages(
  ex: Executor,
  affiliateIds: readonly string[],
  afterId: string | null,
  limit: number,
): Promise<ReferralRow[]> {
  const ranked = ex
    .select({
      ...getTableColumns(referrals),
      rank: sql<number>`row_number() over (partition by ${referrals.affiliateId} order by ${referrals.id})`.as("rank"),
    })
    .from(referrals)
    .where(
      afterId
        ? sql`${inArray(referrals.affiliateId, [...affiliateIds])} and ${referrals.id} > ${afterId}`
        : inArray(referrals.affiliateId, [...affiliateIds]),
    )
    .as("ranked");
  const rows = await ex
    .select()
    .from(ranked)
    .where(sql`${ranked.rank} <= ${limit}`)
    .orderBy(ranked.affiliateId, ranked.id);
  return rows.map(({ rank: _rank, ...row }) => row);
}

export const countReferralsByAffiliate = (ex: Executor, affiliateIds: readonly string[]) =>
  ex
    .select({ affiliateId: referrals.affiliateId, n: count() })
    .from(referrals)
    .where(inArray(referrals.affiliateId, [...affiliateIds]))
    .groupBy(referrals.affiliateId);

/**
 * The visitor's last visit of the affiliate at or before a moment; null when none. One probe of
 * referral_visits_affiliate_visitor_day_key (affiliate, visitor lead it).
 */
export async function findLastVisitAt(ex: Executor, affiliateId: string, visitorId: string, atOrBefore: Date): Promise<Date | null> {
  const [row] = await ex
    .select({ at: max(referralVisits.at) })
    .from(referralVisits)
    .where(and(eq(referralVisits.affiliateId, affiliateId), eq(referralVisits.visitorId, visitorId), lte(referralVisits.at, atOrBefore)));
  return row?.at ?? null;
}

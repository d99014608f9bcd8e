import { and, asc, count, desc, eq, gte, inArray, lte, max, sql } from "drizzle-orm";
import { getTableColumns } from "drizzle-orm";
import type { Executor } from "../db/client.js";
import { affiliates, referralVisits, referrals } from "../db/schema/index.js";

export type ReferralRow = typeof referrals.$inferSelect;

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

/** The customer's referral, if any, with its affiliate's code. */
export async function findReferralWithCode(ex: Executor, customerId: string): Promise<{ referral: ReferralRow; affiliateCode: string } | undefined> {
  const [row] = await ex
    .select({ referral: referrals, affiliateCode: affiliates.code })
    .from(referrals)
    .innerJoin(affiliates, eq(affiliates.id, referrals.affiliateId))
    .where(eq(referrals.customerId, customerId));
  return row;
}

export interface QualifyingVisit {
  at: Date;
  affiliateId: string;
  affiliateCode: string;
  /** The customer the visit's affiliate is, if any (a self-referral when it is the converting one). */
  affiliateCustomerId: string | null;
}

/**
 * The visitor's latest (`latest`) or earliest visit in [from, to], of any affiliate, with that
 * affiliate; undefined when none. One probe of referral_visits_visitor_at_idx.
 */
export async function findVisitInWindow(ex: Executor, visitorId: string, from: Date, to: Date, latest: boolean): Promise<QualifyingVisit | undefined> {
  const [row] = await ex
    .select({ at: referralVisits.at, affiliateId: affiliates.id, affiliateCode: affiliates.code, affiliateCustomerId: affiliates.customerId })
    .from(referralVisits)
    .innerJoin(affiliates, eq(affiliates.id, referralVisits.affiliateId))
    .where(and(eq(referralVisits.visitorId, visitorId), gte(referralVisits.at, from), lte(referralVisits.at, to)))
    // Two visits at the same instant (two affiliates' links in one page view): the id decides, so the answer is stable.
    .orderBy(...(latest ? [desc(referralVisits.at), desc(referralVisits.id)] : [asc(referralVisits.at), asc(referralVisits.id)]))
    .limit(1);
  return row;
}

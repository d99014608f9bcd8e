import { count, eq, inArray, sql } from "drizzle-orm";
import { getTableColumns } from "drizzle-orm";
import type { Executor } from "../db/client.js";
import { affiliates, referrals } from "../db/schema/index.js";

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

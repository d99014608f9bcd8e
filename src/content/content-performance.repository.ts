import { sql } from "drizzle-orm";
import { queryRows, type Executor } from "../db/client.js";

export interface ContentPerformanceRow {
  assetId: string;
  impressions: number;
  referredCustomers: number;
  retainedCustomers: number;
}

/** A referral counts for an asset shown on the same affiliate's pages this many days before it. */
export const INFLUENCE_DAYS = 30;

/**
 * Per content asset, over a window of days: how often landing pages showed it, how many
 * customers the affiliates whose pages showed it referred within 30 days after (the visitor is
 * not tracked per impression, so "after seeing it" is per affiliate and day), and how many of
 * those are still customers. Most shown first. One statement.
 */
export async function contentPerformance(ex: Executor, from: string, to: string, limit: number): Promise<ContentPerformanceRow[]> {
  const rows = await queryRows<Record<string, string | number>>(
    ex,
    sql`
    with shown as (
      select i.asset_id, i.affiliate_id, i.day, i.impressions
        from content_impressions i
       where i.day >= ${from}::date and i.day < ${to}::date
    ),
    influenced as (
      select distinct s.asset_id, r.customer_id, c.status
        from shown s
        join referrals r on r.affiliate_id = s.affiliate_id
         and r.referred_at >= s.day and r.referred_at < s.day + ${INFLUENCE_DAYS}::int
        join customers c on c.id = r.customer_id
    )
    select t.asset_id, t.impressions,
           coalesce(f.referred, 0) as referred, coalesce(f.retained, 0) as retained
      from (select asset_id, sum(impressions)::int as impressions from shown group by asset_id) t
      left join (select asset_id, count(*)::int as referred, (count(*) filter (where status <> 'CHURNED'))::int as retained
                   from influenced group by asset_id) f on f.asset_id = t.asset_id
     order by t.impressions desc, t.asset_id
     limit ${limit}`,
  );
  return rows.map((r) => ({
    assetId: String(r.asset_id),
    impressions: Number(r.impressions),
    referredCustomers: Number(r.referred),
    retainedCustomers: Number(r.retained),
  }));
}

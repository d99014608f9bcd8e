import { sql } from "drizzle-orm";
import { queryRows, type Executor } from "../db/client.js";

export interface ContentPerformanceRow {
  assetId: string;
  impressions: number;
  referredCustomers: number;
  retainedCustomers: number;
}

/**
 * Per content asset, over a window of UTC days: how often landing pages showed it, how many
 * customers were referred after it was shown, and how many of those are still customers. Most
 * shown first. One statement.
 *
 * Attribution: the visitor is not tracked per impression, so a referral is credited to the assets
 * shown on its affiliate's pages before it: an asset is credited with a referral when its last
 * impression on that affiliate's pages at or before the referral's time is at most `windowDays`
 * (ATTRIBUTION_WINDOW_DAYS) before it. A referral made before any impression of the asset is
 * never credited to it, not even on the same day. Impressions are stored per (asset, affiliate,
 * niche, UTC day) with the times of the day's first and last one, which decide this exactly: a
 * row credits a referral made at or after its first impression and at most `windowDays` after
 * its last (a referral between the two followed an impression of that day by under a day).
 * Only impressions in the window count; the referrals they are credited with may come after it.
 */
export async function contentPerformance(
  ex: Executor,
  range: { from: string; to: string },
  windowDays: number,
  limit: number,
): Promise<ContentPerformanceRow[]> {
  const rows = await queryRows<Record<string, string | number>>(
    ex,
    sql`
    with shown as (
      select i.asset_id, i.affiliate_id, i.impressions, i.first_shown_at, i.last_shown_at
        from content_impressions i
       where i.day >= ${range.from}::date and i.day < ${range.to}::date
    ),
    influenced as (
      select distinct s.asset_id, r.customer_id, c.status
        from shown s
        join referrals r on r.affiliate_id = s.affiliate_id
         and r.referred_at >= s.first_shown_at
         and r.referred_at <= s.last_shown_at + ${windowDays}::int * interval '24 hours'
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

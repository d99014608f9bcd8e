import { sql } from "drizzle-orm";
import { queryRows, type Executor } from "../db/client.js";

export interface ContentPerformanceRow {
  assetId: string;
  impressions: number;
  /** Referral visits in the window that arrived through a link naming the asset (`content=`). */
  visits: number;
  referredCustomers: number;
  /** Of referredCustomers, those whose visitor arrived through a link naming the asset. */
  referredFromVisits: number;
  retainedCustomers: number;
}

/**
 * Per content asset, over a window of UTC days: how often landing pages showed it, how many
 * visits its materials-kit links brought, how many customers were referred after it, and how many
 * of those are still customers. Most shown first. One statement.
 *
 * Two ways credit a referral to an asset, and a customer counts once:
 * - The visitor came through the asset's link: a referral naming a visitor (attributeReferral's
 *   visitorId) whose visit of that affiliate, in the window, named the asset, made at most
 *   `windowDays` (ATTRIBUTION_WINDOW_DAYS) after that visit.
 * - The asset was shown on the affiliate's pages: impressions carry no visitor, so a referral is
 *   credited to the assets shown on its affiliate's pages before it, when the asset's last
 *   impression there at or before the referral is at most `windowDays` before it. A referral made
 *   before any impression of the asset is never credited to it, not even on the same day.
 *   Impressions are stored per (asset, affiliate, niche, UTC day) with the times of the day's
 *   first and last one, which decide this exactly: a row credits a referral made at or after its
 *   first impression and at most `windowDays` after its last.
 * Only impressions and visits in the window count; the referrals they are credited with may come
 * after it.
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
    arrived as (
      select v.content_asset_id as asset_id, v.affiliate_id, v.visitor_id, v.at
        from referral_visits v
       where v.content_asset_id is not null and v.visited_on >= ${range.from}::date and v.visited_on < ${range.to}::date
    ),
    by_visit as (
      select distinct a.asset_id, r.customer_id
        from arrived a
        join referrals r on r.affiliate_id = a.affiliate_id and r.visitor_id = a.visitor_id
         and r.referred_at >= a.at
         and r.referred_at <= a.at + ${windowDays}::int * interval '24 hours'
    ),
    influenced as (
      select x.asset_id, x.customer_id, c.status
        from (
          select s.asset_id, r.customer_id
            from shown s
            join referrals r on r.affiliate_id = s.affiliate_id
             and r.referred_at >= s.first_shown_at
             and r.referred_at <= s.last_shown_at + ${windowDays}::int * interval '24 hours'
          union
          select asset_id, customer_id from by_visit
        ) x
        join customers c on c.id = x.customer_id
    )
    select ids.asset_id, coalesce(t.impressions, 0) as impressions, coalesce(av.visits, 0) as visits,
           coalesce(f.referred, 0) as referred, coalesce(f.retained, 0) as retained,
           coalesce(bv.referred, 0) as referred_from_visits
      from (select asset_id from shown union select asset_id from arrived) ids
      left join (select asset_id, sum(impressions)::int as impressions from shown group by asset_id) t on t.asset_id = ids.asset_id
      left join (select asset_id, count(*)::int as visits from arrived group by asset_id) av on av.asset_id = ids.asset_id
      left join (select asset_id, count(*)::int as referred, (count(*) filter (where status <> 'CHURNED'))::int as retained
                   from influenced group by asset_id) f on f.asset_id = ids.asset_id
      left join (select asset_id, count(*)::int as referred from by_visit group by asset_id) bv on bv.asset_id = ids.asset_id
     order by impressions desc, visits desc, ids.asset_id
     limit ${limit}`,
  );
  return rows.map((r) => ({
    assetId: String(r.asset_id),
    impressions: Number(r.impressions),
    visits: Number(r.visits),
    referredCustomers: Number(r.referred),
    referredFromVisits: Number(r.referred_from_visits),
    retainedCustomers: Number(r.retained),
  }));
}

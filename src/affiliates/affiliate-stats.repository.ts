import { sql } from "drizzle-orm";
import { pgArrayLiteral } from "../db/arrays.js";
import { queryRows, type Executor } from "../db/client.js";
import { earnedBetween, revenueSegments } from "../customers/billing-periods.js";

export interface StatsWindow {
  /** Inclusive; null: since the beginning. */
  from: Date | null;
  /** Exclusive. */
  to: Date;
}

export interface AffiliateAggregates {
  affiliateId: string;
  visitors: number;
  referred: number;
  active: number;
  churned: number;
  /** Referred customers that churned within 90 days of signing up. */
  earlyChurned: number;
  averageLifetimeValueCents: number | null;
  averageHealthScore: number | null;
}

export interface AffiliateMonth {
  affiliateId: string;
  month: Date;
  visitors: number;
  referred: number;
  churned: number;
  /** Customers this affiliate had referred and that were still customers when the month began. */
  activeAtStart: number;
  /** Not rounded: whole cents are taken once, on the total or the shown figure. */
  revenueCents: number;
}

const ids = (affiliateIds: readonly string[]) => sql`${pgArrayLiteral(affiliateIds)}::uuid[]`;
const iso = (d: Date | null) => (d ? d.toISOString() : null);

/**
 * Per affiliate, over the customers it referred within the window: counts, mean LTV (stored
 * scores) and mean health of the active ones, and the distinct visitors of its landing pages.
 * One statement for a whole batch of affiliates; reads the (affiliate_id, at|referred_at) indexes.
 */
export async function affiliateAggregates(ex: Executor, affiliateIds: readonly string[], window: StatsWindow): Promise<AffiliateAggregates[]> {
  const rows = await queryRows<Record<string, string | number | null>>(
    ex,
    sql`
    with a as (select unnest(${ids(affiliateIds)}) as affiliate_id)
    select a.affiliate_id,
      (select count(distinct v.visitor_id)::int from referral_visits v
        where v.affiliate_id = a.affiliate_id and v.at >= coalesce(${iso(window.from)}::timestamptz, '-infinity') and v.at < ${iso(window.to)}::timestamptz) as visitors,
      count(r.customer_id)::int as referred,
      (count(r.customer_id) filter (where c.status <> 'CHURNED'))::int as active,
      (count(r.customer_id) filter (where c.status = 'CHURNED'))::int as churned,
      (count(r.customer_id) filter (where c.churned_at < c.signed_up_at + interval '90 days'))::int as early_churned,
      avg(s.lifetime_value_cents)::float8 as average_ltv,
      (avg(s.health_score) filter (where c.status <> 'CHURNED'))::float8 as average_health
    from a
    left join referrals r on r.affiliate_id = a.affiliate_id
      and r.referred_at >= coalesce(${iso(window.from)}::timestamptz, '-infinity') and r.referred_at < ${iso(window.to)}::timestamptz
    left join customers c on c.id = r.customer_id
    left join customer_scores s on s.customer_id = r.customer_id
    group by a.affiliate_id`,
  );
  return rows.map((r) => ({
    affiliateId: String(r.affiliate_id),
    visitors: Number(r.visitors),
    referred: Number(r.referred),
    active: Number(r.active),
    churned: Number(r.churned),
    earlyChurned: Number(r.early_churned),
    averageLifetimeValueCents: r.average_ltv === null ? null : Number(r.average_ltv),
    averageHealthScore: r.average_health === null ? null : Number(r.average_health),
  }));
}

/**
 * The calendar months (UTC) of the window, per affiliate, from its first referral when the
 * window has no start: distinct visitors, referrals, churns and customers active at the month's
 * start among all customers it ever referred, and the revenue those customers paid within the
 * month and the window (their payments by paid_at, else their billing periods' MRR pro rata, a
 * month being 30.4375 days: billing-periods.ts, the rule lifetime value and the ledger read).
 */
export async function affiliateMonths(ex: Executor, affiliateIds: readonly string[], window: StatsWindow, now: Date): Promise<AffiliateMonth[]> {
  const rows = await queryRows<Record<string, string | number | Date>>(
    ex,
    sql`
    with a as (select unnest(${ids(affiliateIds)}) as affiliate_id),
    w as (select coalesce(${iso(window.from)}::timestamptz, '-infinity') as w_from, ${iso(window.to)}::timestamptz as w_to),
    refd as (
      select r.affiliate_id, r.customer_id, r.referred_at, c.churned_at
        from referrals r join customers c on c.id = r.customer_id
       where r.affiliate_id = any(${ids(affiliateIds)})
    ),
    months as (
      select a.affiliate_id, m as m_start, m + interval '1 month' as m_end
        from a, w,
        -- greatest() skips NULLs: with no referral and no window start this must be NULL, not -infinity.
        lateral (select date_trunc('month', nullif(greatest(w.w_from, coalesce((select min(referred_at) from refd
                   where refd.affiliate_id = a.affiliate_id), w.w_from)), '-infinity')) as first_month) f,
        lateral generate_series(f.first_month, w.w_to - interval '1 microsecond', interval '1 month') as m
       where f.first_month is not null
    ),
    -- Counts per (affiliate, month), each table read once: referrals (all of them, and those in
    -- the window), churns, and distinct visitors in the window (the (affiliate_id, at) index).
    referred_in as (
      select refd.affiliate_id, date_trunc('month', refd.referred_at) as m, count(*) as n_all,
             count(*) filter (where refd.referred_at >= w.w_from and refd.referred_at < w.w_to) as n_window
        from refd, w group by 1, 2
    ),
    churned_in as (
      select affiliate_id, date_trunc('month', churned_at) as m, count(*) as n
        from refd where churned_at is not null group by 1, 2
    ),
    visitors_in as (
      select v.affiliate_id, date_trunc('month', v.at) as m, count(distinct v.visitor_id) as n
        from referral_visits v, w
       where v.affiliate_id = any(${ids(affiliateIds)}) and v.at >= w.w_from and v.at < w.w_to
       group by 1, 2
    ),
    -- Referred and churned before each affiliate's first month: where its running count starts.
    opening as (
      select f.affiliate_id,
             count(refd.customer_id) filter (where refd.referred_at < f.first_month)
           - count(refd.customer_id) filter (where refd.churned_at < f.first_month) as active
        from (select affiliate_id, min(m_start) as first_month from months group by affiliate_id) f
        left join refd on refd.affiliate_id = f.affiliate_id
       group by f.affiliate_id
    ),
    segments as (
      select refd.affiliate_id, b.*
        from (${revenueSegments(sql`p.customer_id in (select customer_id from refd)`, sql`${now.toISOString()}::timestamptz`)}) b
        join refd on refd.customer_id = b.customer_id
    ),
    revenue as (
      select months.affiliate_id, months.m_start,
             sum(${earnedBetween(sql`greatest(months.m_start, w.w_from)`, sql`least(months.m_end, w.w_to)`)})::float8 as cents
        from months, w, segments s
       where s.affiliate_id = months.affiliate_id
         and least(s.s_to, months.m_end, w.w_to) > greatest(s.s_from, months.m_start, w.w_from)
       group by months.affiliate_id, months.m_start
    )
    select months.affiliate_id, months.m_start as month,
      coalesce(vi.n, 0)::int as visitors,
      coalesce(ri.n_window, 0)::int as referred,
      coalesce(ci.n, 0)::int as churned,
      (opening.active + coalesce(sum(coalesce(ri.n_all, 0) - coalesce(ci.n, 0)) over (
         partition by months.affiliate_id order by months.m_start rows between unbounded preceding and 1 preceding), 0))::int as active_at_start,
      coalesce(revenue.cents, 0) as revenue_cents
    from months
    join opening on opening.affiliate_id = months.affiliate_id
    left join referred_in ri on ri.affiliate_id = months.affiliate_id and ri.m = months.m_start
    left join churned_in ci on ci.affiliate_id = months.affiliate_id and ci.m = months.m_start
    left join visitors_in vi on vi.affiliate_id = months.affiliate_id and vi.m = months.m_start
    left join revenue on revenue.affiliate_id = months.affiliate_id and revenue.m_start = months.m_start
    order by months.affiliate_id, months.m_start`,
  );
  return rows.map((r) => ({
    affiliateId: String(r.affiliate_id),
    month: new Date(r.month as string),
    visitors: Number(r.visitors),
    referred: Number(r.referred),
    churned: Number(r.churned),
    activeAtStart: Number(r.active_at_start),
    revenueCents: Number(r.revenue_cents),
  }));
}

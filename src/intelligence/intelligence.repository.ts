import { and, desc, eq, getTableColumns, isNull, ne, notExists, sql } from "drizzle-orm";
import { queryRows, type Executor } from "../db/client.js";
import { affiliates, customerScores, customers, referrals } from "../db/schema/index.js";

const scoresJoin = eq(customerScores.customerId, customers.id);

/** Live customers by advocacy, best first; reads the advocacy index and stops at `limit`. */
export function topCustomers(ex: Executor, limit: number, niche: string | null) {
  return ex
    .select(getTableColumns(customers))
    .from(customerScores)
    .innerJoin(customers, scoresJoin)
    .where(and(ne(customers.status, "CHURNED"), isNull(customers.erasedAt), niche ? eq(customers.niche, niche) : undefined))
    .orderBy(desc(customerScores.advocacyScore), customerScores.customerId)
    .limit(limit);
}

/** Successful customers that are not affiliates yet, best advocates first. */
export function affiliateCandidates(ex: Executor, limit: number) {
  return ex
    .select(getTableColumns(customers))
    .from(customerScores)
    .innerJoin(customers, scoresJoin)
    .where(
      and(
        eq(customerScores.successful, true),
        eq(customers.status, "ACTIVE"),
        isNull(customers.erasedAt),
        notExists(ex.select({ one: sql`1` }).from(affiliates).where(eq(affiliates.customerId, customers.id))),
      ),
    )
    .orderBy(desc(customerScores.advocacyScore), customerScores.customerId)
    .limit(limit);
}

export interface PatternRow {
  attribute: string;
  value: string;
  customers: number;
  successful: number;
}

/**
 * Customers and successful customers per attribute value, over the customers old enough to be
 * judged (signed up before `judgedBefore`), in one pass: each customer contributes one row per
 * attribute through a lateral VALUES list. Also returns the totals as attribute '*'.
 */
export async function patternCounts(ex: Executor, judgedBefore: Date): Promise<PatternRow[]> {
  const rows = await queryRows<{ attribute: string; value: string; customers: number | string; successful: number | string }>(
    ex,
    sql`
    with judged as (
      select c.acquisition_channel, c.niche, c.plan, coalesce(s.successful, false) as successful,
        (select a.code from ${referrals} r join ${affiliates} a on a.id = r.affiliate_id where r.customer_id = c.id) as affiliate_code,
        case when s.usage_ratio is null then null when s.usage_ratio < 0.3 then 'low (<30% of seats)'
             when s.usage_ratio < 0.7 then 'medium (30-70% of seats)' else 'high (70%+ of seats)' end as usage_band,
        -- The product activity of the first 30 days, from the rollups the success milestones read.
        (select case when coalesce(sum(a.events), 0) = 0 then 'none' when sum(a.events) < 100 then '1-99 events'
                     when sum(a.events) < 1000 then '100-999 events' else '1,000+ events' end
           from product_activity_daily a
          where a.customer_id = c.id and a.day::timestamp at time zone 'UTC' < c.signed_up_at + interval '30 days') as first_month_activity
      from ${customers} c left join ${customerScores} s on s.customer_id = c.id
      where c.signed_up_at <= ${judgedBefore.toISOString()}::timestamptz
    )
    select v.attribute, v.value, count(*)::int as customers, count(*) filter (where j.successful)::int as successful
      from judged j,
      lateral (values ('acquisitionChannel', j.acquisition_channel), ('niche', j.niche), ('plan', j.plan),
                      ('referringAffiliate', j.affiliate_code), ('usageBand', j.usage_band),
                      ('firstMonthActivity', j.first_month_activity)) as v(attribute, value)
     where v.value is not null
     group by v.attribute, v.value
    union all
    select '*', '*', count(*)::int, count(*) filter (where successful)::int from judged`,
  );
  return rows.map((r) => ({ ...r, customers: Number(r.customers), successful: Number(r.successful) }));
}

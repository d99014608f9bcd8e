import { and, asc, desc, eq, inArray, sql, type SQL } from "drizzle-orm";
import { equalsOrAll } from "../db/filters.js";
import { pgArrayLiteral } from "../db/arrays.js";
import { queryRows, type Executor } from "../db/client.js";
import { commissionEntries, payouts } from "../db/schema/index.js";
import { churnedAtMoment, earnedBetween, MONTH_SECONDS, revenueSegments } from "../customers/billing-periods.js";

export type CommissionEntryRow = typeof commissionEntries.$inferSelect;
export type PayoutRow = typeof payouts.$inferSelect;
export type CommissionStatusName = CommissionEntryRow["status"];

/** Seconds in a commission period (an average month of 30.4375 days). */
const PERIOD = sql.raw(String(MONTH_SECONDS));

/** The revenue segments of the customers of the CTE `periods` (customer_id), up to `now`: the CTE `segments`. */
export const periodSegments = (now: Date) => revenueSegments(sql`p.customer_id in (select customer_id from periods)`, sql`${now.toISOString()}::timestamptz`);

/**
 * What each row of the CTE `periods` (referral_id, period, customer_id, p_start, p_end) was paid
 * by the CTE `segments`, in whole cents rounded down: (referral_id, period, cents, waiting,
 * refunded). waiting: a payment in it has no exchange rate yet (its commission waits);
 * refunded: a payment in it was refunded (in part or in full).
 */
export const PERIOD_REVENUE = sql`
      select periods.referral_id, periods.period,
             floor(coalesce(sum(${earnedBetween(sql`periods.p_start`, sql`periods.p_end`)}), 0) + 1e-6)::bigint as cents,
             coalesce(bool_or(s.waiting and s.s_from >= periods.p_start), false) as waiting,
             coalesce(bool_or(s.refunded and s.s_from >= periods.p_start), false) as refunded
        from periods
        left join segments s on s.customer_id = periods.customer_id and s.s_to > periods.p_start and s.s_from < periods.p_end
       group by periods.referral_id, periods.period`;

/** An entry's commission (as entryAmountCents): PERCENT of the revenue rounded down, or the FLAT amount. */
export const entryAmount = (type: SQL, rate: SQL, revenue: SQL) =>
  sql`(case when ${type} = 'PERCENT' then floor(${revenue} * round(${rate} * 100) / 10000)::bigint else round(${rate})::bigint end)`;

/**
 * Accrues every closed commission period that has no entry yet, in one statement: for each
 * referral (of one affiliate, or all), the periods after its last entry whose end is past, up to
 * the plan's months (PERCENT) or the first paying period (FLAT, once per referral), none starting
 * after the churn the customer is in, none from a period waiting for an exchange rate on, none
 * that closed while the affiliate was suspended (affiliate_suspensions). A
 * period's revenue is what the customer paid in it (billing-periods.ts: its payments less
 * refunds by paid_at, else its billing periods pro rata, nothing while churned); its rate is the plan's value
 * or the tier reached by the affiliate's referred customers active at the period's end. Periods
 * that paid nothing get no entry. Idempotent: the (referral, period) key of ACCRUAL entries takes
 * each period once (late billing history adjusts it: commission.adjustments.ts).
 * Returns the entries added.
 */
export async function accrueCommissions(ex: Executor, now: Date, holdDays: number, affiliateId: string | null = null): Promise<number> {
  const rows = await queryRows<{ id: string }>(
    ex,
    sql`
    with refs as (
      select r.id as referral_id, r.affiliate_id, r.customer_id, r.referred_at, c.churned_at,
             f.commission_type::text as commission_type, f.commission_value, f.commission_months, f.commission_tiers,
             coalesce((select max(e.period) + 1 from commission_entries e where e.referral_id = r.id and e.period is not null), 0) as next_period,
             exists (select 1 from commission_entries e where e.referral_id = r.id and e.commission_type = 'FLAT') as has_flat
        from referrals r
        join customers c on c.id = r.customer_id
        join affiliates f on f.id = r.affiliate_id
       where ${equalsOrAll(sql`r.affiliate_id`, affiliateId, "uuid")}
         and r.referred_at < ${now.toISOString()}::timestamptz - interval '${PERIOD} seconds'
    ),
    periods as (
      select refs.*, k as period,
             refs.referred_at + k * interval '${PERIOD} seconds' as p_start,
             refs.referred_at + (k + 1) * interval '${PERIOD} seconds' as p_end,
             -- Closed while the affiliate was suspended: never accrues (still FLAT's first paying period).
             exists (select 1 from affiliate_suspensions s
                      where s.affiliate_id = refs.affiliate_id
                        and s.suspended_at <= refs.referred_at + (k + 1) * interval '${PERIOD} seconds'
                        and (s.reactivated_at is null or refs.referred_at + (k + 1) * interval '${PERIOD} seconds' < s.reactivated_at)) as suspended
        from refs,
        lateral generate_series(
          refs.next_period,
          least(floor(extract(epoch from ${now.toISOString()}::timestamptz - refs.referred_at) / ${PERIOD})::int,
                case when refs.commission_type = 'PERCENT' then coalesce(refs.commission_months, 2147483647) else 2147483647 end) - 1
        ) as k
       where not (refs.commission_type = 'FLAT' and refs.has_flat)
         and (refs.churned_at is null or refs.referred_at + k * interval '${PERIOD} seconds' < refs.churned_at)
    ),
    segments as (${periodSegments(now)}),
    revenue as (${PERIOD_REVENUE}),
    -- A period with a payment no exchange rate converts yet waits, and so do the later ones (accrual
    -- goes forward from a referral's last entry): they accrue at the run after the rate is recorded.
    waits as (select referral_id, min(period) as period from revenue where waiting group by referral_id),
    paying as (
      select periods.*, revenue.cents as revenue_cents,
             row_number() over (partition by periods.referral_id order by periods.period) as nth_paying
        from periods join revenue on revenue.referral_id = periods.referral_id and revenue.period = periods.period
        left join waits on waits.referral_id = periods.referral_id
       where revenue.cents > 0 and (waits.period is null or periods.period < waits.period)
    ),
    rated as (
      select paying.*,
             case when jsonb_array_length(paying.commission_tiers) = 0 then paying.commission_value
                  else coalesce((
                    select (t->>'value')::float8 from jsonb_array_elements(paying.commission_tiers) t
                     where (t->>'minActiveCustomers')::int <= (
                       select count(*) from referrals r2 join customers c2 on c2.id = r2.customer_id
                        where r2.affiliate_id = paying.affiliate_id and r2.referred_at < paying.p_end
                          and not ${churnedAtMoment("c2", sql`paying.p_end`)})
                     order by (t->>'minActiveCustomers')::int desc limit 1), paying.commission_value)
             end as rate
        from paying
       where (paying.commission_type = 'PERCENT' or paying.nth_paying = 1) and not paying.suspended
    )
    insert into commission_entries (affiliate_id, referral_id, customer_id, period, period_start, period_end,
                                    revenue_cents, commission_type, rate, amount_cents, hold_until)
    select affiliate_id, referral_id, customer_id, period, p_start, p_end, revenue_cents, commission_type, rate,
           ${entryAmount(sql`commission_type`, sql`rate`, sql`revenue_cents`)},
           p_end + make_interval(days => ${holdDays})
      from rated
    on conflict (referral_id, period) where kind = 'ACCRUAL' do nothing
    returning id`,
  );
  return rows.length;
}

/**
 * Clawback: PENDING entries of customers that churned before their hold ended become VOIDED,
 * with the reason (an adjustment only with its period's accrual). For one customer (in markChurned's transaction) or all.
 */
export async function voidChurnedPending(ex: Executor, now: Date, customerId: string | null = null): Promise<number> {
  const rows = await queryRows<{ id: string }>(
    ex,
    sql`
    update commission_entries e
       set status = 'VOIDED', voided_at = ${now.toISOString()}::timestamptz,
           void_reason = 'clawback: the customer churned on ' || to_char(c.churned_at at time zone 'UTC', 'YYYY-MM-DD') || ', inside the holding period'
      from customers c
     where c.id = e.customer_id and e.status = 'PENDING' and c.churned_at is not null and c.churned_at < e.hold_until
       and ${equalsOrAll(sql`e.customer_id`, customerId, "uuid")}
       -- A clawback is decided per period, on its accrual: adjustments go with it, and never
       -- alone (voiding one whose accrual stands would give back or take back history).
       and (e.kind = 'ACCRUAL' or exists (
             select 1 from commission_entries a
              where a.referral_id = e.referral_id and a.period_start = e.period_start and a.kind = 'ACCRUAL'
                and a.period is not null and a.status in ('PENDING', 'VOIDED')))
    returning e.id`,
  );
  return rows.length;
}

/** PENDING entries whose hold has ended become APPROVED (clawbacks run first, in the same transaction). */
export async function approveDue(ex: Executor, now: Date): Promise<number> {
  const rows = await queryRows<{ id: string }>(
    ex,
    sql`update commission_entries set status = 'APPROVED', approved_at = ${now.toISOString()}::timestamptz
         where status = 'PENDING' and hold_until <= ${now.toISOString()}::timestamptz
        returning id`,
  );
  return rows.length;
}

export interface CommissionBalanceRow {
  affiliateId: string;
  pendingCents: number;
  /** What a payout can pay: the APPROVED sum, never below 0; carriedCents is what it falls short of 0 by. */
  approvedCents: number;
  carriedCents: number;
  paidCents: number;
  voidedCents: number;
}

/** Sums by status for many affiliates: one statement. */
export async function balancesByAffiliateIds(ex: Executor, affiliateIds: readonly string[]): Promise<CommissionBalanceRow[]> {
  const rows = await queryRows<Record<string, string | number>>(
    ex,
    sql`
    select a.affiliate_id,
      coalesce(sum(e.amount_cents) filter (where e.status = 'PENDING'), 0)::bigint as pending,
      coalesce(sum(e.amount_cents) filter (where e.status = 'APPROVED'), 0)::bigint as approved,
      coalesce(sum(e.amount_cents) filter (where e.status = 'PAID'), 0)::bigint as paid,
      coalesce(sum(e.amount_cents) filter (where e.status = 'VOIDED'), 0)::bigint as voided
    from unnest(${pgArrayLiteral(affiliateIds)}::uuid[]) as a(affiliate_id)
    left join commission_entries e on e.affiliate_id = a.affiliate_id
    group by a.affiliate_id`,
  );
  return rows.map((r) => ({
    affiliateId: String(r.affiliate_id),
    pendingCents: Number(r.pending),
    approvedCents: Math.max(0, Number(r.approved)),
    carriedCents: Math.max(0, -Number(r.approved)),
    paidCents: Number(r.paid),
    voidedCents: Number(r.voided),
  }));
}

/** APPROVED entries of an affiliate, oldest first, locked for a payout. */
export function lockApproved(ex: Executor, affiliateId: string): Promise<CommissionEntryRow[]> {
  return ex
    .select()
    .from(commissionEntries)
    .where(and(eq(commissionEntries.affiliateId, affiliateId), eq(commissionEntries.status, "APPROVED")))
    .orderBy(asc(commissionEntries.periodEnd), asc(commissionEntries.id))
    .for("update");
}

export function listPayouts(ex: Executor, affiliateIds: readonly string[]): Promise<PayoutRow[]> {
  return ex.select().from(payouts).where(inArray(payouts.affiliateId, [...affiliateIds])).orderBy(desc(payouts.paidAt), desc(payouts.id));
}

export type CommissionEntryWithCustomer = CommissionEntryRow & { customerName: string };

/** The newest `limit` entries of each affiliate (optionally of one status) with the customer's name for masking: one statement a page. */
export async function latestEntries(ex: Executor, affiliateIds: readonly string[], status: CommissionStatusName | null, limit: number): Promise<CommissionEntryWithCustomer[]> {
  const rows = await queryRows<Record<string, unknown>>(
    ex,
    sql`
    select * from (
      select e.*, c.name as customer_name,
             row_number() over (partition by e.affiliate_id order by e.period_end desc, e.id desc) as nth
        from commission_entries e join customers c on c.id = e.customer_id
       where e.affiliate_id = any(${pgArrayLiteral(affiliateIds)}::uuid[])
         and ${equalsOrAll(sql`e.status`, status, "commission_status")}
    ) x where nth <= ${limit}
    order by affiliate_id, period_end desc, id desc`,
  );
  const date = (value: unknown) => (value == null ? null : new Date(value as string));
  return rows.map((r) => ({
    id: String(r.id),
    affiliateId: String(r.affiliate_id),
    referralId: String(r.referral_id),
    customerId: String(r.customer_id),
    period: r.period == null ? null : Number(r.period),
    periodStart: date(r.period_start)!,
    periodEnd: date(r.period_end)!,
    revenueCents: Number(r.revenue_cents),
    commissionType: String(r.commission_type),
    rate: Number(r.rate),
    amountCents: Number(r.amount_cents),
    kind: r.kind as CommissionEntryRow["kind"],
    reason: r.reason == null ? null : String(r.reason),
    status: r.status as CommissionStatusName,
    holdUntil: date(r.hold_until)!,
    approvedAt: date(r.approved_at),
    payoutId: r.payout_id == null ? null : String(r.payout_id),
    paidAt: date(r.paid_at),
    voidedAt: date(r.voided_at),
    voidReason: r.void_reason == null ? null : String(r.void_reason),
    splitFromId: r.split_from_id == null ? null : String(r.split_from_id),
    createdAt: date(r.created_at)!,
    customerName: String(r.customer_name),
  }));
}

export interface RecommendationAggregates {
  affiliateId: string | null;
  referred: number;
  averageMrrCents: number;
  averageRetentionCostCents: number;
}

/** Per affiliate (or, with null, over every referred customer): how many, their mean MRR and retention cost. */
export async function recommendationAggregates(ex: Executor, affiliateIds: readonly string[] | null): Promise<RecommendationAggregates[]> {
  const rows = await queryRows<Record<string, string | number | null>>(
    ex,
    affiliateIds
      ? sql`select r.affiliate_id, count(*)::int as referred, avg(c.mrr_cents)::float8 as mrr, avg(c.retention_cost_cents)::float8 as retention
              from referrals r join customers c on c.id = r.customer_id
             where r.affiliate_id = any(${pgArrayLiteral(affiliateIds)}::uuid[]) group by r.affiliate_id`
      : sql`select null as affiliate_id, count(*)::int as referred, coalesce(avg(c.mrr_cents), 0)::float8 as mrr, coalesce(avg(c.retention_cost_cents), 0)::float8 as retention
              from referrals r join customers c on c.id = r.customer_id`,
  );
  return rows.map((r) => ({
    affiliateId: r.affiliate_id == null ? null : String(r.affiliate_id),
    referred: Number(r.referred),
    averageMrrCents: Number(r.mrr ?? 0),
    averageRetentionCostCents: Number(r.retention ?? 0),
  }));
}

/**
 * The program's mean monthly churn rate over every referred customer, defined as for one
 * affiliate: per calendar month that began with active referred customers, churned in it ÷
 * active at its start, averaged.
 */
export async function programMonthlyChurnRate(ex: Executor, now: Date): Promise<number> {
  const [row] = await queryRows<{ rate: number | null }>(
    ex,
    sql`
    with refd as (select r.referred_at, c.churned_at from referrals r join customers c on c.id = r.customer_id),
    months as (
      select m, m + interval '1 month' as m_end
        from generate_series(date_trunc('month', (select min(referred_at) from refd)), ${now.toISOString()}::timestamptz - interval '1 microsecond', interval '1 month') as m
    ),
    rates as (
      select least(1, (count(*) filter (where refd.churned_at >= months.m and refd.churned_at < months.m_end))::float8
               / nullif(count(*) filter (where refd.referred_at < months.m and (refd.churned_at is null or refd.churned_at >= months.m)), 0)) as rate
        from months cross join refd
       group by months.m
    )
    select avg(rate)::float8 as rate from rates where rate is not null`,
  );
  return Number(row?.rate ?? 0);
}

import { sql } from "drizzle-orm";
import { equalsOrAll } from "../db/filters.js";
import { queryRows, type Executor } from "../db/client.js";
import { entryAmount, PERIOD_REVENUE, periodSegments } from "./commission.repository.js";

/**
 * Late billing history (README, "Late billing history"): a plan change, churn or re-activation
 * dated inside a period that has already accrued changes what the period earns. For each
 * accrued period (its ACCRUAL entry not voided by a clawback), the revenue is computed again as
 * accrual computes it (billing-periods.ts), at the accrual's own commission type and rate; where
 * it or the commission differs from what the period's entries (not voided, split parts
 * included) already hold, an ADJUSTMENT entry adds the difference, possibly negative, with the
 * reason and the accrual's hold (a refund's reason when a refund lowered it: after a payout, the
 * negative entry is netted from the next one). Entries are never rewritten, so the history stays readable, and
 * a period's entries then sum to what it earns: a second run adds nothing. Returns the entries added.
 */
const span = sql`to_char(p_start at time zone 'UTC', 'YYYY-MM-DD') || '..' || to_char(p_end at time zone 'UTC', 'YYYY-MM-DD')`;

export async function adjustAccruedPeriods(ex: Executor, now: Date, affiliateId: string | null = null): Promise<number> {
  const rows = await queryRows<{ id: string }>(
    ex,
    sql`
    with entered as (
      select e.referral_id, e.period_start, sum(e.revenue_cents)::bigint as revenue_cents, sum(e.amount_cents)::bigint as amount_cents
        from commission_entries e
       where e.status <> 'VOIDED' and ${equalsOrAll(sql`e.affiliate_id`, affiliateId, "uuid")}
       group by e.referral_id, e.period_start
    ),
    periods as (
      select a.affiliate_id, a.referral_id, a.customer_id, a.period, a.period_start as p_start, a.period_end as p_end,
             a.commission_type, a.rate, a.hold_until, en.revenue_cents as entered_revenue, en.amount_cents as entered_amount
        from commission_entries a
        join entered en on en.referral_id = a.referral_id and en.period_start = a.period_start
       where a.kind = 'ACCRUAL' and a.period is not null and a.status <> 'VOIDED'
    ),
    segments as (${periodSegments(now)}),
    revenue as (${PERIOD_REVENUE}),
    due as (
      select periods.*, revenue.cents as revenue_cents, revenue.refunded,
             ${entryAmount(sql`periods.commission_type`, sql`periods.rate`, sql`revenue.cents`)} as amount_cents
        from periods join revenue on revenue.referral_id = periods.referral_id and revenue.period = periods.period
       -- A payment no exchange rate converts yet: the period is adjusted once one does.
       where not revenue.waiting
    )
    insert into commission_entries (affiliate_id, referral_id, customer_id, period, period_start, period_end, revenue_cents,
                                    commission_type, rate, amount_cents, kind, reason, hold_until)
    select affiliate_id, referral_id, customer_id, period, p_start, p_end, revenue_cents - entered_revenue,
           commission_type, rate, amount_cents - entered_amount, 'ADJUSTMENT',
           case when refunded and revenue_cents < entered_revenue
                then 'refund: a payment of ' || ${span} || ' was refunded after the period accrued'
                else 'adjustment: billing history for ' || ${span} || ' changed after the period accrued (late billing history)' end
             || ': revenue ' || entered_revenue || ' -> ' || revenue_cents || ' cents, commission ' || entered_amount || ' -> ' || amount_cents || ' cents',
           hold_until
      from due
     where revenue_cents <> entered_revenue or amount_cents <> entered_amount
    returning id`,
  );
  return rows.length;
}

/**
 * A refund in full of a PENDING period (README, "Revenue and currency"): when the payments of a
 * period whose accrual is still PENDING have been refunded so that it earns nothing, its PENDING
 * entries are VOIDED with the reason, instead of an adjustment. Later periods are not touched;
 * an APPROVED or PAID period is adjusted (a negative entry) instead. Returns the entries voided.
 */
export async function voidRefundedPending(ex: Executor, now: Date, affiliateId: string | null = null): Promise<number> {
  const rows = await queryRows<{ id: string }>(
    ex,
    sql`
    with periods as (
      select a.referral_id, a.customer_id, a.period, a.period_start as p_start, a.period_end as p_end
        from commission_entries a
       where a.kind = 'ACCRUAL' and a.period is not null and a.status = 'PENDING'
         and ${equalsOrAll(sql`a.affiliate_id`, affiliateId, "uuid")}
         and exists (select 1 from payments x where x.customer_id = a.customer_id and x.refunded_cents > 0)
    ),
    segments as (${periodSegments(now)}),
    revenue as (${PERIOD_REVENUE}),
    refunded as (
      select periods.* from periods join revenue on revenue.referral_id = periods.referral_id and revenue.period = periods.period
       where revenue.refunded and not revenue.waiting and revenue.cents = 0
    )
    update commission_entries e
       set status = 'VOIDED', voided_at = ${now.toISOString()}::timestamptz,
           void_reason = 'refund: the payments of ' || to_char(r.p_start at time zone 'UTC', 'YYYY-MM-DD') || '..'
             || to_char(r.p_end at time zone 'UTC', 'YYYY-MM-DD') || ' were refunded in full'
      from refunded r
     where e.referral_id = r.referral_id and e.period_start = r.p_start and e.status = 'PENDING'
    returning e.id`,
  );
  return rows.length;
}

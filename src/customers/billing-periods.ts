import { sql, type SQL } from "drizzle-orm";
import { pgArrayLiteral } from "../db/arrays.js";
import { queryRows, type Executor } from "../db/client.js";

// Billing periods (README, "Figures shown on a customer"): a customer pays from a billing
// row (plan_changes) until the next one, its next churn, or the moment asked about. A churn ends
// the period; a re-activation starts a new one at its own date with a new billing row, and the
// churn stays in history (reactivations). A customer with payments earns those instead, from its
// first payment's period on (revenueSegments). Lifetime value, affiliate revenue and the
// commission ledger all read these fragments, so they cannot disagree.

/** Seconds in a billing month (30.4375 days): revenue is MRR pro rata, commission periods last one. */
export const MONTH_SECONDS = 2_629_800;

// A customer's churns are the one in force (customers.churned_at) and those a re-activation ended
// (reactivations, usually none): the fragments read both through the customers row `c` (an alias
// or table name of the enclosing query), without a union per row.

/** Whether the customer `c` was churned at `moment`: a churn began before it and had not ended by it. */
export const churnedAtMoment = (c: string, moment: SQL) => sql`(${churnInForceAt(c, moment)} or ${endedChurnAt(c, moment)})`;

const churnInForceAt = (c: string, moment: SQL) => sql`coalesce(${sql.raw(c)}.churned_at < ${moment}, false)`;
const endedChurnAt = (c: string, moment: SQL) =>
  sql`exists (select 1 from reactivations r where r.customer_id = ${sql.raw(c)}.id and r.churned_at < ${moment} and r.reactivated_at > ${moment})`;

/** The first churn of the customer `c` at or after `moment`; null: none. */
const nextChurn = (c: string, moment: SQL) =>
  sql`least(case when ${sql.raw(c)}.churned_at >= ${moment} then ${sql.raw(c)}.churned_at end,
            (select min(r.churned_at) from reactivations r where r.customer_id = ${sql.raw(c)}.id and r.churned_at >= ${moment}))`;

/** Whether the customer `c` churned at or after `moment` (its billing period ended after it). */
export const churnSince = (c: string, moment: SQL) => sql`(${nextChurn(c, moment)} is not null)`;

/**
 * The billing segments of the customers whose rows `where` keeps (it reads plan_changes as `p`,
 * customers as `c`), up to `until`: (customer_id, mrr_cents, s_from, s_to). A row pays from its
 * date until the next row, the first churn at or after it, or `until`; a row dated while the
 * customer was churned pays nothing. `until` may be a column of the enclosing query (lifetime
 * value as of a moment). (Two NOT conditions, not one NOT (a OR b): the planner makes the
 * second an anti-join.)
 */
export const billingSegments = (where: SQL, until: SQL) => sql`
  select p.customer_id, p.mrr_cents, p.at as s_from,
         least(coalesce(lead(p.at) over (partition by p.customer_id order by p.at, p.id), 'infinity'),
               coalesce(${nextChurn("c", sql`p.at`)}, 'infinity'), ${until}) as s_to
    from plan_changes p join customers c on c.id = p.customer_id
   where (${where}) and p.at < ${until} and not ${churnInForceAt("c", sql`p.at`)} and not ${endedChurnAt("c", sql`p.at`)}`;

/** What segment `s` paid from `from` to `to` (within it): its MRR pro rata, not rounded. */
export const paidBetween = (from: SQL, to: SQL) => sql`s.mrr_cents * extract(epoch from ${to} - ${from}) / ${sql.raw(`${MONTH_SECONDS}.0`)}`;

/** When a customer's revenue starts to come from its payments: its first payment's billing period (infinity: no payment). */
const paymentsSince = (customerId: SQL) => sql`coalesce((select min(x.period_start) from payments x where x.customer_id = ${customerId}), 'infinity')`;

/**
 * The revenue of the customers `where` keeps (it reads `p.customer_id`), up to `until`, as
 * segments (customer_id, mrr_cents, s_from, s_to, is_payment, paid_cents, waiting, refunded) that
 * earnedBetween reads. A customer's revenue is its payments (README, "Revenue and currency")
 * from its first payment's billing period on: each payment less its refunds, converted into the
 * program currency, counts whole at its paid_at (a segment of one microsecond, so a period
 * [from, to) holds it when from <= paid_at < to); paid_cents is null (waiting) while no
 * exchange rate converts it. Before that period, and for a customer without payments, the
 * billing segments' MRR pro rata (billingSegments): history from before payments were reported
 * stays as it was.
 */
export const revenueSegments = (where: SQL, until: SQL) => sql`
  select b.customer_id, b.mrr_cents, b.s_from, b.s_to, false as is_payment, null::numeric as paid_cents, false as waiting, false as refunded
    from (${billingSegments(where, sql`least(${until}, ${paymentsSince(sql`p.customer_id`)})`)}) b
  union all
  select p.customer_id, 0, p.paid_at, p.paid_at + interval '1 microsecond', true,
         (p.amount_cents - p.refunded_cents) * p.program_rate, p.program_rate is null, p.refunded_cents > 0
    from payments p
   where p.customer_id is not null and (${where}) and p.paid_at < ${until}`;

/** What revenue segment `s` earned from `from` to `to`, not rounded: a payment whole when paid inside, MRR pro rata over the overlap. */
export const earnedBetween = (from: SQL, to: SQL) => sql`(case when s.is_payment
      then case when s.s_from >= ${from} and s.s_from < ${to} then coalesce(s.paid_cents, 0) else 0 end
      else ${paidBetween(sql`greatest(s.s_from, ${from})`, sql`least(s.s_to, ${to})`)} end)`;

export interface ChurnPeriod {
  churnedAt: Date;
  /** Null: the churn still in force. */
  reactivatedAt: Date | null;
}

/** The churns of some customers, oldest first, in one statement. */
export async function churnPeriodsOf(ex: Executor, customerIds: readonly string[]): Promise<Map<string, ChurnPeriod[]>> {
  const rows = await queryRows<{ customer_id: string; churned_at: string | Date; reactivated_at: string | Date | null }>(
    ex,
    sql`select customer_id, churned_at, reactivated_at from reactivations where customer_id = any(${pgArrayLiteral(customerIds)}::uuid[])
        union all
        select id, churned_at, null from customers where id = any(${pgArrayLiteral(customerIds)}::uuid[]) and churned_at is not null
        order by 1, 2`,
  );
  const periods = new Map<string, ChurnPeriod[]>(customerIds.map((id) => [id, []]));
  for (const r of rows) {
    periods.get(r.customer_id)?.push({ churnedAt: new Date(r.churned_at), reactivatedAt: r.reactivated_at === null ? null : new Date(r.reactivated_at) });
  }
  return periods;
}

/** A refusal from the billing history: about the customer (its id field) or the event's date. */
export interface BillingRefusal {
  field: "customer" | "at";
  message: string;
}

const day = (d: Date) => d.toISOString().slice(0, 10);

/**
 * Why a plan change dated `at` cannot be stored, or null. Late history is history: a change
 * dated before a churn is stored whenever it arrives. One dated while the customer was churned
 * is refused: it paid nothing then (a re-activation starts billing again).
 */
export function planChangeRefusal(at: Date, churns: readonly ChurnPeriod[]): BillingRefusal | null {
  const churn = churns.find((h) => h.churnedAt <= at && (h.reactivatedAt === null || h.reactivatedAt > at));
  if (!churn) return null;
  if (churn.reactivatedAt === null) {
    return { field: "customer", message: `the customer has churned (on ${day(churn.churnedAt)}): a plan change dated after its churn needs a re-activation first` };
  }
  return { field: "at", message: `the customer was churned from ${day(churn.churnedAt)} until its re-activation on ${day(churn.reactivatedAt)}: nothing was billed then` };
}

/** Why a churn dated `at` cannot be stored, or null: one churn at a time, none before the latest re-activation. */
export function churnRefusal(at: Date, churns: readonly ChurnPeriod[]): BillingRefusal | null {
  if (churns.some((h) => h.reactivatedAt === null)) return { field: "customer", message: "the customer has already churned" };
  const reactivated = churns.reduce<Date | null>((last, h) => (last === null || h.reactivatedAt! > last ? h.reactivatedAt : last), null);
  if (reactivated !== null && at < reactivated) return { field: "at", message: `must not be before the customer's re-activation on ${reactivated.toISOString()}` };
  return null;
}

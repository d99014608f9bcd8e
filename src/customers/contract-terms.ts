import { sql, type SQL } from "drizzle-orm";
import { pgArrayLiteral } from "../db/arrays.js";
import { queryRows, type Executor } from "../db/client.js";
import { badInput } from "../common/errors.js";
import { churnedAtMoment } from "./billing-periods.js";

// Contract terms (README, "Contract terms"). A plan change may sign a term of termMonths months
// (plan_changes.term_months). The term in force at a moment is that of the latest plan change at
// or before it that carries one, unless a churn came between (a churn ends the term; a
// re-activation starts without one until a plan change signs one). A term starts at the first
// of the consecutive changes that carry it: a change without a term, or with the same one,
// continues it (an upgrade mid-contract renews on the contract's dates); a change to another
// term starts a new one at its date. It renews every termMonths months from its start
// (calendar months in UTC, each counted from the start: Jan 31 renews Feb 28, Mar 31, …),
// until a churn. Everything is read from the history, so the same SQL says what the term and
// the next renewal were at any past moment (the churn model's features) and are now.

export const TERM_MONTHS = [1, 3, 6, 12, 24, 36] as const;

/** A termMonths input, checked: null when absent; BAD_USER_INPUT naming `field` when not a term Advocate knows. */
export function termMonthsInput(field: string, value: number | null | undefined): number | null {
  if (value === null || value === undefined) return null;
  if (!(TERM_MONTHS as readonly number[]).includes(value)) throw badInput(field, `must be one of ${TERM_MONTHS.slice(0, -1).join(", ")} or 36 (months)`);
  return value;
}

/**
 * The contract term of the customer `customerId` at `moment` (both SQL expressions, e.g. columns
 * of an enclosing query): a subquery of at most one row (term_months, term_started_at,
 * renews_at), none when no term is in force then. renews_at is the first renewal strictly after
 * `moment`. Join it laterally: `left join lateral (${contractTermAt(sql`t.customer_id`,
 * sql`t.as_of`)}) term on true`; days to the renewal are
 * `extract(epoch from term.renews_at - t.as_of) / 86400`.
 */
export const contractTermAt = (customerId: SQL, moment: SQL) => sql`
  select l.term_months::int as term_months, f.started_at as term_started_at,
         (case when u.s0 + make_interval(months => q.k) > u.m0 then u.s0 + make_interval(months => q.k)
               else u.s0 + make_interval(months => q.k + l.term_months) end) at time zone 'UTC' as renews_at
    from customers c
   cross join lateral (select coalesce((select max(r.reactivated_at) from reactivations r where r.customer_id = c.id and r.reactivated_at <= ${moment}),
                                       '-infinity'::timestamptz) as since) b
   cross join lateral (select p.term_months, p.at from plan_changes p
                        where p.customer_id = c.id and p.term_months is not null and p.at <= ${moment} and p.at >= b.since
                        order by p.at desc, p.id desc limit 1) l
   cross join lateral (select min(s.at) as started_at from plan_changes s
                        where s.customer_id = c.id and s.term_months = l.term_months and s.at <= l.at and s.at >= b.since
                          and s.at > coalesce((select max(d.at) from plan_changes d where d.customer_id = c.id and d.term_months <> l.term_months
                                                  and d.at < l.at and d.at >= b.since), '-infinity'::timestamptz)) f
   cross join lateral (select f.started_at at time zone 'UTC' as s0, (${moment}) at time zone 'UTC' as m0) u
   cross join lateral (select ((floor((extract(year from age(u.m0, u.s0)) * 12 + extract(month from age(u.m0, u.s0))) / l.term_months) + 1)
                               * l.term_months)::int as k) q
   where c.id = ${customerId} and not ${churnedAtMoment("c", moment)}`;

export interface ContractTerm {
  customerId: string;
  asOf: Date;
  /** Null: no term in force then. */
  termMonths: number | null;
  termStartedAt: Date | null;
  /** The first renewal after asOf; null without a term. */
  renewsAt: Date | null;
}

/** The contract terms of many (customer, moment) pairs in one statement, in request order. */
export async function loadContractTerms(ex: Executor, requests: readonly { customerId: string; asOf: Date }[]): Promise<ContractTerm[]> {
  if (requests.length === 0) return [];
  const rows = await queryRows<{ n: number | string; term_months: number | null; term_started_at: string | Date | null; renews_at: string | Date | null }>(
    ex,
    sql`select t.n, term.term_months, term.term_started_at, term.renews_at
          from unnest(${pgArrayLiteral(requests.map((r) => r.customerId))}::uuid[], ${pgArrayLiteral(requests.map((r) => r.asOf))}::timestamptz[])
               with ordinality as t(customer_id, as_of, n)
          left join lateral (${contractTermAt(sql`t.customer_id`, sql`t.as_of`)}) term on true`,
  );
  const byIndex = new Map(rows.map((r) => [Number(r.n) - 1, r]));
  const date = (v: string | Date | null) => (v === null ? null : new Date(v));
  return requests.map((request, i) => {
    const row = byIndex.get(i);
    return {
      ...request,
      termMonths: row?.term_months ?? null,
      termStartedAt: date(row?.term_started_at ?? null),
      renewsAt: date(row?.renews_at ?? null),
    };
  });
}

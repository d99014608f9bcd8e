import { sql } from "drizzle-orm";
import { pgArrayLiteral } from "../db/arrays.js";
import { queryRows, type Executor } from "../db/client.js";
import { MILESTONE_WINDOW_DAYS, type ActionCounts, type Population } from "./milestones.js";

/**
 * Over the customers that signed up before `judgedBefore` (old enough to be judged successful or
 * not): how many of each group there are, and per action how many took it within their first
 * MILESTONE_WINDOW_DAYS, read from the product activity rollups (a day counts when it begins within
 * the window: day resolution). Two statements, over the rollups' primary key and the scores.
 */
export async function milestoneCounts(ex: Executor, judgedBefore: Date): Promise<{ counts: ActionCounts[]; population: Population }> {
  const [population] = await queryRows<{ successful: number; others: number }>(
    ex,
    sql`select (count(*) filter (where coalesce(s.successful, false)))::int as successful,
               (count(*) filter (where not coalesce(s.successful, false)))::int as others
          from customers c left join customer_scores s on s.customer_id = c.id
         where c.signed_up_at < ${judgedBefore.toISOString()}::timestamptz`,
  );
  const counts = await queryRows<{ action: string; successful: number; others: number }>(
    ex,
    sql`select f.name as action,
               (count(*) filter (where coalesce(s.successful, false)))::int as successful,
               (count(*) filter (where not coalesce(s.successful, false)))::int as others
          from (select distinct a.customer_id, a.name
                  from product_activity_daily a join customers c on c.id = a.customer_id
                 where c.signed_up_at < ${judgedBefore.toISOString()}::timestamptz
                   and a.day::timestamp at time zone 'UTC' < c.signed_up_at + interval '${sql.raw(String(MILESTONE_WINDOW_DAYS))} days') f
          left join customer_scores s on s.customer_id = f.customer_id
         group by f.name`,
  );
  return { counts, population: population ?? { successful: 0, others: 0 } };
}

/**
 * When each of these customers first took each of these actions: the start (UTC) of the first day
 * its rollup has a row for. One statement over the rollups' primary key.
 */
export async function firstActions(ex: Executor, customerIds: readonly string[], actions: readonly string[]) {
  if (customerIds.length === 0 || actions.length === 0) return [];
  const rows = await queryRows<{ customer_id: string; name: string; first_at: string }>(
    ex,
    sql`select customer_id, name, min(day)::timestamp at time zone 'UTC' as first_at from product_activity_daily
         where customer_id = any(${pgArrayLiteral(customerIds)}::uuid[]) and name = any(${pgArrayLiteral(actions)}::text[])
         group by customer_id, name`,
  );
  return rows.map((r) => ({ customerId: r.customer_id, action: r.name, firstAt: new Date(r.first_at) }));
}

import { sql } from "drizzle-orm";
import { pgArrayLiteral } from "../db/arrays.js";
import { queryRows, type Executor } from "../db/client.js";

// Customer.activity(days): a customer's product activity per event name over the last `days` UTC
// days (today included) and the same number of days before, read from the daily rollups
// (product_activity_daily) only.

export interface ActivityRow {
  customerId: string;
  name: string;
  events: number;
  /** The largest daily distinct-user figure in the window: the rollups keep users per day, and distinct users across days are not known. */
  users: number;
  activeDays: number;
  previousEvents: number;
}

/** The activity of many customers over one window, in one statement: busiest event names first. */
export async function findActivityByCustomerIds(ex: Executor, customerIds: readonly string[], days: number, now: Date): Promise<ActivityRow[]> {
  if (customerIds.length === 0) return [];
  const today = sql`${now.toISOString().slice(0, 10)}::date`;
  const inWindow = sql`a.day > ${today} - ${days}::int`;
  const rows = await queryRows<{ customer_id: string; name: string; events: number | string; users: number | null; active_days: number; previous_events: number | string }>(
    ex,
    sql`select a.customer_id, a.name,
               coalesce(sum(a.events) filter (where ${inWindow}), 0) as events,
               coalesce(max(a.users) filter (where ${inWindow}), 0) as users,
               (count(*) filter (where ${inWindow} and a.events > 0))::int as active_days,
               coalesce(sum(a.events) filter (where not ${inWindow}), 0) as previous_events
          from product_activity_daily a
         where a.customer_id = any(${pgArrayLiteral(customerIds)}::uuid[]) and a.day > ${today} - ${2 * days}::int and a.day <= ${today}
         group by a.customer_id, a.name
         order by a.customer_id, 3 desc, a.name`,
  );
  return rows.map((r) => ({
    customerId: r.customer_id,
    name: r.name,
    events: Number(r.events),
    users: Number(r.users ?? 0),
    activeDays: Number(r.active_days),
    previousEvents: Number(r.previous_events),
  }));
}

import { sql, type SQL } from "drizzle-orm";
import { pgArrayLiteral } from "../db/arrays.js";
import type { Executor } from "../db/client.js";

// Product events are rolled up as they arrive into product_activity_daily, one row per customer,
// event name and UTC day (README, "Product activity"): storage grows with customers × event
// names × days, not with events.

/** Some events of one customer's event name on one UTC day. */
export interface ActivityCount {
  customerId: string;
  name: string;
  /** YYYY-MM-DD, UTC. */
  day: string;
  events: number;
  /**
   * Distinct users behind these events. How it combines with what the day already holds is the
   * caller's `users` rule (addActivity).
   */
  users: number;
}

export const utcDay = (at: Date) => at.toISOString().slice(0, 10);

/**
 * Counts pre-aggregated per customer, name and day (a day's lines of one batch become one row):
 * events add up, users take the largest, as addActivity's "max" rule does across batches.
 */
export function rollUp(items: Iterable<ActivityCount>): ActivityCount[] {
  const byKey = new Map<string, ActivityCount>();
  for (const item of items) {
    const key = `${item.customerId}\u0000${item.name}\u0000${item.day}`;
    const row = byKey.get(key);
    if (!row) byKey.set(key, { ...item });
    else {
      row.events += item.events;
      row.users = Math.max(row.users, item.users);
    }
  }
  return [...byKey.values()];
}

/**
 * Adds the counts to the day rows in one statement (INSERT … SELECT FROM unnest … ON CONFLICT DO
 * UPDATE). Events always add. Users:
 * - "max": counted lines say how many distinct users a day had, and two lines of one day may
 *   count the same people, so the day keeps the largest figure sent (exact for a warehouse's one
 *   line per customer, name and day; a lower bound otherwise, never an invented sum);
 * - "add": the figures are users not counted on that day before (the Segment path's distinct-user
 *   check), so they add.
 * The rows are written in key order, so two batches touching the same days lock them in the same
 * order and wait for each other instead of deadlocking. `rows` must hold each key once (rollUp).
 */
export async function addActivity(ex: Executor, rows: readonly ActivityCount[], users: "max" | "add"): Promise<void> {
  if (rows.length > 0) await ex.execute(activityUpsert(rows, users));
}

/** addActivity's statement, for a caller that runs it with others in one round trip. */
export function activityUpsert(rows: readonly ActivityCount[], users: "max" | "add"): SQL {
  const combined = users === "max" ? sql`greatest(p.users, excluded.users)` : sql`p.users + excluded.users`;
  return sql`
    insert into product_activity_daily as p (customer_id, name, day, events, users)
    select * from unnest(${pgArrayLiteral(rows.map((r) => r.customerId))}::uuid[], ${pgArrayLiteral(rows.map((r) => r.name))}::text[],
                         ${pgArrayLiteral(rows.map((r) => r.day))}::date[], ${pgArrayLiteral(rows.map((r) => r.events))}::bigint[],
                         ${pgArrayLiteral(rows.map((r) => r.users))}::int[]) as u(customer_id, name, day, events, users)
     order by 1, 2, 3
    on conflict (customer_id, name, day) do update set events = p.events + excluded.events, users = ${combined}`;
}

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
   * Distinct users behind these events, as a counted line says (activityUpsert keeps a day's largest).
   */
  users: number;
}

export const utcDay = (at: Date) => at.toISOString().slice(0, 10);

/**
 * Counts pre-aggregated per customer, name and day (a day's lines of one batch become one row):
 * events add up, users take the largest, as activityUpsert does across batches.
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

/** Bits of a day's distinct-users sketch (product_activity_daily.users_sketch). */
export const SKETCH_BITS = 1024;

/**
 * Distinct users estimated from a linear-counting sketch s (each user sets one bit chosen by a hash
 * of its id): -m·ln(share of bits still 0), within about 3% up to 1,000 users and saturating near
 * m·ln(m) ≈ 7,100 (when every bit is set).
 */
export const sketchUsers = (s: SQL) => sql`round(-${sql.raw(String(SKETCH_BITS))} * ln(greatest(1 - bit_count(${s})::float8 / ${sql.raw(String(SKETCH_BITS))}, 1.0 / ${sql.raw(String(SKETCH_BITS))})))::int`;

/**
 * Adds the rows `select` yields, (customer_id, name, day, events, users, users_sketch) each key
 * once, to the day rows: one INSERT … SELECT … ON CONFLICT DO UPDATE. Events always add. Users:
 * - counted lines (sketch null) say how many distinct users a day had, and two lines of one day
 *   may count the same people, so the day keeps the largest figure sent: exact for a warehouse's
 *   one line per customer, name and day, a lower bound otherwise, never an invented sum;
 * - raw events (the Segment routes) carry a sketch of their users: the day's sketch is the union
 *   (bitwise or) and its estimate can only raise the figure.
 * The rows are written in key order, so two batches touching the same days lock them in the same
 * order and wait for each other instead of deadlocking.
 */
export function activityUpsert(select: SQL): SQL {
  const union = sql`p.users_sketch | excluded.users_sketch`;
  return sql`
    insert into product_activity_daily as p (customer_id, name, day, events, users, users_sketch)
    select * from (${select}) as rows order by 1, 2, 3
    on conflict (customer_id, name, day) do update set
      events = p.events + excluded.events,
      users = greatest(p.users, excluded.users, case when p.users_sketch is null or excluded.users_sketch is null then 0 else ${sketchUsers(union)} end),
      users_sketch = coalesce(${union}, excluded.users_sketch, p.users_sketch)`;
}

/** Counted lines (rollUp's rows) into the day rows (activityUpsert). */
export function countedActivityUpsert(rows: readonly ActivityCount[]): SQL {
  return activityUpsert(sql`
    select *, null::bit(${sql.raw(String(SKETCH_BITS))}) from unnest(${pgArrayLiteral(rows.map((r) => r.customerId))}::uuid[], ${pgArrayLiteral(rows.map((r) => r.name))}::text[],
                         ${pgArrayLiteral(rows.map((r) => r.day))}::date[], ${pgArrayLiteral(rows.map((r) => r.events))}::bigint[],
                         ${pgArrayLiteral(rows.map((r) => r.users))}::int[])`);
}

/** Days whose sketches are cleared: events for a day arriving later only raise its users (activityUpsert). */
export const SKETCH_DAYS = 2;

/** Clears the sketches of days older than SKETCH_DAYS (their storage is then just the counts). */
export async function clearOldSketches(ex: Executor, now: Date): Promise<void> {
  const cutoff = utcDay(new Date(now.getTime() - SKETCH_DAYS * 86_400_000));
  // The month before the cutoff, over the day index: the hourly run finds the days it left.
  await ex.execute(sql`update product_activity_daily set users_sketch = null where day < ${cutoff}::date and day >= ${cutoff}::date - 30 and users_sketch is not null`);
}

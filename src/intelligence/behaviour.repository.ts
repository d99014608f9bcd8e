import { sql } from "drizzle-orm";
import { pgArrayLiteral } from "../db/arrays.js";
import { queryRows, type Executor } from "../db/client.js";
import { WINDOW_DAYS, type BehaviourMetrics } from "./behaviour.js";
import type { FeatureRequest } from "./features.repository.js";

interface Row {
  k: number | string;
  name: string;
  events: number | string | null;
  previous: number | string | null;
  users: number | null;
  active_days: number | string;
}

/**
 * The behavioural metrics of many (customer, moment) pairs in one set-based statement over the
 * rollups, per event name of `eventNames` (each a range of the primary key's index, read laterally so the planner never scans the table), from the 56
 * whole UTC days before each moment's day. Answers in the requests' order; a pair without
 * activity gets empty metrics. The same SQL scores now and describes the past for training.
 */
export async function loadBehaviour(ex: Executor, requests: readonly FeatureRequest[], eventNames: readonly string[]): Promise<BehaviourMetrics[]> {
  const out: BehaviourMetrics[] = requests.map(() => ({ byName: new Map() }));
  if (requests.length === 0) return out;
  if (eventNames.length === 0) return out;
  const rows = await queryRows<Row>(
    ex,
    sql`
    with t as (
      select k, customer_id, (as_of at time zone 'UTC')::date as d
        from unnest(${pgArrayLiteral(requests.map((r) => r.customerId))}::uuid[], ${pgArrayLiteral(requests.map((r) => r.asOf))}::timestamptz[])
        with ordinality as t(customer_id, as_of, k))
    select t.k, n.name, w.events, w.previous, w.users, w.active_days
    from t cross join unnest(${pgArrayLiteral(eventNames)}::text[]) as n(name)
    cross join lateral (
      select sum(a.events) filter (where a.day >= t.d - ${WINDOW_DAYS}::int) as events,
             sum(a.events) filter (where a.day < t.d - ${WINDOW_DAYS}::int) as previous,
             max(a.users) filter (where a.day >= t.d - ${WINDOW_DAYS}::int) as users,
             count(*) filter (where a.day >= t.d - ${WINDOW_DAYS}::int and a.events > 0) as active_days
        from product_activity_daily a
       where a.customer_id = t.customer_id and a.name = n.name and a.day >= t.d - ${2 * WINDOW_DAYS}::int and a.day < t.d) w
    where w.events is not null or w.previous is not null`,
  );
  for (const r of rows) {
    out[Number(r.k) - 1]!.byName.set(r.name, { events: Number(r.events ?? 0), previous: Number(r.previous ?? 0), users: Number(r.users ?? 0), activeDays: Number(r.active_days) });
  }
  return out;
}

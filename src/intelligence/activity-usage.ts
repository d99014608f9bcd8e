import { sql } from "drizzle-orm";
import { pgArrayLiteral } from "../db/arrays.js";
import { queryRows, type Executor } from "../db/client.js";
import type { FeatureRequest } from "./features.repository.js";

// The health score's usage factor for a customer without seat snapshots (README, "Health
// score"): its product events in the 28 days up to the moment (product_activity_daily), ranked
// against the customers of the same plan. Peers' figures are those their stored scores last
// counted (customer_scores.activity_events_28d; the customers being scored count with their
// fresh figures), so scoring one customer reads one row per peer, never the peers' rollups.

export const ACTIVITY_WINDOW_DAYS = 28;
/** Fewer instrumented customers than this on a plan: the customer is ranked against all plans. */
export const MIN_PLAN_PEERS = 5;
/** Event names the breakdown shows, most frequent first. */
const TOP_EVENTS = 3;

/** A customer's product activity over the window and its rank among comparable customers. */
export interface ActivityUsage {
  events: number;
  activeDays: number;
  topEvents: { name: string; events: number }[];
  /** Share of the peers with fewer events (ties count half), 0-1; null: nobody to compare with. */
  percentile: number | null;
  /** How many customers it was compared with. */
  peers: number;
  /** The plan whose customers it was compared with; null: all plans (too few on its own). */
  plan: string | null;
  samePlan: boolean;
}

interface UsageRow {
  customer_id: string;
  as_of: string | Date;
  plan: string | null;
  status: string;
  instrumented: boolean;
  events: number | string;
  active_days: number;
  top: [string, number | string][] | string;
  plan_lt: number | string | null;
  plan_le: number | string | null;
  plan_n: number | string | null;
  all_lt: number | string | null;
  all_le: number | string | null;
  all_n: number | string | null;
}

const key = (customerId: string, asOf: Date) => `${customerId}@${asOf.getTime()}`;
const n = (v: number | string | null) => Number(v ?? 0);

/**
 * The activity usage of many (customer, moment) pairs in one statement; `now` is the moment
 * whose figures are stored (the peers of the customers scored). A customer with no product
 * activity at all up to a moment has none (the factor is left out, as without seat snapshots).
 */
export async function loadActivityUsage(ex: Executor, requests: readonly FeatureRequest[], now: Date): Promise<Map<string, ActivityUsage>> {
  const usage = new Map<string, ActivityUsage>();
  if (requests.length === 0) return usage;
  const ids = pgArrayLiteral(requests.map((r) => r.customerId));
  const day = sql`(t.as_of at time zone 'UTC')::date`;
  const inWindow = sql`a.customer_id = t.customer_id and a.day > ${day} - ${ACTIVITY_WINDOW_DAYS}::int and a.day <= ${day}`;
  const rows = await queryRows<UsageRow>(
    ex,
    sql`
    with t as (select distinct * from unnest(${ids}::uuid[], ${pgArrayLiteral(requests.map((r) => r.asOf))}::timestamptz[]) as t(customer_id, as_of)),
    own as (
      select t.customer_id, t.as_of, c.plan, c.status,
        exists (select 1 from product_activity_daily a where a.customer_id = t.customer_id and a.day <= ${day}) as instrumented,
        (select coalesce(sum(a.events), 0)::float8 from product_activity_daily a where ${inWindow}) as events,
        (select count(distinct a.day)::int from product_activity_daily a where ${inWindow} and a.events > 0) as active_days,
        (select coalesce(json_agg(json_build_array(x.name, x.events) order by x.events desc, x.name), '[]'::json)
           from (select a.name, sum(a.events)::float8 as events from product_activity_daily a where ${inWindow}
                  group by a.name order by 2 desc, 1 limit ${TOP_EVENTS}) x) as top
      from t join customers c on c.id = t.customer_id),
    pool as (
      select s.customer_id, null::timestamptz as as_of, c.plan, s.activity_events_28d::float8 as events, 1 as peer
        from customer_scores s join customers c on c.id = s.customer_id
       where s.activity_events_28d is not null and c.status <> 'CHURNED' and not (s.customer_id = any(${ids}::uuid[]))
      union all
      select customer_id, null, plan, events, 1 from own where as_of = ${now.toISOString()}::timestamptz and instrumented and status <> 'CHURNED'
      union all
      select customer_id, as_of, plan, events, 0 from own where instrumented),
    ranked as (
      select p.customer_id, p.as_of,
        sum(p.peer) over (partition by p.plan order by p.events range between unbounded preceding and current row exclude group) as plan_lt,
        sum(p.peer) over (partition by p.plan order by p.events range between unbounded preceding and current row) as plan_le,
        sum(p.peer) over (partition by p.plan) as plan_n,
        sum(p.peer) over (order by p.events range between unbounded preceding and current row exclude group) as all_lt,
        sum(p.peer) over (order by p.events range between unbounded preceding and current row) as all_le,
        sum(p.peer) over () as all_n
      from pool p)
    select o.customer_id, o.as_of, o.plan, o.status, o.instrumented, o.events, o.active_days, o.top,
           r.plan_lt, r.plan_le, r.plan_n, r.all_lt, r.all_le, r.all_n
      from own o left join ranked r on r.as_of = o.as_of and r.customer_id = o.customer_id`,
  );
  const nowEvents = new Map(rows.filter((r) => new Date(r.as_of).getTime() === now.getTime() && r.instrumented && r.status !== "CHURNED").map((r) => [r.customer_id, Number(r.events)]));
  for (const r of rows) {
    if (!r.instrumented) continue;
    const events = Number(r.events);
    // The customer's own fresh figure is among the peers (the others' rank against it): not here.
    const self = nowEvents.get(r.customer_id);
    const rank = (lt: number, le: number, total: number) =>
      self === undefined ? { lt, le, total } : { lt: lt - (self < events ? 1 : 0), le: le - (self <= events ? 1 : 0), total: total - 1 };
    const plan = rank(n(r.plan_lt), n(r.plan_le), n(r.plan_n));
    const all = rank(n(r.all_lt), n(r.all_le), n(r.all_n));
    const samePlan = plan.total >= MIN_PLAN_PEERS;
    const used = samePlan ? plan : all;
    const top = typeof r.top === "string" ? (JSON.parse(r.top) as [string, number][]) : r.top;
    usage.set(key(r.customer_id, new Date(r.as_of)), {
      events,
      activeDays: Number(r.active_days),
      topEvents: top.map(([name, count]) => ({ name, events: Number(count) })),
      percentile: used.total > 0 ? (used.lt + (used.le - used.lt) / 2) / used.total : null,
      peers: used.total,
      plan: samePlan ? r.plan : null,
      samePlan,
    });
  }
  return usage;
}

export const activityKey = key;

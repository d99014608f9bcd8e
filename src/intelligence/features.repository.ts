import { sql } from "drizzle-orm";
import { pgArrayLiteral } from "../db/arrays.js";
import { queryRows, type Executor } from "../db/client.js";
import { earnedBetween, revenueSegments } from "../customers/billing-periods.js";
import { DAY_MS, type CustomerFeatures } from "./features.js";

export interface FeatureRequest {
  customerId: string;
  /** The moment the features describe: history after it is ignored. */
  asOf: Date;
}

interface FeatureRow {
  customer_id: string;
  as_of: string | Date;
  status: CustomerFeatures["status"];
  signed_up_at: string | Date;
  churned_at: string | Date | null;
  mrr_cents: number;
  retention_cost_cents: number;
  usage_ratio: number | string | null;
  nps: number | null;
  csat: number | string | null;
  csat_recent: number | string | null;
  tickets_90d: number | string;
  upsells: number | string;
  ltv: number | string;
}

const num = (v: number | string | null) => (v === null ? null : Number(v));
const time = (v: string | Date) => new Date(v).getTime();

/**
 * The CS features of many (customer, moment) pairs in one set-based statement: the same SQL
 * scores customers now and describes them as they were for training and trends.
 * Lifetime value: what the customer's billing periods paid up to the moment, pro rata (a month
 * is 30.4375 days; billing-periods.ts: nothing while churned). An upsell is a row whose MRR
 * beats a paying one before it.
 */
export async function loadFeatures(ex: Executor, requests: readonly FeatureRequest[]): Promise<(CustomerFeatures & { asOf: Date })[]> {
  if (requests.length === 0) return [];
  const ids = pgArrayLiteral(requests.map((r) => r.customerId));
  const moments = pgArrayLiteral(requests.map((r) => r.asOf));
  const rows = await queryRows<FeatureRow>(
    ex,
    sql`
    with t as (select * from unnest(${ids}::uuid[], ${moments}::timestamptz[]) as t(customer_id, as_of))
    select t.customer_id, t.as_of, c.status, c.signed_up_at, c.churned_at, c.retention_cost_cents,
      coalesce((select p.mrr_cents from plan_changes p where p.customer_id = t.customer_id and p.at <= t.as_of
        order by p.at desc, p.id desc limit 1), c.mrr_cents) as mrr_cents,
      (select avg(least(u.active_users::float8 / u.licensed_seats, 1.0)) from usage_snapshots u
        where u.customer_id = t.customer_id and u.at <= t.as_of and u.at > t.as_of - interval '90 days') as usage_ratio,
      (select n.score from nps_responses n where n.customer_id = t.customer_id and n.at <= t.as_of
        order by n.at desc, n.id desc limit 1) as nps,
      (select avg(s.score)::float8 from csat_responses s where s.customer_id = t.customer_id and s.at <= t.as_of) as csat,
      (select avg(s.score)::float8 from csat_responses s where s.customer_id = t.customer_id and s.at <= t.as_of
        and s.at > t.as_of - interval '180 days') as csat_recent,
      (select count(*)::int from support_tickets k where k.customer_id = t.customer_id
        and k.opened_at <= t.as_of and k.opened_at > t.as_of - interval '90 days') as tickets_90d,
      (select count(*)::int from plan_changes p where p.customer_id = t.customer_id and p.at <= t.as_of
        and p.previous_mrr_cents > 0 and p.mrr_cents > p.previous_mrr_cents) as upsells,
      (select coalesce(floor(sum(${earnedBetween(sql`s.s_from`, sql`s.s_to`)})), 0)
         from (${revenueSegments(sql`p.customer_id = t.customer_id`, sql`t.as_of`)}) s) as ltv
    from t join customers c on c.id = t.customer_id`,
  );
  return rows.map((r) => {
    const asOf = new Date(r.as_of);
    const end = r.churned_at === null ? asOf.getTime() : Math.min(time(r.churned_at), asOf.getTime());
    return {
      customerId: r.customer_id,
      asOf,
      // Described as of a past moment, a customer that churned later was still active then.
      status: r.status === "CHURNED" && r.churned_at !== null && time(r.churned_at) > asOf.getTime() ? "ACTIVE" : r.status,
      tenureDays: Math.max(0, Math.floor((end - time(r.signed_up_at)) / DAY_MS)),
      mrrCents: Number(r.mrr_cents),
      retentionCostCents: Number(r.retention_cost_cents),
      usageRatio: num(r.usage_ratio),
      nps: num(r.nps),
      csat: num(r.csat),
      csatRecent: num(r.csat_recent),
      tickets90d: Number(r.tickets_90d),
      upsellCount: Number(r.upsells),
      lifetimeValueCents: Math.min(Number(r.ltv), Number.MAX_SAFE_INTEGER),
    };
  });
}

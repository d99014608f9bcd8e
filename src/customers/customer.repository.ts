import { and, asc, count, eq, exists, gt, inArray, type SQL, sql } from "drizzle-orm";
import { queryRows, type Executor } from "../db/client.js";
import { affiliates, customers, referrals } from "../db/schema/index.js";

export type CustomerRow = typeof customers.$inferSelect;
export type NewCustomerRow = typeof customers.$inferInsert;

export interface CustomerListFilter {
  niche?: string | null;
  status?: CustomerRow["status"] | null;
  referredByAffiliateCode?: string | null;
}

export async function findCustomerById(ex: Executor, id: string, forUpdate = false): Promise<CustomerRow | undefined> {
  const query = ex.select().from(customers).where(eq(customers.id, id));
  const [row] = forUpdate ? await query.for("update") : await query;
  return row;
}

export async function findCustomerByExternalId(ex: Executor, externalId: string): Promise<CustomerRow | undefined> {
  const [row] = await ex.select().from(customers).where(eq(customers.externalId, externalId)).for("update");
  return row;
}

export const findCustomersByIds = (ex: Executor, ids: readonly string[]) =>
  ex.select().from(customers).where(inArray(customers.id, [...ids]));

function filterConditions(filter: CustomerListFilter): SQL[] {
  const conditions: SQL[] = [];
  if (filter.niche) conditions.push(eq(customers.niche, filter.niche));
  if (filter.status) conditions.push(eq(customers.status, filter.status));
  if (filter.referredByAffiliateCode) {
    conditions.push(
      exists(
        sql`(select 1 from ${referrals} join ${affiliates} on ${affiliates.id} = ${referrals.affiliateId}
             where ${referrals.customerId} = ${customers.id} and ${affiliates.code} = ${filter.referredByAffiliateCode})`,
      ),
    );
  }
  return conditions;
}

export function listCustomers(ex: Executor, filter: CustomerListFilter, afterId: string | null, limit: number) {
  const conditions = filterConditions(filter);
  if (afterId) conditions.push(gt(customers.id, afterId));
  return ex
    .select()
    .from(customers)
    .where(and(...conditions))
    .orderBy(asc(customers.id))
    .limit(limit);
}

export async function countCustomers(ex: Executor, filter: CustomerListFilter): Promise<number> {
  const [row] = await ex
    .select({ n: count() })
    .from(customers)
    .where(and(...filterConditions(filter)));
  return row?.n ?? 0;
}

export interface CustomerMetrics {
  customerId: string;
  lifetimeValueCents: number;
  nps: number | null;
  csat: number | null;
  supportTickets90d: number;
  upsellCount: number;
}

/**
 * The CS figures shown on a customer, for a batch of customers in one statement.
 * Lifetime value: each billing row's MRR accrues pro rata (a month = 30.4375 days) from its
 * date until the next row, the churn date or now. An upsell is a row whose MRR is higher
 * than a paying MRR before it.
 */
export async function customerMetrics(ex: Executor, ids: readonly string[], now: Date): Promise<CustomerMetrics[]> {
  // Raw SQL parameters bypass drizzle's column mapping; postgres.js wants dates as strings.
  const nowIso = now.toISOString();
  const rows = await queryRows<{
    customer_id: string;
    ltv: string | number;
    nps: number | null;
    csat: string | number | null;
    tickets_90d: number;
    upsells: number;
  }>(
    ex,
    sql`
    select c.id as customer_id,
      (select coalesce(floor(sum(p.mrr_cents * greatest(0, extract(epoch from
                least(coalesce(p.next_at, e.end_at), e.end_at) - p.at)) / 2629800.0)), 0)
         from (select pc.at, pc.mrr_cents, lead(pc.at) over (order by pc.at, pc.id) as next_at
               from plan_changes pc where pc.customer_id = c.id) p,
              (select coalesce(c.churned_at, ${nowIso}::timestamptz) as end_at) e) as ltv,
      (select n.score from nps_responses n where n.customer_id = c.id order by n.at desc, n.id desc limit 1) as nps,
      (select avg(s.score)::float8 from csat_responses s where s.customer_id = c.id) as csat,
      (select count(*)::int from support_tickets t
        where t.customer_id = c.id and t.opened_at > ${nowIso}::timestamptz - interval '90 days'
          and t.opened_at <= ${nowIso}::timestamptz) as tickets_90d,
      (select count(*)::int from plan_changes u
        where u.customer_id = c.id and u.previous_mrr_cents > 0 and u.mrr_cents > u.previous_mrr_cents) as upsells
    from ${customers} c
    where c.id in (${sql.join(
      ids.map((id) => sql`${id}::uuid`),
      sql`, `,
    )})`,
  );
  return rows.map((r) => ({
    customerId: r.customer_id,
    lifetimeValueCents: Math.min(Number(r.ltv), 2_147_483_647),
    nps: r.nps === null ? null : Number(r.nps),
    csat: r.csat === null ? null : Number(r.csat),
    supportTickets90d: Number(r.tickets_90d),
    upsellCount: Number(r.upsells),
  }));
}

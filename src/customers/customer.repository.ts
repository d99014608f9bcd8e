import { and, asc, count, desc, eq, exists, getTableColumns, gt, gte, inArray, isNull, lte, type SQL, sql } from "drizzle-orm";
import type { PgColumn } from "drizzle-orm/pg-core";
import type { SortCursor } from "../common/pagination.js";
import { CustomerOrder, type StakeholderRole } from "./customer.enums.js";
import { queryRows, type Executor } from "../db/client.js";
import { tableRows } from "../db/table-rows.js";
import { affiliates, customerScores, customers, referrals, stakeholders } from "../db/schema/index.js";
import { segmentCondition } from "../segments/segment.sql.js";
import type { SegmentRule } from "../segments/segment.type.js";

export type CustomerRow = typeof customers.$inferSelect;
export type NewCustomerRow = typeof customers.$inferInsert;

export interface CustomerListFilter {
  niche?: string | null;
  status?: CustomerRow["status"] | null;
  referredByAffiliateCode?: string | null;
  /** A segment's rules: the same SQL that decides Segment.customers. */
  segmentRules?: SegmentRule[] | null;
  minHealthScore?: number | null;
  maxHealthScore?: number | null;
  minChurnRisk?: number | null;
  maxChurnRisk?: number | null;
  healthBand?: (typeof customerScores.$inferSelect)["healthBand"] | null;
}

// One customer by key: every write path reads it (often twice), so it is hand-written SQL (table-rows.ts).
const customerRows = tableRows(customers);

export async function findCustomerById(ex: Executor, id: string, forUpdate = false): Promise<CustomerRow | undefined> {
  const lock = forUpdate ? sql` for update` : sql``;
  const [row] = await queryRows<Record<string, unknown>>(ex, sql`select ${customerRows.columns} from ${customerRows.table} where id = ${id}${lock}`);
  return row && customerRows.map(row);
}

export async function findCustomerByExternalId(ex: Executor, externalId: string): Promise<CustomerRow | undefined> {
  const [row] = await queryRows<Record<string, unknown>>(ex, sql`select ${customerRows.columns} from ${customerRows.table} where external_id = ${externalId} and erased_at is null for update`);
  return row && customerRows.map(row);
}

export const findCustomersByIds = (ex: Executor, ids: readonly string[]) =>
  ex.select().from(customers).where(inArray(customers.id, [...ids]));

/** Stakeholders of customers by role (CHAMPION first), then name: the order contactToApproach reads. */
export const findStakeholdersByCustomerIds = (ex: Executor, customerIds: readonly string[]) =>
  ex
    .select()
    .from(stakeholders)
    .where(inArray(stakeholders.customerId, [...customerIds]))
    .orderBy(asc(stakeholders.role), asc(stakeholders.name), asc(stakeholders.id));

export const findStakeholdersByIds = (ex: Executor, ids: readonly string[]) =>
  ex.select().from(stakeholders).where(inArray(stakeholders.id, [...ids]));

function filterConditions(filter: CustomerListFilter): SQL[] {
  // An erased customer is a tombstone for the ledger, not a customer anyone works with.
  const conditions: SQL[] = [isNull(customers.erasedAt)];
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
  if (filter.segmentRules) conditions.push(segmentCondition(filter.segmentRules));
  if (filter.minHealthScore != null) conditions.push(gte(customerScores.healthScore, filter.minHealthScore));
  if (filter.maxHealthScore != null) conditions.push(lte(customerScores.healthScore, filter.maxHealthScore));
  if (filter.minChurnRisk != null) conditions.push(gte(customerScores.churnRisk, filter.minChurnRisk));
  if (filter.maxChurnRisk != null) conditions.push(lte(customerScores.churnRisk, filter.maxChurnRisk));
  if (filter.healthBand) conditions.push(eq(customerScores.healthBand, filter.healthBand));
  return conditions;
}

/** Scores join only when a condition reads them: a plain listing stays a scan of customers. */
const needsScores = (filter: CustomerListFilter) =>
  Boolean(filter.segmentRules?.length) ||
  [filter.minHealthScore, filter.maxHealthScore, filter.minChurnRisk, filter.maxChurnRisk, filter.healthBand].some((value) => value != null);
const scoresJoin = eq(customerScores.customerId, customers.id);

export function listCustomers(ex: Executor, filter: CustomerListFilter, afterId: string | null, limit: number) {
  const conditions = filterConditions(filter);
  if (afterId) conditions.push(gt(customers.id, afterId));
  const base = ex.select(getTableColumns(customers)).from(customers);
  return (needsScores(filter) ? base.leftJoin(customerScores, scoresJoin) : base)
    .where(and(...conditions))
    .orderBy(asc(customers.id))
    .limit(limit);
}

// Each order walks one index of customer_scores: ties go by customer id in the direction the
// index stores them, so the keyset condition and ORDER BY match the index exactly.
const SCORE_ORDERS: Record<Exclude<CustomerOrder, CustomerOrder.ID>, { value: PgColumn; orderBy: SQL[]; after: (c: SortCursor) => SQL }> = {
  [CustomerOrder.HEALTH_SCORE_DESC]: {
    value: customerScores.healthScore,
    orderBy: [desc(customerScores.healthScore), desc(customerScores.customerId)],
    after: ({ value, id }) => sql`(${customerScores.healthScore}, ${customerScores.customerId}) < (${value}, ${id}::uuid)`,
  },
  [CustomerOrder.HEALTH_SCORE_ASC]: {
    value: customerScores.healthScore,
    orderBy: [asc(customerScores.healthScore), asc(customerScores.customerId)],
    after: ({ value, id }) => sql`(${customerScores.healthScore}, ${customerScores.customerId}) > (${value}, ${id}::uuid)`,
  },
  [CustomerOrder.CHURN_RISK_DESC]: {
    value: customerScores.churnRisk,
    orderBy: [desc(customerScores.churnRisk), asc(customerScores.customerId)],
    after: ({ value, id }) =>
      sql`(${customerScores.churnRisk} < ${value} or (${customerScores.churnRisk} = ${value} and ${customerScores.customerId} > ${id}::uuid))`,
  },
  [CustomerOrder.ADVOCACY_SCORE_DESC]: {
    value: customerScores.advocacyScore,
    orderBy: [desc(customerScores.advocacyScore), asc(customerScores.customerId)],
    after: ({ value, id }) =>
      sql`(${customerScores.advocacyScore} < ${value} or (${customerScores.advocacyScore} = ${value} and ${customerScores.customerId} > ${id}::uuid))`,
  },
};

/** A page of customers sorted by a stored score (best or worst first), with each row's sort value. */
export function listCustomersByScore(
  ex: Executor,
  filter: CustomerListFilter,
  order: Exclude<CustomerOrder, CustomerOrder.ID>,
  after: SortCursor | null,
  limit: number,
) {
  const sort = SCORE_ORDERS[order];
  const conditions = filterConditions(filter);
  if (after) conditions.push(sort.after(after));
  return ex
    .select({ ...getTableColumns(customers), sortValue: sql<number>`${sort.value}` })
    .from(customerScores)
    .innerJoin(customers, scoresJoin)
    .where(and(...conditions))
    .orderBy(...sort.orderBy)
    .limit(limit);
}

export async function countCustomers(ex: Executor, filter: CustomerListFilter): Promise<number> {
  const base = ex.select({ n: count() }).from(customers);
  const [row] = await (needsScores(filter) ? base.leftJoin(customerScores, scoresJoin) : base).where(and(...filterConditions(filter)));
  return row?.n ?? 0;
}

/**
 * Adds a person to the customer unless one with this (lower-case) email is there already: an
 * existing stakeholder keeps its name and role (the CRM's knowledge wins over a signup's).
 */
export async function addStakeholderIfNew(ex: Executor, values: { customerId: string; name: string; email: string; role: `${StakeholderRole}` }): Promise<void> {
  await ex.insert(stakeholders).values(values).onConflictDoNothing({ target: [stakeholders.customerId, stakeholders.email] });
}

import { and, eq, gt, gte, inArray, lt, lte, sql, type SQL } from "drizzle-orm";
import type { PgColumn } from "drizzle-orm/pg-core";
import { affiliates, customerScores, customers, referrals } from "../db/schema/index.js";
import type { SegmentRule } from "./segment.type.js";
import { RuleOp, SegmentField } from "./segment.enums.js";

// Segment rules compile to one SQL condition over `customers` left-joined to `customer_scores`
// (see segmentSource), so membership, counts and filters are evaluated by the database with
// its indexes, and one definition serves Segment.customers, customerCount, Customer.segments
// and customers(filter: {segmentId}).

const COLUMNS: Record<Exclude<SegmentField, SegmentField.REFERRED_BY_AFFILIATE_CODE>, PgColumn> = {
  [SegmentField.NICHE]: customers.niche,
  [SegmentField.PLAN]: customers.plan,
  [SegmentField.ACQUISITION_CHANNEL]: customers.acquisitionChannel,
  [SegmentField.STATUS]: customers.status,
  [SegmentField.MRR_CENTS]: customers.mrrCents,
  [SegmentField.HEALTH_SCORE]: customerScores.healthScore,
  [SegmentField.ADVOCACY_SCORE]: customerScores.advocacyScore,
  [SegmentField.CHURN_RISK]: customerScores.churnRisk,
  [SegmentField.NPS]: customerScores.nps,
  [SegmentField.CSAT]: customerScores.csat,
  [SegmentField.SUPPORT_TICKETS_90D]: customerScores.supportTickets90d,
  [SegmentField.LIFETIME_VALUE_CENTS]: customerScores.lifetimeValueCents,
};

const NUMERIC = new Set<SegmentField>([
  SegmentField.MRR_CENTS,
  SegmentField.HEALTH_SCORE,
  SegmentField.ADVOCACY_SCORE,
  SegmentField.CHURN_RISK,
  SegmentField.NPS,
  SegmentField.CSAT,
  SegmentField.SUPPORT_TICKETS_90D,
  SegmentField.LIFETIME_VALUE_CENTS,
]);

function compare(column: PgColumn, op: RuleOp, values: unknown[]): SQL {
  const [value] = values;
  switch (op) {
    case RuleOp.EQ:
      return eq(column, value);
    // "Not this value" includes customers with no value at all (no niche, no NPS answer yet).
    case RuleOp.NEQ:
      return sql`${column} is distinct from ${value}`;
    case RuleOp.GT:
      return gt(column, value);
    case RuleOp.GTE:
      return gte(column, value);
    case RuleOp.LT:
      return lt(column, value);
    case RuleOp.LTE:
      return lte(column, value);
    case RuleOp.IN:
      return inArray(column, values);
  }
}

function referredByCondition(op: RuleOp, codes: string[]): SQL {
  const referredBy = (codeCondition: SQL) =>
    sql`exists (select 1 from ${referrals} join ${affiliates} on ${affiliates.id} = ${referrals.affiliateId}
                where ${referrals.customerId} = ${customers.id} and ${codeCondition})`;
  if (op === RuleOp.NEQ) return sql`not ${referredBy(eq(affiliates.code, codes[0]))}`;
  return referredBy(op === RuleOp.IN ? inArray(affiliates.code, codes) : eq(affiliates.code, codes[0]));
}

/** The SQL condition of a segment's (validated) rules, all ANDed; no rules: every customer. */
export function segmentCondition(rules: readonly SegmentRule[]): SQL {
  // An erased customer (a tombstone for the ledger) is in no segment: no journey may enroll it.
  return and(
    sql`${customers.erasedAt} is null`,
    ...rules.map((rule) => {
      if (rule.field === SegmentField.REFERRED_BY_AFFILIATE_CODE) return referredByCondition(rule.op, rule.values);
      const values = NUMERIC.has(rule.field) ? rule.values.map(Number) : rule.values;
      return compare(COLUMNS[rule.field], rule.op, values);
    }),
  )!;
}

/** The relation segment conditions are written against. */
export const segmentSource = sql`${customers} left join ${customerScores} on ${customerScores.customerId} = ${customers.id}`;

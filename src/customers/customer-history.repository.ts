import { sql, type SQL } from "drizzle-orm";
import { queryRows, type Executor } from "../db/client.js";
import { badInput } from "../common/errors.js";
import { isUuid } from "../common/validate.js";
import { CustomerHistoryKind as Kind } from "./customer.enums.js";

export interface HistoryRow {
  id: string;
  kind: Kind;
  at: Date;
  /** `at` as PostgreSQL prints it (microseconds, offset): what the cursor seeks from, exactly. */
  atKey: string;
  value: number | null;
  total: number | null;
  label: string | null;
}

/** Where a page of history starts: strictly older than this entry, in (at, kind, id) descending order. */
export interface HistoryCursor {
  atKey: string;
  kind: string;
  id: string;
}

/** A timestamptz as PostgreSQL prints it: `2026-12-03 06:53:30.829+00`. */
const TIMESTAMP = /^\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(\.\d{1,6})?([+-]\d\d(:?\d\d)?|Z)?$/;

export const encodeHistoryCursor = (row: Pick<HistoryRow, "atKey" | "kind" | "id">) => Buffer.from(`h:${JSON.stringify([row.atKey, row.kind, row.id])}`).toString("base64url");

export function decodeHistoryCursor(cursor: string): HistoryCursor {
  const decoded = Buffer.from(cursor, "base64url").toString();
  let parts: unknown;
  try {
    parts = decoded.startsWith("h:") ? JSON.parse(decoded.slice(2)) : null;
  } catch {
    parts = null;
  }
  const [atKey, kind, id] = Array.isArray(parts) ? parts : [];
  if (typeof atKey !== "string" || !TIMESTAMP.test(atKey) || !Object.values(Kind).includes(kind) || typeof id !== "string") {
    throw badInput("after", "is not a Customer.history cursor");
  }
  return { atKey, kind, id };
}

/** A kind as a literal (the enum's own values, never input): typed text in every branch of the union. */
const k = (kind: Kind) => sql.raw(`'${kind}'::text`);

/** One SELECT per kind, each of the customer's rows as (id, kind, at, value, total, label). */
function branches(customerId: string): Record<Kind, SQL> {
  const c = sql`${customerId}::uuid`;
  return {
    [Kind.USAGE]: sql`select id::text, ${k(Kind.USAGE)} as kind, at, active_users::float8 as value, licensed_seats::float8 as total, null::text as label from usage_snapshots where customer_id = ${c}`,
    [Kind.NPS]: sql`select id::text, ${k(Kind.NPS)}, at, score::float8, null::float8, null::text from nps_responses where customer_id = ${c}`,
    [Kind.CSAT]: sql`select id::text, ${k(Kind.CSAT)}, at, score::float8, null::float8, null::text from csat_responses where customer_id = ${c}`,
    [Kind.SUPPORT_TICKET]: sql`select id::text, ${k(Kind.SUPPORT_TICKET)}, opened_at, null::float8, null::float8, null::text from support_tickets where customer_id = ${c}`,
    [Kind.PLAN_CHANGE]: sql`select id::text, ${k(Kind.PLAN_CHANGE)}, at, mrr_cents::float8, previous_mrr_cents::float8, plan from plan_changes where customer_id = ${c}`,
    [Kind.PAYMENT]: sql`select id::text, ${k(Kind.PAYMENT)}, paid_at, amount_cents::float8, null::float8, currency from payments where customer_id = ${c}`,
    [Kind.REFUND]: sql`select r.id::text, ${k(Kind.REFUND)}, r.refunded_at, r.amount_refunded_cents::float8, null::float8, r.currency
      from refunds r join payments p on p.id = r.payment_id where p.customer_id = ${c}`,
    // Every churn: those a re-activation ended, and the one in force.
    [Kind.CHURN]: sql`select id::text, ${k(Kind.CHURN)}, churned_at, null::float8, null::float8, churn_reason from reactivations where customer_id = ${c}
      union all select id::text, ${k(Kind.CHURN)}, churned_at, null::float8, null::float8, churn_reason from customers where id = ${c} and churned_at is not null`,
    [Kind.REACTIVATION]: sql`select id::text, ${k(Kind.REACTIVATION)}, reactivated_at, null::float8, null::float8, null::text from reactivations where customer_id = ${c}`,
    [Kind.PRODUCT_ACTIVITY]: sql`select name || '@' || day::text, ${k(Kind.PRODUCT_ACTIVITY)}, (day::timestamp at time zone 'UTC'), events::float8, users::float8, name
      from product_activity_daily where customer_id = ${c}`,
  };
}

function unionOf(customerId: string, kinds: readonly Kind[]): SQL {
  const all = branches(customerId);
  return sql.join(
    kinds.map((kind) => sql`(${all[kind]})`),
    sql` union all `,
  );
}

/**
 * A page of the customer's history, newest first, in one statement: a UNION ALL of the chosen
 * kinds' tables (each read by its (customer_id, at) index), sorted and cut after the cursor.
 */
export async function listCustomerHistory(db: Executor, customerId: string, kinds: readonly Kind[], limit: number, after: HistoryCursor | null): Promise<HistoryRow[]> {
  if (!isUuid(customerId) || kinds.length === 0) return [];
  const union = unionOf(customerId, kinds);
  const seek = after ? sql`where (h.at, h.kind, h.id) < (${after.atKey}::timestamptz, ${after.kind}, ${after.id})` : sql``;
  const rows = await queryRows<{ id: string; kind: Kind; at: string | Date; at_key: string; value: number | null; total: number | null; label: string | null }>(
    db,
    sql`select h.id, h.kind, h.at, h.at::text as at_key, h.value, h.total, h.label
      from (${union}) as h (id, kind, at, value, total, label)
      ${seek}
      order by h.at desc, h.kind desc, h.id desc
      limit ${limit}`,
  );
  return rows.map((row) => ({
    id: row.id,
    kind: row.kind,
    at: new Date(row.at),
    atKey: row.at_key,
    value: row.value === null ? null : Number(row.value),
    total: row.total === null ? null : Number(row.total),
    label: row.label,
  }));
}

/** How many entries of the chosen kinds the customer has. */
export async function countCustomerHistory(db: Executor, customerId: string, kinds: readonly Kind[]): Promise<number> {
  if (!isUuid(customerId) || kinds.length === 0) return 0;
  const union = unionOf(customerId, kinds);
  const [row] = await queryRows<{ n: number | string }>(db, sql`select count(*) as n from (${union}) as h`);
  return Number(row?.n ?? 0);
}

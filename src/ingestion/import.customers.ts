import { sql } from "drizzle-orm";
import type { Database } from "../db/client.js";
import { queryRows } from "../db/client.js";
import { pgArrayLiteral } from "../db/arrays.js";
import { parseRfc3339, RFC3339_HINT } from "../common/dates.js";
import { AppError, badInput } from "../common/errors.js";
import * as v from "../common/validate.js";
import { validateCustomerInput } from "../customers/customer.service.js";
import { CustomerStatus } from "../customers/customer.enums.js";
import { termMonthsInput } from "../customers/contract-terms.js";
import type { ScoringConfig } from "../config/config.js";
import { refreshScores } from "../intelligence/scores.service.js";
import { landingSubjects } from "../landing/landing.repository.js";

// A customers CSV row is the customer's initial state: who it is, and its plan, MRR and status at
// signed_up_at (and churned_at, for a customer that has churned; term_months, the contract term
// its first billing row signs). A new customer is created in
// that state; for an existing one only what describes it (name, niche, acquisition_channel,
// retention_cost_cents) is updated: its plan, MRR, status and dates are history, moved since by
// events and mutations, which a re-import never writes back over nor records a change for.

export const COLUMNS = ["external_id", "name", "niche", "plan", "mrr_cents", "acquisition_channel", "status", "signed_up_at", "churned_at", "retention_cost_cents", "term_months"] as const;

/** upsertCustomer's input fields by their CSV column (externalId → external_id, …). */
const columnOfField = new Map<string, string>(COLUMNS.map((c) => [c.replace(/_(\w)/g, (_, letter: string) => letter.toUpperCase()), c]));

/** A refused row's reason, "column: problem", naming the file's column, not the GraphQL field. */
export function rowProblem(error: unknown): string {
  if (error instanceof AppError && error.field !== undefined) {
    const column = columnOfField.get(error.field) ?? error.field;
    return column + error.message.slice(error.message.startsWith(`${error.field}:`) ? error.field.length : 0);
  }
  return (error as Error).message;
}

const emptyToNull = (value: string | undefined) => (value === undefined || value.trim() === "" ? null : value.trim());

function integerCell(column: string, raw: string | null): number | null {
  if (raw === null) return null;
  if (!/^-?\d+$/.test(raw)) throw badInput(column, "must be a whole number of cents");
  return Number(raw);
}

function dateCell(column: string, raw: string | null): Date | null {
  if (raw === null) return null;
  const date = parseRfc3339(raw);
  if (date === null) throw badInput(column, `must be ${RFC3339_HINT}`);
  return date;
}

/** A CSV row as upsertCustomer's input, validated by the same rules; throws "column: problem". */
export function customerFromRow(row: Record<string, string>, now: Date) {
  const status = emptyToNull(row.status)?.toUpperCase() ?? null;
  if (status !== null && !(status in CustomerStatus)) throw badInput("status", "must be TRIAL, ACTIVE or CHURNED");
  const signedUpAt = dateCell("signed_up_at", emptyToNull(row.signed_up_at));
  const churnedAt = dateCell("churned_at", emptyToNull(row.churned_at));
  if (status === CustomerStatus.CHURNED && churnedAt === null) throw badInput("churned_at", "required with status CHURNED (the date the customer churned)");
  if (status !== CustomerStatus.CHURNED && churnedAt !== null) throw badInput("churned_at", "only for a customer with status CHURNED");
  const values = validateCustomerInput(
    {
      externalId: row.external_id ?? "",
      name: row.name ?? "",
      niche: emptyToNull(row.niche),
      plan: emptyToNull(row.plan),
      mrrCents: integerCell("mrr_cents", emptyToNull(row.mrr_cents)) ?? 0,
      acquisitionChannel: emptyToNull(row.acquisition_channel),
      status: status as CustomerStatus | null,
      signedUpAt,
      retentionCostCents: integerCell("retention_cost_cents", emptyToNull(row.retention_cost_cents)),
    },
    now,
  );
  const termCell = emptyToNull(row.term_months);
  // The term the first billing row signs (contract-terms.ts); a trial has no billing row to carry it.
  const termMonths = termMonthsInput("termMonths", termCell === null ? null : /^\d+$/.test(termCell) ? Number(termCell) : Number.NaN);
  if (termMonths !== null && values.status === CustomerStatus.TRIAL) throw badInput("termMonths", "a TRIAL customer pays nothing yet: its term comes with its first plan change");
  if (churnedAt !== null) {
    if (values.signedUpAt === undefined) throw badInput("signed_up_at", "required with churned_at");
    if (v.pastDate("churned_at", churnedAt, now) < values.signedUpAt) throw badInput("churned_at", "must not be before signed_up_at");
  }
  return { ...values, churnedAt, termMonths };
}

export type CustomerValues = ReturnType<typeof customerFromRow>;

/**
 * Writes one batch in one transaction: new customers are inserted in the row's state (with their
 * first billing row at signup unless on trial), existing ones updated only where name, niche,
 * channel or retention cost differ, the rest left alone; the customers written are rescored.
 */
export async function writeCustomerBatch(db: Database, batch: CustomerValues[], now: Date, scoring: ScoringConfig): Promise<{ created: number; updated: number; featured: string[] }> {
  return db.transaction(async (tx) => {
    const existing = await queryRows<{ id: string; external_id: string; name: string; niche: string | null; acquisition_channel: string | null; retention_cost_cents: number }>(
      tx,
      sql`select id, external_id, name, niche, acquisition_channel, retention_cost_cents
            from customers where external_id = any(${pgArrayLiteral(batch.map((b) => b.externalId))}::text[]) order by id for no key update`,
    );
    const byExternalId = new Map(existing.map((r) => [r.external_id, r]));
    const fresh = batch.filter((b) => !byExternalId.has(b.externalId));
    const changed = batch.filter((b) => {
      const row = byExternalId.get(b.externalId);
      return (
        row !== undefined &&
        (row.name !== b.name || row.niche !== b.niche || row.acquisition_channel !== b.acquisitionChannel ||
          (b.retentionCostCents !== undefined && Number(row.retention_cost_cents) !== b.retentionCostCents))
      );
    });
    const written: string[] = [];
    if (fresh.length > 0) {
      const termOf = new Map(fresh.map((b) => [b.externalId, b.termMonths]));
      const rows = await queryRows<{ id: string; external_id: string; status: string; signed_up_at: string; plan: string | null; mrr_cents: number }>(
        tx,
        sql`insert into customers (external_id, name, niche, plan, mrr_cents, acquisition_channel, status, signed_up_at, churned_at, retention_cost_cents)
            select * from unnest(${pgArrayLiteral(fresh.map((b) => b.externalId))}::text[], ${pgArrayLiteral(fresh.map((b) => b.name))}::text[],
              ${pgArrayLiteral(fresh.map((b) => b.niche))}::text[], ${pgArrayLiteral(fresh.map((b) => b.plan))}::text[],
              ${pgArrayLiteral(fresh.map((b) => b.mrrCents))}::int[], ${pgArrayLiteral(fresh.map((b) => b.acquisitionChannel))}::text[],
              ${pgArrayLiteral(fresh.map((b) => b.status ?? CustomerStatus.ACTIVE))}::customer_status[], ${pgArrayLiteral(fresh.map((b) => b.signedUpAt ?? now))}::timestamptz[],
              ${pgArrayLiteral(fresh.map((b) => b.churnedAt))}::timestamptz[], ${pgArrayLiteral(fresh.map((b) => b.retentionCostCents ?? 0))}::int[])
            returning id, external_id, status, signed_up_at, plan, mrr_cents`,
      );
      const paying = rows.filter((r) => r.status !== CustomerStatus.TRIAL);
      if (paying.length > 0) {
        await tx.execute(sql`insert into plan_changes (customer_id, at, plan, mrr_cents, term_months)
          select * from unnest(${pgArrayLiteral(paying.map((r) => r.id))}::uuid[], ${pgArrayLiteral(paying.map((r) => new Date(r.signed_up_at)))}::timestamptz[],
            ${pgArrayLiteral(paying.map((r) => r.plan))}::text[], ${pgArrayLiteral(paying.map((r) => Number(r.mrr_cents)))}::int[],
            ${pgArrayLiteral(paying.map((r) => termOf.get(r.external_id) ?? null))}::smallint[])`);
      }
      written.push(...rows.map((r) => r.id));
    }
    if (changed.length > 0) {
      const ids = changed.map((b) => byExternalId.get(b.externalId)!.id);
      await tx.execute(sql`
        update customers c set name = u.name, niche = u.niche, acquisition_channel = u.channel,
               retention_cost_cents = coalesce(u.retention, c.retention_cost_cents), updated_at = ${now.toISOString()}::timestamptz
          from unnest(${pgArrayLiteral(ids)}::uuid[], ${pgArrayLiteral(changed.map((b) => b.name))}::text[], ${pgArrayLiteral(changed.map((b) => b.niche))}::text[],
                      ${pgArrayLiteral(changed.map((b) => b.acquisitionChannel))}::text[], ${pgArrayLiteral(changed.map((b) => b.retentionCostCents ?? null))}::int[])
               as u(id, name, niche, channel, retention)
         where c.id = u.id`);
      written.push(...ids);
    }
    await refreshScores(tx, written, now, scoring);
    return { created: fresh.length, updated: changed.length, featured: await landingSubjects(tx, written) };
  });
}

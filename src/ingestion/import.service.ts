import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import { parse } from "csv-parse";
import { sql } from "drizzle-orm";
import type { Database } from "../db/client.js";
import type { ServiceContext } from "../common/service-context.js";
import type { ScoringConfig } from "../config/config.js";
import { queryRows } from "../db/client.js";
import { pgArrayLiteral } from "../db/arrays.js";
import { toAppError } from "../common/errors.js";
import { validateCustomerInput } from "../customers/customer.service.js";
import { CustomerStatus } from "../customers/customer.enums.js";
import { refreshScores } from "../intelligence/scores.service.js";
import { isCaseStudySubject } from "../landing/landing.repository.js";
import { ingestEvents } from "./ingestion.service.js";
import { drainScoreQueue } from "../intelligence/score-queue.js";

// Bulk import from files, streamed: rows are read, validated and written in batches, so a file of
// any size never sits in memory whole. Re-running a file changes nothing.

export interface RowError {
  /** 1-based line (CSV: data rows after the header count from line 2). */
  line: number;
  reason: string;
}

export interface ImportSummary {
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  rejected: number;
  errors: RowError[];
}

export interface ImportOptions {
  batchSize?: number;
  /** Called with the bytes read so far, for a progress bar. */
  onProgress?: (bytesRead: number) => void;
  /** Called for each refused row (the summary keeps the first 1,000). */
  onError?: (error: RowError) => void;
  now?: Date;
}

const MAX_KEPT_ERRORS = 1_000;
const COLUMNS = ["external_id", "name", "niche", "plan", "mrr_cents", "acquisition_channel", "status", "signed_up_at", "retention_cost_cents"] as const;

/** The file as a stream reporting its progress, and the summary that refused rows go into. */
function startImport(file: string, options: ImportOptions) {
  const summary: ImportSummary = { rows: 0, created: 0, updated: 0, unchanged: 0, rejected: 0, errors: [] };
  const reject = (error: RowError) => {
    summary.rejected++;
    if (summary.errors.length < MAX_KEPT_ERRORS) summary.errors.push(error);
    options.onError?.(error);
  };
  const input = createReadStream(file);
  let bytes = 0;
  input.on("data", (chunk) => {
    bytes += chunk.length;
    options.onProgress?.(bytes);
  });
  return { summary, reject, input };
}

const emptyToNull = (value: string | undefined) => (value === undefined || value.trim() === "" ? null : value.trim());

function integerCell(field: string, raw: string | null): number | null {
  if (raw === null) return null;
  if (!/^-?\d+$/.test(raw)) throw new Error(`${field}: must be a whole number of cents`);
  return Number(raw);
}

/** A CSV row as upsertCustomer's input, validated by the same rules; throws "field: problem". */
function customerFromRow(row: Record<string, string>, now: Date) {
  const status = emptyToNull(row.status)?.toUpperCase() ?? null;
  if (status !== null && !(status in CustomerStatus)) throw new Error(`status: must be TRIAL, ACTIVE or CHURNED`);
  const signedUp = emptyToNull(row.signed_up_at);
  if (signedUp !== null && Number.isNaN(Date.parse(signedUp))) throw new Error("signed_up_at: must be an ISO-8601 date");
  return validateCustomerInput(
    {
      externalId: row.external_id ?? "",
      name: row.name ?? "",
      niche: emptyToNull(row.niche),
      plan: emptyToNull(row.plan),
      mrrCents: integerCell("mrr_cents", emptyToNull(row.mrr_cents)) ?? 0,
      acquisitionChannel: emptyToNull(row.acquisition_channel),
      status: status as CustomerStatus | null,
      signedUpAt: signedUp === null ? null : new Date(signedUp),
      retentionCostCents: integerCell("retention_cost_cents", emptyToNull(row.retention_cost_cents)),
    },
    now,
  );
}

type CustomerValues = ReturnType<typeof validateCustomerInput>;

/**
 * Writes one batch in one transaction: new customers are inserted (with their first billing row
 * unless on trial), existing ones updated only where a field differs (a billing change of an
 * active customer adds a plan change, as upsertCustomer does), the rest left alone; the customers
 * written are rescored. Status and signup of existing customers are left to events.
 */
async function writeCustomerBatch(db: Database, batch: CustomerValues[], now: Date, scoring: ScoringConfig): Promise<{ created: number; updated: number; featured: boolean }> {
  return db.transaction(async (tx) => {
    const existing = await queryRows<{ id: string; external_id: string; name: string; niche: string | null; plan: string | null; mrr_cents: number; acquisition_channel: string | null; retention_cost_cents: number; status: string }>(
      tx,
      sql`select id, external_id, name, niche, plan, mrr_cents, acquisition_channel, retention_cost_cents, status
            from customers where external_id = any(${pgArrayLiteral(batch.map((b) => b.externalId))}::text[]) order by id for no key update`,
    );
    const byExternalId = new Map(existing.map((r) => [r.external_id, r]));
    const fresh = batch.filter((b) => !byExternalId.has(b.externalId));
    const changed = batch.filter((b) => {
      const row = byExternalId.get(b.externalId);
      return (
        row !== undefined &&
        (row.name !== b.name || row.niche !== b.niche || row.plan !== b.plan || Number(row.mrr_cents) !== b.mrrCents ||
          row.acquisition_channel !== b.acquisitionChannel || (b.retentionCostCents !== undefined && Number(row.retention_cost_cents) !== b.retentionCostCents))
      );
    });
    const written: string[] = [];
    if (fresh.length > 0) {
      const status = fresh.map((b) => b.status ?? "ACTIVE");
      const signedUp = fresh.map((b) => b.signedUpAt ?? now);
      const rows = await queryRows<{ id: string; status: string; signed_up_at: string; plan: string | null; mrr_cents: number }>(
        tx,
        sql`insert into customers (external_id, name, niche, plan, mrr_cents, acquisition_channel, status, signed_up_at, churned_at, retention_cost_cents)
            select * from unnest(${pgArrayLiteral(fresh.map((b) => b.externalId))}::text[], ${pgArrayLiteral(fresh.map((b) => b.name))}::text[],
              ${pgArrayLiteral(fresh.map((b) => b.niche))}::text[], ${pgArrayLiteral(fresh.map((b) => b.plan))}::text[],
              ${pgArrayLiteral(fresh.map((b) => b.mrrCents))}::int[], ${pgArrayLiteral(fresh.map((b) => b.acquisitionChannel))}::text[],
              ${pgArrayLiteral(status)}::customer_status[], ${pgArrayLiteral(signedUp)}::timestamptz[],
              ${pgArrayLiteral(status.map((s) => (s === "CHURNED" ? now : null)))}::timestamptz[],
              ${pgArrayLiteral(fresh.map((b) => b.retentionCostCents ?? 0))}::int[])
            returning id, status, signed_up_at, plan, mrr_cents`,
      );
      const paying = rows.filter((r) => r.status !== "TRIAL");
      if (paying.length > 0) {
        await tx.execute(sql`insert into plan_changes (customer_id, at, plan, mrr_cents)
          select * from unnest(${pgArrayLiteral(paying.map((r) => r.id))}::uuid[], ${pgArrayLiteral(paying.map((r) => new Date(r.signed_up_at)))}::timestamptz[],
            ${pgArrayLiteral(paying.map((r) => r.plan))}::text[], ${pgArrayLiteral(paying.map((r) => Number(r.mrr_cents)))}::int[])`);
      }
      written.push(...rows.map((r) => r.id));
    }
    if (changed.length > 0) {
      const ids = changed.map((b) => byExternalId.get(b.externalId)!.id);
      await tx.execute(sql`
        update customers c set name = u.name, niche = u.niche, plan = u.plan, mrr_cents = u.mrr_cents,
               acquisition_channel = u.channel, retention_cost_cents = coalesce(u.retention, c.retention_cost_cents), updated_at = ${now.toISOString()}::timestamptz
          from unnest(${pgArrayLiteral(ids)}::uuid[], ${pgArrayLiteral(changed.map((b) => b.name))}::text[], ${pgArrayLiteral(changed.map((b) => b.niche))}::text[],
                      ${pgArrayLiteral(changed.map((b) => b.plan))}::text[], ${pgArrayLiteral(changed.map((b) => b.mrrCents))}::int[],
                      ${pgArrayLiteral(changed.map((b) => b.acquisitionChannel))}::text[], ${pgArrayLiteral(changed.map((b) => b.retentionCostCents ?? null))}::int[])
               as u(id, name, niche, plan, mrr_cents, channel, retention)
         where c.id = u.id`);
      const billing = changed.filter((b) => {
        const row = byExternalId.get(b.externalId)!;
        return row.status === "ACTIVE" && (row.plan !== b.plan || Number(row.mrr_cents) !== b.mrrCents);
      });
      if (billing.length > 0) {
        await tx.execute(sql`insert into plan_changes (customer_id, at, plan, mrr_cents, previous_mrr_cents)
          select * from unnest(${pgArrayLiteral(billing.map((b) => byExternalId.get(b.externalId)!.id))}::uuid[], ${pgArrayLiteral(billing.map(() => now))}::timestamptz[],
            ${pgArrayLiteral(billing.map((b) => b.plan))}::text[], ${pgArrayLiteral(billing.map((b) => b.mrrCents))}::int[],
            ${pgArrayLiteral(billing.map((b) => Number(byExternalId.get(b.externalId)!.mrr_cents)))}::int[])`);
      }
      written.push(...ids);
    }
    await refreshScores(tx, written, now, scoring);
    return { created: fresh.length, updated: changed.length, featured: await isCaseStudySubject(tx, written) };
  });
}

/**
 * Imports customers from a CSV file with a header row (external_id, name, niche, plan, mrr_cents,
 * acquisition_channel, status, signed_up_at, retention_cost_cents; only external_id and name are
 * required). A refused row is reported with its line and reason and skipped; a later row with the
 * same external_id in one batch wins.
 */
export async function importCustomersCsv({ db, changes, scoring }: ServiceContext, file: string, options: ImportOptions = {}): Promise<ImportSummary> {
  const now = options.now ?? new Date();
  const batchSize = options.batchSize ?? 2_000;
  const { summary, reject, input } = startImport(file, options);
  const parser = input.pipe(parse({ columns: (header: string[]) => header.map((h) => h.trim().toLowerCase()), skip_empty_lines: true, relax_column_count: true, trim: true, info: true }));
  let batch = new Map<string, CustomerValues>();
  let featured = false;
  const flush = async () => {
    if (batch.size === 0) return;
    const values = [...batch.values()];
    batch = new Map();
    const written = await writeCustomerBatch(db, values, now, scoring);
    summary.created += written.created;
    summary.updated += written.updated;
    summary.unchanged += values.length - written.created - written.updated;
    featured ||= written.featured;
  };
  let checkedHeader = false;
  for await (const { record, info } of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>) {
    if (!checkedHeader) {
      const missing = (["external_id", "name"] as const).filter((c) => !(c in record));
      if (missing.length > 0) throw new Error(`the header must name ${missing.join(" and ")} (columns: ${COLUMNS.join(", ")})`);
      checkedHeader = true;
    }
    summary.rows++;
    try {
      const values = customerFromRow(record, now);
      batch.set(values.externalId, values);
    } catch (error) {
      reject({ line: info.lines, reason: toAppError(error)?.message ?? (error as Error).message });
      continue;
    }
    if (batch.size >= batchSize) await flush();
  }
  await flush();
  if (featured) changes.publish({ kind: "landing", scope: "all" });
  summary.errors.sort((a, b) => a.line - b.line);
  return summary;
}

/**
 * Imports webhook events from an NDJSON file (one event a line), in batches through the same
 * ingestion as POST /webhooks/events: idempotent by event id, each event validated on its own.
 * `created` counts events stored, `unchanged` events already stored.
 */
export async function importEventsNdjson(context: ServiceContext, file: string, options: ImportOptions = {}): Promise<ImportSummary> {
  const batchSize = Math.min(options.batchSize ?? 500, 1_000);
  const { summary, reject, input } = startImport(file, options);
  let batch: { line: number; event: unknown }[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const current = batch;
    batch = [];
    const result = await ingestEvents(context, { events: current.map((b) => b.event) }, options.now);
    result.events.forEach((outcome, i) => {
      if (outcome.status === "accepted") summary.created++;
      else if (outcome.status === "duplicate") summary.unchanged++;
      else reject({ line: current[i]!.line, reason: outcome.reason ?? "rejected" });
    });
  };
  let line = 0;
  for await (const text of createInterface({ input, crlfDelay: Infinity })) {
    line++;
    if (text.trim() === "") continue;
    summary.rows++;
    try {
      batch.push({ line, event: JSON.parse(text) });
    } catch {
      reject({ line, reason: "not valid JSON" });
      continue;
    }
    if (batch.length >= batchSize) await flush();
  }
  await flush();
  // The webhook path queues rescoring for the job runner; an import rescores before it reports.
  await drainScoreQueue(context, options.now);
  summary.errors.sort((a, b) => a.line - b.line);
  return summary;
}

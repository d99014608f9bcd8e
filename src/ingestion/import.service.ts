import { createReadStream } from "node:fs";
import type { ServiceContext } from "../common/service-context.js";
import { assetsChange, MAX_CHANGE_IDS } from "../common/changes.js";
import { parseRfc3339 } from "../common/dates.js";
import { ingestEvents } from "./ingestion.service.js";
import { drainScoreQueue } from "../intelligence/score-queue.js";
import { byteLines, csvRecords, MAX_LINE_BYTES, strictUtf8, type CsvRecord } from "./file-lines.js";
import { sortedByTime, type TimedLine } from "./events-by-time.js";
import { COLUMNS, customerFromRow, rowProblem, writeCustomerBatch, type CustomerValues } from "./import.customers.js";

// Bulk import from files, streamed: rows are read, validated and written in batches, so a file of
// any size never sits in memory whole. Re-running a file changes nothing.

export interface RowError {
  /** 1-based line (CSV: data rows after the header count from line 2; a record spanning lines, its first). */
  line: number;
  /** "column: problem" (CSV: the file's column; events: the event's field), or a problem of the whole line. */
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
  /** Events sorted in memory at once before the sort spills to temporary files (events-by-time.ts). */
  sortRunLines?: number;
}

const MAX_KEPT_ERRORS = 1_000;

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

/** A CSV record as a row by column name, each cell decoded strictly as UTF-8; throws "column: problem". */
function rowOf(header: string[], record: CsvRecord): Record<string, string> {
  if ("reason" in record) throw new Error(record.field === null ? record.reason : `${header[record.field] ?? `field ${record.field + 1}`}: ${record.reason}`);
  if (record.fields.length > header.length) throw new Error(`${record.fields.length} fields where the header names ${header.length} columns (a comma in an unquoted value?)`);
  const row: Record<string, string> = {};
  record.fields.forEach((bytes, i) => {
    const text = strictUtf8(bytes);
    if (text === null) throw new Error(`${header[i]}: not valid UTF-8 (the file must be UTF-8)`);
    row[header[i]!] = text;
  });
  return row;
}

function headerOf(record: CsvRecord): string[] {
  if ("reason" in record) throw new Error(`the header (line ${record.line}): ${record.reason}`);
  const header = record.fields.map((bytes) => strictUtf8(bytes)?.trim().toLowerCase());
  if (header.includes(undefined)) throw new Error(`the header (line ${record.line}) is not valid UTF-8`);
  const missing = (["external_id", "name"] as const).filter((c) => !header.includes(c));
  if (missing.length > 0) throw new Error(`the header (line ${record.line}) must name ${missing.join(" and ")} (columns: ${COLUMNS.join(", ")})`);
  return header as string[];
}

/**
 * Imports customers from a CSV file (RFC 4180, UTF-8) with a header row naming any of COLUMNS;
 * only external_id and name are required. A refused row (malformed quoting, invalid UTF-8, a bad
 * value) is reported with its line and reason and skipped, and the rows after it are still read;
 * a later row with the same external_id in one batch wins. See import.customers.ts for what a row
 * writes to a customer that exists.
 */
export async function importCustomersCsv({ db, changes, scoring }: ServiceContext, file: string, options: ImportOptions = {}): Promise<ImportSummary> {
  const now = options.now ?? new Date();
  const batchSize = options.batchSize ?? 2_000;
  const { summary, reject, input } = startImport(file, options);
  let batch = new Map<string, CustomerValues>();
  // The customers landing pages feature among those written, kept while a change can name them.
  const featured = new Set<string>();
  const flush = async () => {
    if (batch.size === 0) return;
    const values = [...batch.values()];
    batch = new Map();
    const written = await writeCustomerBatch(db, values, now, scoring);
    summary.created += written.created;
    summary.updated += written.updated;
    summary.unchanged += values.length - written.created - written.updated;
    for (const id of written.featured) if (featured.size <= MAX_CHANGE_IDS) featured.add(id);
  };
  let header: string[] | undefined;
  for await (const record of csvRecords(byteLines(input))) {
    if (header === undefined) {
      header = headerOf(record);
      continue;
    }
    summary.rows++;
    try {
      const values = customerFromRow(rowOf(header, record), now);
      batch.set(values.externalId, values);
    } catch (error) {
      reject({ line: record.line, reason: rowProblem(error) });
      continue;
    }
    if (batch.size >= batchSize) await flush();
  }
  await flush();
  if (featured.size > 0) changes.publish(assetsChange([], [...featured]));
  summary.errors.sort((a, b) => a.line - b.line);
  return summary;
}

/** The file's events as JSON text with their time; a line that is not UTF-8 or not JSON is refused here. */
async function* eventLines(input: AsyncIterable<Buffer>, summary: ImportSummary, reject: (error: RowError) => void): AsyncGenerator<TimedLine> {
  for await (const { line, bytes, tooLong } of byteLines(input)) {
    const text = tooLong ? undefined : strictUtf8(bytes);
    if (text?.trim() === "") continue;
    summary.rows++;
    if (text === undefined) reject({ line, reason: `the line is longer than ${MAX_LINE_BYTES} bytes` });
    else if (text === null) reject({ line, reason: "not valid UTF-8 (the file must be UTF-8)" });
    else {
      let event: unknown;
      try {
        event = JSON.parse(text);
      } catch (error) {
        reject({ line, reason: `not valid JSON (${(error as Error).message})` });
        continue;
      }
      const at = (event as { at?: unknown } | null)?.at;
      yield { key: (typeof at === "string" ? parseRfc3339(at)?.getTime() : undefined) ?? -Infinity, line, text };
    }
  }
}

/**
 * Imports webhook events from an NDJSON file (one event a line, UTF-8) through the same ingestion
 * as POST /webhooks/events: idempotent by event id, each event validated on its own. The events
 * are ingested in time order (`at`) across the whole file, in batches, so each is judged against
 * the customer's state as the file's earlier events left it, wherever the batches split.
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
  for await (const { line, text } of sortedByTime(eventLines(input, summary, reject), options.sortRunLines)) {
    batch.push({ line, event: JSON.parse(text) });
    if (batch.length >= batchSize) await flush();
  }
  await flush();
  // The webhook path queues rescoring for the job runner; an import rescores before it reports.
  await drainScoreQueue(context, options.now);
  summary.errors.sort((a, b) => a.line - b.line);
  return summary;
}

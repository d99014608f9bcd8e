import type { Response } from "express";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { stringify } from "csv-stringify";

export type CsvCell = string | number | boolean | Date | null | undefined;

export interface CsvColumn<T> {
  header: string;
  value: (row: T) => CsvCell;
}

/** Rows fetched per statement: large enough that a 100,000-row export is ~30 round trips, small enough to stay a few MB. */
export const EXPORT_BATCH_SIZE = 2_000;

/**
 * Writes batches of rows as an RFC 4180 CSV download (CRLF, quoted where needed, UTF-8 with a
 * BOM so spreadsheets read names right). csv-stringify's escape_formulas prefixes a cell that
 * starts with = + - @ tab or CR with ' (a negative number stays a number), so no cell of
 * customer-supplied text runs as a formula. The next batch is fetched only when the response
 * has drained (pipeline), so memory stays bounded whatever the row count. The response is left
 * open: the caller ends it (after recording the export), so a client holding the whole file can
 * rely on what was recorded. Resolves with the number of rows written; rejects when the client
 * goes away or a batch fails.
 */
export async function streamCsv<T>(res: Response, filename: string, columns: readonly CsvColumn<T>[], batches: AsyncIterable<T[]>): Promise<number> {
  let rows = 0;
  async function* records() {
    for await (const batch of batches) {
      for (const row of batch) {
        rows++;
        yield columns.map((column) => column.value(row) ?? null);
      }
    }
  }
  res.status(200);
  res.set({ "Content-Type": "text/csv; charset=utf-8", "Content-Disposition": `attachment; filename="${filename}"`, "X-Content-Type-Options": "nosniff" });
  const csv = stringify({
    header: true,
    columns: columns.map((column) => column.header),
    bom: true,
    record_delimiter: "windows",
    escape_formulas: true,
    cast: { date: (d) => d.toISOString(), boolean: (b) => (b ? "true" : "false") },
  });
  await pipeline(Readable.from(records()), csv, res, { end: false });
  return rows;
}

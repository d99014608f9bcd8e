import { getTableColumns, getTableName, sql, type SQL } from "drizzle-orm";
import type { PgTable } from "drizzle-orm/pg-core";

/**
 * A table's rows read with hand-written SQL and mapped as drizzle maps them (column names to
 * keys, timestamps to Dates): for the statements of hot paths. Drizzle's query builder costs
 * 60-150 µs of CPU a statement (BENCHMARKS.md, "Stripe webhook"), a `sql` template about 4;
 * the column list and the mapping are worked out once per table here.
 */
export interface TableRows<Row> {
  /** `"table"."column", …` in the table's declared order. */
  readonly columns: SQL;
  /** `"table"`. */
  readonly table: SQL;
  /** A raw row (as the driver returns it) as the table's typed row. */
  map(raw: Record<string, unknown>): Row;
}

export function tableRows<T extends PgTable>(table: T): TableRows<T["$inferSelect"]> {
  const name = getTableName(table);
  const columns = Object.entries(getTableColumns(table));
  return {
    columns: sql.raw(columns.map(([, column]) => `"${name}"."${column.name}"`).join(", ")),
    table: sql.raw(`"${name}"`),
    map(raw) {
      const row: Record<string, unknown> = {};
      for (const [key, column] of columns) {
        const value = raw[column.name];
        row[key] = value === null || value === undefined ? null : column.mapFromDriverValue(value);
      }
      return row as T["$inferSelect"];
    },
  };
}

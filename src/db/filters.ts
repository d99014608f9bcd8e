import { sql, type SQL } from "drizzle-orm";

/**
 * `column = value::type`, or `true` when the value is null (meaning "all"). An optional filter is
 * written this way, not as `(value::type is null or column = value::type)`: the statements are
 * prepared (prepared-statements.ts), and a generic plan cannot know that the value is null, so
 * the `or` form would keep the column's index out of it (a sequential scan to find one row).
 * `type` is a constant of the caller's SQL, never a value.
 */
export const equalsOrAll = (column: SQL, value: string | null | undefined, type: string): SQL =>
  value == null ? sql`true` : sql`${column} = ${value}::${sql.raw(type)}`;

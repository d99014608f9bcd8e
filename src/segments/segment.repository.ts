import { asc, eq, sql, type SQL } from "drizzle-orm";
import { pgArrayLiteral } from "../db/arrays.js";
import { queryRows, type Executor } from "../db/client.js";
import { customers, segments } from "../db/schema/index.js";
import type { SegmentRule } from "./segment.type.js";
import { segmentCondition, segmentSource } from "./segment.sql.js";

export type SegmentRow = typeof segments.$inferSelect;

// Async on purpose: a drizzle query is a lazy thenable that runs again each time it is awaited,
// and callers cache this promise.
export async function listSegmentRows(ex: Executor): Promise<SegmentRow[]> {
  return ex.select().from(segments).orderBy(asc(segments.name));
}

export async function findSegmentById(ex: Executor, id: string): Promise<SegmentRow | undefined> {
  const [row] = await ex.select().from(segments).where(eq(segments.id, id));
  return row;
}

const rulesOf = (segment: SegmentRow) => segment.rules as SegmentRule[];

/** Members of each segment, in one statement: count(*) filter (where …) per segment. */
export async function countSegmentMembers(ex: Executor, list: readonly SegmentRow[]): Promise<Map<string, number>> {
  if (list.length === 0) return new Map();
  const counts = list.map((segment, i) => sql`count(*) filter (where ${segmentCondition(rulesOf(segment))})::int as ${sql.identifier(`s${i}`)}`);
  const [row] = await queryRows<Record<string, number>>(ex, sql`select ${sql.join(counts, sql`, `)} from ${segmentSource}`);
  return new Map(list.map((segment, i) => [segment.id, Number(row?.[`s${i}`] ?? 0)]));
}

/** A page of member ids for each of several segments, in one statement (a union of pages). */
export async function segmentMemberPages(
  ex: Executor,
  list: readonly SegmentRow[],
  afterId: string | null,
  limit: number,
): Promise<Map<string, string[]>> {
  if (list.length === 0) return new Map();
  const after: SQL = afterId ? sql` and ${customers.id} > ${afterId}` : sql``;
  const pages = list.map(
    (segment, i) =>
      sql`(select ${i}::int as segment, ${customers.id} as customer_id from ${segmentSource}
           where ${segmentCondition(rulesOf(segment))}${after} order by ${customers.id} limit ${limit})`,
  );
  const rows = await queryRows<{ segment: number; customer_id: string }>(ex, sql.join(pages, sql` union all `));
  const result = new Map<string, string[]>(list.map((segment) => [segment.id, []]));
  for (const row of rows.sort((a, b) => (a.customer_id < b.customer_id ? -1 : 1))) result.get(list[row.segment]!.id)!.push(row.customer_id);
  return result;
}

/** Which of these segments each of these customers belongs to, in one statement. */
export async function segmentsOfCustomers(ex: Executor, list: readonly SegmentRow[], customerIds: readonly string[]) {
  const result = new Map<string, SegmentRow[]>(customerIds.map((id) => [id, []]));
  if (list.length === 0 || customerIds.length === 0) return result;
  const ids = pgArrayLiteral(customerIds);
  const checks = list.map(
    (segment, i) =>
      sql`select ${i}::int as segment, ${customers.id} as customer_id from ${segmentSource}
          where ${customers.id} = any(${ids}::uuid[]) and ${segmentCondition(rulesOf(segment))}`,
  );
  const rows = await queryRows<{ segment: number; customer_id: string }>(ex, sql.join(checks, sql` union all `));
  for (const row of rows.sort((a, b) => a.segment - b.segment)) result.get(row.customer_id)?.push(list[row.segment]!);
  return result;
}

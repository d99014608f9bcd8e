import { desc, inArray, sql } from "drizzle-orm";
import { pgArrayLiteral } from "../db/arrays.js";
import type { Executor } from "../db/client.js";
import { churnModels, customerScores } from "../db/schema/index.js";

export type ScoreRow = typeof customerScores.$inferSelect;
export type ChurnModelRow = typeof churnModels.$inferSelect;

export const findScoresByCustomerIds = (ex: Executor, ids: readonly string[]) =>
  ex.select().from(customerScores).where(inArray(customerScores.customerId, [...ids]));

export async function findActiveChurnModel(ex: Executor): Promise<ChurnModelRow | undefined> {
  const [row] = await ex.select().from(churnModels).orderBy(desc(churnModels.version)).limit(1);
  return row;
}

const COLUMNS: (keyof ScoreRow)[] = [
  "customerId",
  "computedAt",
  "healthScore",
  "healthBand",
  "healthBreakdown",
  "healthTrend",
  "advocacyScore",
  "churnRisk",
  "churnModelVersion",
  "successful",
  "usageRatio",
  "nps",
  "csat",
  "csatRecent",
  "supportTickets90d",
  "upsellCount",
  "lifetimeValueCents",
  "tenureDays",
  "activityEvents28d",
];

/** Writes many customers' scores in one statement (one array parameter per column). */
export async function upsertScores(ex: Executor, rows: readonly ScoreRow[]): Promise<void> {
  if (rows.length === 0) return;
  const columns = COLUMNS.map((key) => customerScores[key]);
  const arrays = columns.map(
    (column, i) => sql`${pgArrayLiteral(rows.map((row) => row[COLUMNS[i]!]))}::${sql.raw(column.getSQLType())}[]`,
  );
  const names = columns.map((column) => sql.identifier(column.name));
  const updates = columns.slice(1).map((column) => sql`${sql.identifier(column.name)} = excluded.${sql.identifier(column.name)}`);
  await ex.execute(
    sql`insert into ${customerScores} (${sql.join(names, sql`, `)})
        select * from unnest(${sql.join(arrays, sql`, `)})
        on conflict (customer_id) do update set ${sql.join(updates, sql`, `)}`,
  );
}

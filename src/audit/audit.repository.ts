import { and, desc, eq, lt, sql } from "drizzle-orm";
import type { Executor } from "../db/client.js";
import { adminAuditLog } from "../db/schema/index.js";

export type AuditRow = typeof adminAuditLog.$inferSelect;
export type NewAuditRow = typeof adminAuditLog.$inferInsert;

/** One statement for all the root fields of a mutation. */
export async function insertAuditRows(db: Executor, rows: NewAuditRow[]): Promise<void> {
  if (rows.length > 0) await db.insert(adminAuditLog).values(rows);
}

export interface AuditListFilter {
  operation: string | null;
}

/** Newest first, `limit` rows older than `beforeId`. */
export function listAuditRows(db: Executor, filter: AuditListFilter, limit: number, beforeId: number | null): Promise<AuditRow[]> {
  const where = and(filter.operation ? eq(adminAuditLog.operation, filter.operation) : undefined, beforeId !== null ? lt(adminAuditLog.id, beforeId) : undefined);
  return db.select().from(adminAuditLog).where(where).orderBy(desc(adminAuditLog.id)).limit(limit);
}

export async function countAuditRows(db: Executor, filter: AuditListFilter): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(adminAuditLog)
    .where(filter.operation ? eq(adminAuditLog.operation, filter.operation) : undefined);
  return row?.n ?? 0;
}

import { and, asc, count, eq, gt, inArray, isNull } from "drizzle-orm";
import type { Executor } from "../db/client.js";
import { affiliateApiKeys, affiliates } from "../db/schema/index.js";

export type AffiliateRow = typeof affiliates.$inferSelect;
export type AffiliateApiKeyRow = typeof affiliateApiKeys.$inferSelect;

export async function findAffiliateByCode(ex: Executor, code: string): Promise<AffiliateRow | undefined> {
  const [row] = await ex.select().from(affiliates).where(eq(affiliates.code, code));
  return row;
}

export async function findAffiliateById(ex: Executor, id: string): Promise<AffiliateRow | undefined> {
  const [row] = await ex.select().from(affiliates).where(eq(affiliates.id, id));
  return row;
}

export async function findAffiliateByCustomerId(ex: Executor, customerId: string): Promise<AffiliateRow | undefined> {
  const [row] = await ex.select().from(affiliates).where(eq(affiliates.customerId, customerId));
  return row;
}

export const findAffiliatesByIds = (ex: Executor, ids: readonly string[]) =>
  ex.select().from(affiliates).where(inArray(affiliates.id, [...ids]));

export const findAffiliatesByCustomerIds = (ex: Executor, customerIds: readonly string[]) =>
  ex.select().from(affiliates).where(inArray(affiliates.customerId, [...customerIds]));

export const listAffiliates = (ex: Executor, afterId: string | null, limit: number) =>
  ex
    .select()
    .from(affiliates)
    .where(afterId ? gt(affiliates.id, afterId) : undefined)
    .orderBy(asc(affiliates.id))
    .limit(limit);

export async function countAffiliates(ex: Executor): Promise<number> {
  const [row] = await ex.select({ n: count() }).from(affiliates);
  return row?.n ?? 0;
}

/** The affiliate behind a live (unrevoked) key, and whether it is suspended: one indexed lookup per affiliate request. */
export async function findAffiliateByKeyHash(ex: Executor, keyHash: string): Promise<{ affiliateId: string; suspended: boolean } | undefined> {
  const [row] = await ex
    .select({ affiliateId: affiliateApiKeys.affiliateId, suspendedAt: affiliates.suspendedAt })
    .from(affiliateApiKeys)
    .innerJoin(affiliates, eq(affiliates.id, affiliateApiKeys.affiliateId))
    .where(and(eq(affiliateApiKeys.keyHash, keyHash), isNull(affiliateApiKeys.revokedAt)));
  return row && { affiliateId: row.affiliateId, suspended: row.suspendedAt !== null };
}

export const findApiKeysByAffiliateIds = (ex: Executor, affiliateIds: readonly string[]) =>
  ex
    .select()
    .from(affiliateApiKeys)
    .where(inArray(affiliateApiKeys.affiliateId, [...affiliateIds]))
    .orderBy(asc(affiliateApiKeys.createdAt));

import { and, asc, eq, isNull, lt, or } from "drizzle-orm";
import type { Executor } from "../db/client.js";
import { serverKeys } from "../db/schema/index.js";

export type ServerKeyRow = typeof serverKeys.$inferSelect;

/** How stale lastUsedAt may get: a busy key then costs one write a minute, not one per request. */
const LAST_USED_RESOLUTION_MS = 60_000;

/**
 * The live (unrevoked) key with this hash, marked used: one indexed lookup per server request,
 * and an update of lastUsedAt only when it is older than a minute.
 */
export async function findLiveServerKeyByHash(ex: Executor, keyHash: string, now: Date): Promise<Pick<ServerKeyRow, "id" | "scopes"> | undefined> {
  const [row] = await ex
    .select({ id: serverKeys.id, scopes: serverKeys.scopes, lastUsedAt: serverKeys.lastUsedAt })
    .from(serverKeys)
    .where(and(eq(serverKeys.keyHash, keyHash), isNull(serverKeys.revokedAt)));
  if (!row) return undefined;
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() >= LAST_USED_RESOLUTION_MS) {
    const stale = new Date(now.getTime() - LAST_USED_RESOLUTION_MS);
    await ex
      .update(serverKeys)
      .set({ lastUsedAt: now })
      .where(and(eq(serverKeys.id, row.id), or(isNull(serverKeys.lastUsedAt), lt(serverKeys.lastUsedAt, stale))));
  }
  return { id: row.id, scopes: row.scopes };
}

export const listServerKeys = (ex: Executor) => ex.select().from(serverKeys).orderBy(asc(serverKeys.createdAt), asc(serverKeys.id));

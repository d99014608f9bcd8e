import { and, asc, eq, gt } from "drizzle-orm";
import type { Executor } from "../db/client.js";
import { affiliates, commissionEntries, payouts } from "../db/schema/index.js";

/** A page of the commission ledger in id order (keyset), with the affiliate's code and the payout's reference. */
export function listLedgerEntries(ex: Executor, affiliateId: string | null, afterId: string | null, limit: number) {
  return ex
    .select({ entry: commissionEntries, affiliateCode: affiliates.code, payoutReference: payouts.reference })
    .from(commissionEntries)
    .innerJoin(affiliates, eq(affiliates.id, commissionEntries.affiliateId))
    .leftJoin(payouts, eq(payouts.id, commissionEntries.payoutId))
    .where(and(affiliateId ? eq(commissionEntries.affiliateId, affiliateId) : undefined, afterId ? gt(commissionEntries.id, afterId) : undefined))
    .orderBy(asc(commissionEntries.id))
    .limit(limit);
}

export type LedgerExportRow = Awaited<ReturnType<typeof listLedgerEntries>>[number];

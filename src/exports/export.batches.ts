import type { Database } from "../db/client.js";
import type { ScoringConfig } from "../config/config.js";
import { listCustomers, type CustomerListFilter, type CustomerRow } from "../customers/customer.repository.js";
import { scoresOfCustomers } from "../intelligence/scores.loaders.js";
import type { ScoreRow } from "../intelligence/scores.repository.js";
import { listAffiliates, type AffiliateRow } from "../affiliates/affiliate.repository.js";
import { affiliateAggregates, affiliateMonths } from "../affiliates/affiliate-stats.repository.js";
import { assembleAffiliateStats, type AffiliateStatsResult } from "../affiliates/affiliate-stats.js";
import { listLedgerEntries, type LedgerExportRow } from "./exports.repository.js";

/** Walks a keyset-paginated listing one batch at a time, until a short page. */
async function* keyset<T extends { id: string }, R>(batchSize: number, page: (afterId: string | null) => Promise<T[]>, enrich: (rows: T[]) => Promise<R[]>): AsyncGenerator<R[]> {
  let afterId: string | null = null;
  for (;;) {
    const rows = await page(afterId);
    if (rows.length > 0) yield await enrich(rows);
    if (rows.length < batchSize) return;
    afterId = rows.at(-1)!.id;
  }
}

export interface CustomerExportRow {
  customer: CustomerRow;
  scores: ScoreRow | undefined;
}

/** Customers of the filter in id order with their scores: two statements a batch (scores stored). */
export function customerBatches(db: Database, filter: CustomerListFilter, now: Date, scoring: ScoringConfig, batchSize: number) {
  return keyset(
    batchSize,
    (afterId) => listCustomers(db, filter, afterId, batchSize),
    async (rows): Promise<CustomerExportRow[]> => {
      const scores = await scoresOfCustomers(db, rows.map((row) => row.id), now, scoring);
      return rows.map((customer, i) => ({ customer, scores: scores[i] }));
    },
  );
}

export interface AffiliateExportRow {
  affiliate: AffiliateRow;
  stats: AffiliateStatsResult;
}

/** Affiliates in id order with Affiliate.stats (since the first referral, to now): three statements a batch. */
export function affiliateBatches(db: Database, now: Date, batchSize: number) {
  const window = { from: null, to: now };
  return keyset(
    batchSize,
    (afterId) => listAffiliates(db, afterId, batchSize),
    async (rows): Promise<AffiliateExportRow[]> => {
      const ids = rows.map((row) => row.id);
      const [aggregates, months] = await Promise.all([affiliateAggregates(db, ids, window), affiliateMonths(db, ids, window, now)]);
      const byId = new Map(aggregates.map((a) => [a.affiliateId, a]));
      const monthsOf = new Map<string, typeof months>();
      for (const m of months) monthsOf.set(m.affiliateId, [...(monthsOf.get(m.affiliateId) ?? []), m]);
      return rows.map((affiliate) => ({
        affiliate,
        stats: assembleAffiliateStats(
          byId.get(affiliate.id)!,
          monthsOf.get(affiliate.id) ?? [],
          { type: affiliate.commissionType, value: affiliate.commissionValue },
        ),
      }));
    },
  );
}

/** The commission ledger in entry-id order, of one affiliate or all: one statement a batch. */
export function ledgerBatches(db: Database, affiliateId: string | null, batchSize: number) {
  return keyset(
    batchSize,
    async (afterId) => (await listLedgerEntries(db, affiliateId, afterId, batchSize)).map((row) => ({ ...row, id: row.entry.id })),
    async (rows): Promise<LedgerExportRow[]> => rows,
  );
}

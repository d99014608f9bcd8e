import { eq, inArray, sql } from "drizzle-orm";
import type { Database, Transaction } from "../db/client.js";
import { affiliates, commissionEntries, payouts, referrals } from "../db/schema/index.js";
import { badInput } from "../common/errors.js";
import * as v from "../common/validate.js";
import { getAffiliateOrThrow } from "../affiliates/affiliate.service.js";
import { adjustAccruedPeriods, voidRefundedPending } from "./commission.adjustments.js";
import { queueScoreRefresh } from "../intelligence/score-queue.js";
import { convertPayments } from "../payments/payment.repository.js";
import { accrueCommissions, approveDue, lockApproved, voidChurnedPending, type PayoutRow } from "./commission.repository.js";

export interface LedgerRun {
  accrued: number;
  /** Entries voided because their period's payments were refunded in full (also counted in voided). */
  refundVoided: number;
  adjusted: number;
  voided: number;
  approved: number;
  ranAt: Date;
}

/**
 * One pass of the ledger, in one transaction: accrue the closed periods, void the PENDING ones
 * whose payments were refunded in full, adjust the accrued ones whose billing history or
 * payments changed since (late history, partial refunds, refunds after payout), void what churned
 * customers left pending (clawback), approve what has been held long enough. Instances running it
 * at once take turns (a transaction-scoped advisory lock), and every step is idempotent.
 */
/**
 * The ledger's refund steps for the affiliate that referred `customerId`, in the transaction that
 * just recorded a refund of its payment: a full refund of a PENDING period voids it at once, a
 * partial one (or one after approval or payout) adjusts it, rather than at the next ledger run.
 */
export async function settleRefunds(tx: Transaction, customerId: string, now: Date): Promise<void> {
  const [referral] = await tx.select({ affiliateId: referrals.affiliateId }).from(referrals).where(eq(referrals.customerId, customerId));
  if (!referral) return;
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext('advocate.commission_ledger'))`);
  await voidRefundedPending(tx, now, referral.affiliateId);
  await adjustAccruedPeriods(tx, now, referral.affiliateId);
}

export async function runCommissionLedger(
  db: Database,
  now: Date,
  holdDays: number,
  affiliateId: string | null = null,
  programCurrency: string | null = null,
): Promise<LedgerRun> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext('advocate.commission_ledger'))`);
    // Payments are converted as they are recorded and when a rate is; this catches a changed
    // PROGRAM_CURRENCY (null: the caller knows none changed).
    if (programCurrency !== null) await queueScoreRefresh(tx, await convertPayments(tx, programCurrency), now);
    const accrued = await accrueCommissions(tx, now, holdDays, affiliateId);
    const refundVoided = await voidRefundedPending(tx, now, affiliateId);
    const adjusted = await adjustAccruedPeriods(tx, now, affiliateId);
    const voided = (await voidChurnedPending(tx, now)) + refundVoided;
    const approved = await approveDue(tx, now);
    return { accrued, refundVoided, adjusted, voided, approved, ranAt: now };
  });
}

/**
 * Pays `amountCents` of an affiliate's APPROVED balance, oldest entries first. The balance is the
 * sum of the APPROVED entries: negative adjustments (late billing history) are netted, that is
 * settled by this payout, which then covers as much more of the positive entries. An entry the
 * amount only partly covers is split: the covered part is PAID, the rest stays APPROVED as a new
 * entry, so the ledger sums exactly (the PAID entries of a payout sum to its amount). More than
 * the balance is refused; a balance at or below zero pays nothing, and its negative amount stays
 * APPROVED, carried to the next payout.
 */
export async function recordPayout(
  db: Database,
  input: { affiliateId: string; amountCents: number; reference?: string | null },
  now = new Date(),
): Promise<PayoutRow> {
  const amount = v.cents("amountCents", input.amountCents);
  if (amount === 0) throw badInput("amountCents", "must be above 0");
  const reference = v.optionalText("reference", input.reference, 200);
  return db.transaction(async (tx) => {
    const affiliate = await getAffiliateOrThrow(tx, input.affiliateId);
    // One payout at a time per affiliate: the row lock serializes them.
    await tx.select({ id: affiliates.id }).from(affiliates).where(eq(affiliates.id, affiliate.id)).for("update");
    const approved = await lockApproved(tx, affiliate.id);
    const negatives = approved.filter((e) => e.amountCents < 0);
    const owed = -negatives.reduce((sum, e) => sum + e.amountCents, 0);
    const balance = approved.reduce((sum, e) => sum + e.amountCents, 0);
    const netted = owed > 0 ? ` (negative adjustments of ${owed} cents netted)` : "";
    if (balance <= 0 && owed > 0) {
      throw badInput("amountCents", `nothing is payable: the approved balance is ${balance} cents${netted}; the negative amount is carried to the next payout`);
    }
    if (amount > balance) throw badInput("amountCents", `exceeds the approved balance of ${balance} cents${netted}`);
    const [payout] = await tx.insert(payouts).values({ affiliateId: affiliate.id, amountCents: amount, reference, paidAt: now }).returning();
    const paidAs = { status: "PAID" as const, payoutId: payout!.id, paidAt: now };
    if (negatives.length > 0) await tx.update(commissionEntries).set(paidAs).where(inArray(commissionEntries.id, negatives.map((e) => e.id)));
    let remaining = amount + owed;
    for (const entry of approved) {
      if (remaining === 0) break;
      if (entry.amountCents < 0) continue;
      const paid = Math.min(entry.amountCents, remaining);
      remaining -= paid;
      await tx.update(commissionEntries).set({ ...paidAs, amountCents: paid }).where(eq(commissionEntries.id, entry.id));
      if (paid < entry.amountCents) {
        const { id: _id, createdAt: _createdAt, ...rest } = entry;
        await tx.insert(commissionEntries).values({ ...rest, period: null, revenueCents: 0, amountCents: entry.amountCents - paid, splitFromId: entry.id });
      }
    }
    return payout!;
  });
}

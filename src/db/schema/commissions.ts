import { sql } from "drizzle-orm";
import { bigint, check, doublePrecision, index, integer, pgEnum, pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { enumValues, id, timestamptz } from "./columns.js";
import { affiliates } from "./affiliates.js";
import { customers } from "./customers.js";
import { referrals } from "./referrals.js";
import { CommissionEntryKind, CommissionStatus } from "../../commissions/commission.enums.js";

/** PENDING while held, APPROVED once the hold passed, PAID by a payout, VOIDED by a clawback. */
export const commissionStatus = pgEnum("commission_status", enumValues(CommissionStatus));

/** ACCRUAL: a period's commission, once; ADJUSTMENT: a later correction of it (late billing history), any number. */
export const commissionEntryKind = pgEnum("commission_entry_kind", enumValues(CommissionEntryKind));

/** A payment to an affiliate, covering APPROVED ledger entries oldest first. */
export const payouts = pgTable(
  "payouts",
  {
    id: id(),
    affiliateId: uuid("affiliate_id")
      .notNull()
      .references(() => affiliates.id, { onDelete: "cascade" }),
    amountCents: bigint("amount_cents", { mode: "number" }).notNull(),
    /** The payment's reference in the payment system (transfer id, invoice number). */
    reference: text("reference"),
    paidAt: timestamptz("paid_at").notNull().defaultNow(),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
  },
  (t) => [
    index("payouts_affiliate_paid_idx").on(t.affiliateId, t.paidAt),
    check("payouts_amount_check", sql`${t.amountCents} > 0`),
  ],
);

/**
 * The commission ledger: one entry per referred customer and commission period (a 30.4375-day
 * month counted from the referral), from the revenue that customer actually paid in it. Entries
 * are never deleted: a clawback voids one (with its reason), a partial payout splits one into a
 * PAID part and an APPROVED rest, so the ledger always sums exactly. Billing history that arrives
 * after its period accrued adds an ADJUSTMENT entry (possibly negative): the period's entries
 * that are not voided sum to what it earns.
 */
export const commissionEntries = pgTable(
  "commission_entries",
  {
    id: id(),
    affiliateId: uuid("affiliate_id")
      .notNull()
      .references(() => affiliates.id, { onDelete: "cascade" }),
    referralId: uuid("referral_id")
      .notNull()
      .references(() => referrals.id, { onDelete: "cascade" }),
    customerId: uuid("customer_id")
      .notNull()
      .references(() => customers.id, { onDelete: "cascade" }),
    /** 0 for the first period after the referral; null for the part split off by a partial payout. */
    period: integer("period"),
    periodStart: timestamptz("period_start").notNull(),
    periodEnd: timestamptz("period_end").notNull(),
    /** What the customer paid in the period (whole cents, rounded down): the basis of a PERCENT entry. */
    revenueCents: bigint("revenue_cents", { mode: "number" }).notNull(),
    /** The plan in force when the entry accrued: PERCENT or FLAT, and the (tier's) value. */
    commissionType: text("commission_type").notNull(),
    rate: doublePrecision("rate").notNull(),
    amountCents: bigint("amount_cents", { mode: "number" }).notNull(),
    kind: commissionEntryKind("kind").notNull().default("ACCRUAL"),
    /** Why an ADJUSTMENT entry exists (which billing history changed). */
    reason: text("reason"),
    status: commissionStatus("status").notNull().default("PENDING"),
    /** When the hold ends: the period's end plus the holding period. */
    holdUntil: timestamptz("hold_until").notNull(),
    approvedAt: timestamptz("approved_at"),
    payoutId: uuid("payout_id").references(() => payouts.id, { onDelete: "restrict" }),
    paidAt: timestamptz("paid_at"),
    voidedAt: timestamptz("voided_at"),
    voidReason: text("void_reason"),
    /** The entry a partial payout split this one from. */
    splitFromId: uuid("split_from_id"),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
  },
  (t) => [
    // Accrual is idempotent: a period of a referral accrues once, however often the ledger runs
    // (adjustments of the period are further entries, outside the key).
    uniqueIndex("commission_entries_referral_period_key").on(t.referralId, t.period).where(sql`${t.kind} = 'ACCRUAL'`),
    // Adjustments sum a referral's entries by period.
    index("commission_entries_referral_start_idx").on(t.referralId, t.periodStart),
    // Balances, listings and payouts read one affiliate's entries by status, oldest first.
    index("commission_entries_affiliate_status_idx").on(t.affiliateId, t.status, t.periodEnd),
    // Clawbacks look up a churned customer's pending entries; approval scans what is due.
    index("commission_entries_customer_idx").on(t.customerId),
    index("commission_entries_pending_hold_idx").on(t.holdUntil).where(sql`${t.status} = 'PENDING'`),
    // Only an adjustment may take commission back.
    check("commission_entries_amount_check", sql`${t.amountCents} >= 0 or ${t.kind} = 'ADJUSTMENT'`),
  ],
);

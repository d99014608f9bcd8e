import { sql } from "drizzle-orm";
import { check, doublePrecision, index, integer, jsonb, pgEnum, pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { enumValues, id, lifecycleDates, timestamptz } from "./columns.js";
import { customers } from "./customers.js";
import { stakeholders } from "./stakeholders.js";
import { CommissionType } from "../../affiliates/affiliate.enums.js";

export interface CommissionTier {
  minActiveCustomers: number;
  value: number;
}

export const commissionType = pgEnum("commission_type", enumValues(CommissionType));

export const affiliates = pgTable(
  "affiliates",
  {
    id: id(),
    /** Lower-case, [a-z0-9_-]{2,64}: it appears in referral links, which are case-insensitive. */
    code: text("code").notNull(),
    name: text("name").notNull(),
    /** The customer this affiliate is, when it is one (at most one affiliate per customer). */
    customerId: uuid("customer_id").references(() => customers.id, { onDelete: "set null" }),
    /**
     * The person at that customer the program deals with: its champion, else its decision maker,
     * picked when the affiliate was created from the customer.
     */
    contactStakeholderId: uuid("contact_stakeholder_id").references(() => stakeholders.id, { onDelete: "set null" }),
    commissionType: commissionType("commission_type").notNull(),
    /** Percent of referred revenue (PERCENT) or integer cents per referred customer (FLAT). */
    commissionValue: doublePrecision("commission_value").notNull(),
    /** PERCENT: commissions are paid for this many months of each referred customer; null: for life. */
    commissionMonths: integer("commission_months"),
    /**
     * Higher values once the affiliate has enough active referred customers, ascending by
     * minActiveCustomers; the highest tier reached replaces commissionValue.
     */
    commissionTiers: jsonb("commission_tiers").$type<CommissionTier[]>().notNull().default([]),
    /** Set while suspended (affiliate_suspensions keeps every suspension): links work, nothing accrues, keys are refused. */
    suspendedAt: timestamptz("suspended_at"),
    suspensionReason: text("suspension_reason"),
    ...lifecycleDates,
  },
  (t) => [
    uniqueIndex("affiliates_code_key").on(t.code),
    uniqueIndex("affiliates_customer_id_key").on(t.customerId),
    // Deleting a customer cascades to its stakeholders, and each deleted stakeholder sets this
    // column to null: without the index every one of them would scan all affiliates.
    index("affiliates_contact_stakeholder_idx").on(t.contactStakeholderId),
    check("affiliates_commission_value_check", sql`${t.commissionValue} >= 0`),
    check("affiliates_commission_months_check", sql`${t.commissionMonths} is null or ${t.commissionMonths} > 0`),
  ],
);

/** Only a SHA-256 hash of each key is stored; the secret is shown once, at creation. */
export const affiliateApiKeys = pgTable(
  "affiliate_api_keys",
  {
    id: id(),
    affiliateId: uuid("affiliate_id")
      .notNull()
      .references(() => affiliates.id, { onDelete: "cascade" }),
    keyHash: text("key_hash").notNull(),
    /** The first characters of the secret, so an admin can tell keys apart. */
    keyPrefix: text("key_prefix").notNull(),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
    revokedAt: timestamptz("revoked_at"),
  },
  (t) => [
    // Every affiliate request looks its key up by hash.
    uniqueIndex("affiliate_api_keys_key_hash_key").on(t.keyHash),
    index("affiliate_api_keys_affiliate_idx").on(t.affiliateId),
  ],
);

/**
 * Every suspension of an affiliate, kept after its re-activation: the ledger accrues no period
 * that closed while one was open (from suspendedAt, until reactivatedAt), at any later run.
 */
export const affiliateSuspensions = pgTable(
  "affiliate_suspensions",
  {
    id: id(),
    affiliateId: uuid("affiliate_id")
      .notNull()
      .references(() => affiliates.id, { onDelete: "cascade" }),
    suspendedAt: timestamptz("suspended_at").notNull(),
    reason: text("reason").notNull(),
    reactivatedAt: timestamptz("reactivated_at"),
  },
  (t) => [
    index("affiliate_suspensions_affiliate_idx").on(t.affiliateId, t.suspendedAt),
    // At most one open suspension per affiliate.
    uniqueIndex("affiliate_suspensions_open_key").on(t.affiliateId).where(sql`${t.reactivatedAt} is null`),
    check("affiliate_suspensions_order_check", sql`${t.reactivatedAt} is null or ${t.reactivatedAt} >= ${t.suspendedAt}`),
  ],
);

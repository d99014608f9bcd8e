import { sql } from "drizzle-orm";
import { date, index, pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { id, timestamptz } from "./columns.js";
import { affiliates } from "./affiliates.js";
import { customers } from "./customers.js";
import { contentAssets } from "./content.js";

/** A visit to a referral landing page, at most one per (affiliate, visitor, day). */
export const referralVisits = pgTable(
  "referral_visits",
  {
    id: id(),
    affiliateId: uuid("affiliate_id")
      .notNull()
      .references(() => affiliates.id, { onDelete: "cascade" }),
    visitorId: text("visitor_id").notNull(),
    niche: text("niche"),
    /** The materials-kit asset whose link brought the visitor (`content=`), when the page named a known one. */
    contentAssetId: uuid("content_asset_id").references(() => contentAssets.id, { onDelete: "set null" }),
    visitedOn: date("visited_on", { mode: "string" }).notNull(),
    at: timestamptz("at").notNull().defaultNow(),
  },
  (t) => [
    // The de-duplication key: a reload or a second page view the same day is not a new visit.
    uniqueIndex("referral_visits_affiliate_visitor_day_key").on(t.affiliateId, t.visitorId, t.visitedOn),
    index("referral_visits_affiliate_at_idx").on(t.affiliateId, t.at),
    // A conversion names only the visitor: its visits of every affiliate within the window are
    // found by this index, not by a scan of all visits.
    index("referral_visits_visitor_at_idx").on(t.visitorId, t.at),
    // Content performance counts an asset's visits, and deleting an asset nulls its visits'
    // references: both would scan every visit without it. Most visits name no asset.
    index("referral_visits_content_asset_idx").on(t.contentAssetId).where(sql`${t.contentAssetId} is not null`),
  ],
);

/** A customer brought by an affiliate: at most one referral per customer. */
export const referrals = pgTable(
  "referrals",
  {
    id: id(),
    affiliateId: uuid("affiliate_id")
      .notNull()
      .references(() => affiliates.id, { onDelete: "cascade" }),
    customerId: uuid("customer_id")
      .notNull()
      .references(() => customers.id, { onDelete: "cascade" }),
    referredAt: timestamptz("referred_at").notNull().defaultNow(),
    /**
     * The visitor whose visit led to this customer, when the attribution named one: joins the
     * referral to its visits (referral_visits_affiliate_visitor_day_key) for the funnel.
     */
    visitorId: text("visitor_id"),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("referrals_customer_id_key").on(t.customerId),
    index("referrals_affiliate_referred_idx").on(t.affiliateId, t.referredAt),
  ],
);

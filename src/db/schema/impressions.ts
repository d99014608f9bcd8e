import { sql } from "drizzle-orm";
import { check, date, index, integer, pgTable, text, unique, uuid } from "drizzle-orm/pg-core";
import { id, timestamptz } from "./columns.js";
import { affiliates } from "./affiliates.js";
import { contentAssets } from "./content.js";

/**
 * How often each asset was shown on landing pages, per affiliate, niche and UTC day: aggregate
 * rows written in batches by src/landing/impressions.ts, one row per key, counts added up, with
 * the times of the first and last impression of the key.
 */
export const contentImpressions = pgTable(
  "content_impressions",
  {
    id: id(),
    assetId: uuid("asset_id")
      .notNull()
      .references(() => contentAssets.id, { onDelete: "cascade" }),
    /**
     * The affiliate whose page showed it; null for pages without a (known) affiliate. Cascade,
     * like referral_visits: "set null" would fold a deleted affiliate's rows into the
     * no-affiliate rows and collide with the unique key, failing the delete.
     */
    affiliateId: uuid("affiliate_id").references(() => affiliates.id, { onDelete: "cascade" }),
    /** The niche the page matched (a niche some content has); null when it fell back to none. */
    niche: text("niche"),
    day: date("day", { mode: "string" }).notNull(),
    impressions: integer("impressions").notNull(),
    /**
     * When the first and the last of these impressions were counted: content performance credits
     * a referral only to assets shown on the affiliate's pages before it (not merely the same day).
     */
    firstShownAt: timestamptz("first_shown_at").notNull(),
    lastShownAt: timestamptz("last_shown_at").notNull(),
  },
  (t) => [
    // The upsert key of every flush (ON CONFLICT … DO UPDATE adds the counts). NULLS NOT
    // DISTINCT so that pages without an affiliate or niche also aggregate into one row per key
    // instead of one row per flush (PostgreSQL 15+ and PGlite; drizzle's uniqueIndex cannot say it).
    unique("content_impressions_key").on(t.assetId, t.affiliateId, t.niche, t.day).nullsNotDistinct(),
    // Content performance is reported per affiliate over a date range.
    index("content_impressions_affiliate_day_idx").on(t.affiliateId, t.day),
    check("content_impressions_impressions_check", sql`${t.impressions} > 0`),
  ],
);

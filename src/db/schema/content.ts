import { boolean, doublePrecision, index, pgEnum, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { sql } from "drizzle-orm";
import { enumValues, id, lifecycleDates } from "./columns.js";
import { affiliates } from "./affiliates.js";
import { customers } from "./customers.js";
import { ContentKind } from "../../content/content.enums.js";

export const contentKind = pgEnum("content_kind", enumValues(ContentKind));

export const contentAssets = pgTable(
  "content_assets",
  {
    id: id(),
    kind: contentKind("kind").notNull(),
    title: text("title").notNull(),
    body: text("body").notNull(),
    url: text("url"),
    /** Normalized niches; empty means "for every niche" (the DEFAULT landing level). */
    niches: text("niches").array().notNull().default(sql`'{}'::text[]`),
    customerId: uuid("customer_id").references(() => customers.id, { onDelete: "set null" }),
    affiliateId: uuid("affiliate_id").references(() => affiliates.id, { onDelete: "set null" }),
    archived: boolean("archived").notNull().default(false),
    // The customer an asset is about, as landing pages rank it: a copy of its name, niche, status
    // and scores, written in the transaction of every score write (syncLandingSubjects). With it
    // a landing page reads content_assets alone: looking up each candidate's customer made a page
    // 2.6-3× slower at 100,000 customers than at 1,000 (BENCHMARKS.md, "Landing page").
    subjectName: text("subject_name"),
    subjectNiche: text("subject_niche"),
    /** ACTIVE and not RED: a case study of it may be shown, and any asset about it may name it. */
    subjectLive: boolean("subject_live").notNull().default(false),
    subjectSuccessful: boolean("subject_successful").notNull().default(false),
    subjectAdvocacy: doublePrecision("subject_advocacy"),
    subjectHealth: doublePrecision("subject_health"),
    ...lifecycleDates,
  },
  (t) => [
    // Landing pages pick live assets of one kind whose niches contain the visitor's niche.
    index("content_assets_niches_gin_idx").using("gin", t.niches),
    index("content_assets_kind_live_idx").on(t.kind).where(sql`not ${t.archived}`),
    index("content_assets_customer_idx").on(t.customerId),
    index("content_assets_affiliate_idx").on(t.affiliateId),
  ],
);

import { jsonb, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { id, lifecycleDates } from "./columns.js";

export type SegmentRuleRow = { field: string; op: string; values: string[] };

/** A rule-based segment; its rules (all ANDed) are stored as one validated JSON array. */
export const segments = pgTable(
  "segments",
  {
    id: id(),
    name: text("name").notNull(),
    rules: jsonb("rules").$type<SegmentRuleRow[]>().notNull(),
    ...lifecycleDates,
  },
  (t) => [uniqueIndex("segments_name_key").on(t.name)],
);

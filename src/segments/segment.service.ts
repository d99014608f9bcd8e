import { asc } from "drizzle-orm";
import type { Database } from "../db/client.js";
import { segments } from "../db/schema/index.js";
import * as v from "../common/validate.js";
import { badInput } from "../common/errors.js";
import type { SegmentInput } from "./segment.type.js";
import { validateSegmentRules } from "./segment.rules.js";

export type SegmentRow = typeof segments.$inferSelect;

export async function createSegment(db: Database, input: SegmentInput): Promise<SegmentRow> {
  const name = v.requiredText("name", input.name, v.LIMITS.shortText);
  const rules = validateSegmentRules(input.rules);
  const [created] = await db.insert(segments).values({ name, rules }).onConflictDoNothing().returning();
  if (!created) throw badInput("name", `a segment named "${name}" already exists`);
  return created;
}

export const listSegments = (db: Database) => db.select().from(segments).orderBy(asc(segments.name));

import type { Database, Executor } from "../db/client.js";
import { findSegmentById, type SegmentRow } from "./segment.repository.js";
import { segments } from "../db/schema/index.js";
import * as v from "../common/validate.js";
import { badInput } from "../common/errors.js";
import type { SegmentInput } from "./segment.type.js";
import { validateSegmentRules } from "./segment.rules.js";

export async function createSegment(db: Database, input: SegmentInput): Promise<SegmentRow> {
  const name = v.requiredText("name", input.name, v.LIMITS.shortText);
  const rules = validateSegmentRules(input.rules);
  const [created] = await db.insert(segments).values({ name, rules }).onConflictDoNothing().returning();
  if (!created) throw badInput("name", `a segment named "${name}" already exists`);
  return created;
}

export async function getSegmentOrThrow(ex: Executor, id: string, field = "segmentId"): Promise<SegmentRow> {
  const segment = await findSegmentById(ex, v.id(field, id));
  if (!segment) throw badInput(field, "no segment with this id");
  return segment;
}

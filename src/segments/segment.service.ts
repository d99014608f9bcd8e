import { eq, sql } from "drizzle-orm";
import type { Database, Executor } from "../db/client.js";
import { queryRows } from "../db/client.js";
import { findSegmentById, type SegmentRow } from "./segment.repository.js";
import { journeys, segments } from "../db/schema/index.js";
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

/** Renames a segment and replaces its rules, validated as at creation; a name in use is refused. */
export async function updateSegment(db: Database, id: string, input: SegmentInput, now = new Date()): Promise<SegmentRow> {
  const name = v.requiredText("name", input.name, v.LIMITS.shortText);
  const rules = validateSegmentRules(input.rules);
  return db.transaction(async (tx) => {
    const segment = await getSegmentOrThrow(tx, id, "id");
    const [clash] = await tx.select({ id: segments.id }).from(segments).where(eq(segments.name, name));
    if (clash && clash.id !== segment.id) throw badInput("name", `a segment named "${name}" already exists`);
    const [updated] = await tx.update(segments).set({ name, rules, updatedAt: now }).where(eq(segments.id, segment.id)).returning();
    return updated!;
  });
}

/**
 * Deletes a segment. A journey whose branches test membership of it would lose its meaning:
 * refused, naming the journeys, until they no longer use it.
 */
export async function deleteSegment(db: Database, id: string): Promise<string> {
  return db.transaction(async (tx) => {
    const segment = await getSegmentOrThrow(tx, id, "id");
    const users = await queryRows<{ name: string }>(
      tx,
      sql`select name from ${journeys} where jsonb_path_exists(${journeys.steps}, '$.** ? (@.segmentId == $id)', jsonb_build_object('id', ${segment.id}::text)) order by name`,
    );
    if (users.length > 0) throw badInput("id", `the segment is used by the journeys ${users.map((u) => `"${u.name}"`).join(", ")}`);
    await tx.delete(segments).where(eq(segments.id, segment.id));
    return segment.id;
  });
}

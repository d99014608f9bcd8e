import { sql } from "drizzle-orm";
import type { SegmentOptions } from "../config/config.js";
import type { Database } from "../db/client.js";
import type { Schedule } from "../jobs/schedules.js";
import { clearOldSketches } from "./activity.repository.js";

/**
 * The messageId window (README, "Segment-compatible ingestion"): ids older than dedupHours go, and
 * past dedupMaxIds the oldest go too, so the table stays bounded whatever the traffic. Both
 * deletes read the received_at index. The day sketches past their two days are cleared too.
 */
export async function pruneMessageWindow(db: Database, options: SegmentOptions, now: Date): Promise<void> {
  const cutoff = new Date(now.getTime() - options.dedupHours * 3_600_000);
  await db.execute(sql`delete from segment_message_ids where received_at < ${cutoff.toISOString()}::timestamptz`);
  await db.execute(sql`
    delete from segment_message_ids
     where received_at <= (select received_at from segment_message_ids order by received_at desc offset ${options.dedupMaxIds} limit 1)`);
  await clearOldSketches(db, now);
}

/** Hourly: an id is remembered from dedupHours to dedupHours + 1 hour. */
export const segmentWindowSchedule = (db: Database, options: SegmentOptions): Schedule => ({
  name: "segment.window",
  everyHours: 1,
  run: (now) => pruneMessageWindow(db, options, now),
});

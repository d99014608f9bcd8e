import { sql } from "drizzle-orm";
import { pgArrayLiteral } from "../db/arrays.js";
import { queryRows, type Database, type Executor } from "../db/client.js";
import type { JobHandler } from "../jobs/job.runner.js";
import { isCaseStudySubject } from "../landing/landing.repository.js";
import { landingChanged } from "../landing/landing.invalidation.js";
import { activeModel, refreshScores } from "./scores.service.js";

export const SCORE_QUEUE_JOB = "scores.queued";
const BATCH = 2_000;
/**
 * How long queued rescoring waits for more: a second of a busy feed is rescored in a few large
 * batches rather than one small batch per request (2,000 customers cost ~150 µs each, 350 ~250 µs).
 */
export const SCORE_QUEUE_DELAY_MS = 1_000;

/**
 * Queues customers for a score refresh, in the caller's transaction, with a job to run it: the
 * refresh is then as durable as the write. The event webhook uses this instead of rescoring in
 * its request (rescoring was half of a batch's time; BENCHMARKS.md, "Webhook ingestion").
 */
export async function queueScoreRefresh(ex: Executor, customerIds: readonly string[], now: Date): Promise<void> {
  if (customerIds.length === 0) return;
  // One job per write, not per customer: whichever runs first refreshes everything queued, the
  // others find little or nothing left. None is ever lost between a drain and a new write.
  await ex.execute(sql`with queued as (
                         insert into score_refresh_queue (customer_id, queued_at)
                         select id, ${now.toISOString()}::timestamptz from unnest(${pgArrayLiteral(customerIds)}::uuid[]) as t(id)
                         on conflict (customer_id) do nothing)
                       insert into jobs (kind, run_at) values (${SCORE_QUEUE_JOB}, ${new Date(now.getTime() + SCORE_QUEUE_DELAY_MS).toISOString()}::timestamptz)`);
}

/**
 * Refreshes every queued customer, oldest first, in batches of 2,000: each batch is taken off the
 * queue and rescored in one transaction (SKIP LOCKED, so two workers split the queue). Returns
 * how many were refreshed.
 */
export async function drainScoreQueue(db: Database, now = new Date()): Promise<number> {
  const model = await activeModel(db);
  let total = 0;
  for (;;) {
    const ids = await db.transaction(async (tx) => {
      const taken = await queryRows<{ customer_id: string }>(
        tx,
        sql`delete from score_refresh_queue where customer_id in (
              select customer_id from score_refresh_queue order by queued_at limit ${BATCH} for update skip locked)
            returning customer_id`,
      );
      const list = taken.map((r) => r.customer_id);
      await refreshScores(tx, list, now, model);
      return list;
    });
    if (ids.length === 0) return total;
    total += ids.length;
    // Landing pages rank case studies by these scores.
    if (await isCaseStudySubject(db, ids)) landingChanged(db, { scope: "all" });
  }
}

export function scoreQueueJobHandler(db: Database): JobHandler {
  return { run: async (_job, now) => void (await drainScoreQueue(db, now)) };
}

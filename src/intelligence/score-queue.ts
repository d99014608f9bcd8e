import { sql } from "drizzle-orm";
import { pgArrayLiteral } from "../db/arrays.js";
import { queryRows, type Executor } from "../db/client.js";
import type { ServiceContext } from "../common/service-context.js";
import type { JobHandler } from "../jobs/job.runner.js";
import { landingSubjects } from "../landing/landing.repository.js";
import { assetsChange } from "../common/changes.js";
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
                         select id, ${now.toISOString()}::timestamptz from unnest(${pgArrayLiteral(customerIds)}::uuid[]) as t(id) order by id
                         on conflict (customer_id) do update set queued_at = excluded.queued_at)
                       insert into jobs (kind, run_at) values (${SCORE_QUEUE_JOB}, ${new Date(now.getTime() + SCORE_QUEUE_DELAY_MS).toISOString()}::timestamptz)`);
}

/**
 * Refreshes every queued customer, oldest first, in batches of 2,000, one drain at a time (a
 * transaction-scoped advisory lock). A batch is read without row locks, rescored, and taken off
 * the queue in one transaction, but only the entries not queued again meanwhile: a write that
 * queues a customer during its rescoring is never lost, and never waits for a batch's rescoring
 * (locking the queue rows made every webhook request wait ~40 ms for the drain). At most
 * `maxBatches` a call, so a job under a constant feed ends and lets others run.
 */
export async function drainScoreQueue({ db, changes, scoring }: ServiceContext, now = new Date(), maxBatches = Infinity): Promise<DrainResult> {
  const model = await activeModel(db);
  let refreshed = 0;
  for (let batch = 0; batch < maxBatches; batch++) {
    const ids = await db.transaction(async (tx) => {
      const [lock] = await queryRows<{ ok: boolean }>(tx, sql`select pg_try_advisory_xact_lock(hashtext('advocate.score_queue')) as ok`);
      if (!lock?.ok) return null;
      const taken = await queryRows<{ customer_id: string; queued_at: string }>(
        tx,
        sql`select customer_id, queued_at::text from score_refresh_queue order by queued_at limit ${BATCH}`,
      );
      const list = taken.map((r) => r.customer_id);
      await refreshScores(tx, list, now, scoring, model);
      if (list.length > 0) {
        // Rows are locked in id order, as writers upsert them, so the two never deadlock.
        await tx.execute(sql`delete from score_refresh_queue where customer_id in (
                               select q.customer_id from score_refresh_queue q
                               join unnest(${pgArrayLiteral(list)}::uuid[], ${pgArrayLiteral(taken.map((r) => r.queued_at))}::timestamptz[]) as t(id, queued_at)
                                 on q.customer_id = t.id and q.queued_at = t.queued_at
                               order by q.customer_id for update of q)`);
      }
      return list;
    });
    if (ids === null) return { refreshed, busy: true, more: true };
    if (ids.length === 0) return { refreshed, busy: false, more: false };
    refreshed += ids.length;
    // Landing pages rank case studies by these scores, and name customers only while live.
    const featured = await landingSubjects(db, ids);
    if (featured.length > 0) changes.publish(assetsChange([], featured));
  }
  return { refreshed, busy: false, more: true };
}

export interface DrainResult {
  refreshed: number;
  /** Another drain held the lock. */
  busy: boolean;
  /** Entries may be left (busy, or maxBatches reached). */
  more: boolean;
}

/**
 * Another drain running, or more left after 25 batches: this job runs again a moment later, so
 * nothing queued after another drain's last read is left behind.
 */
export function scoreQueueJobHandler(context: ServiceContext): JobHandler {
  return {
    run: async (_job, now) => {
      const { more } = await drainScoreQueue(context, now, 25);
      if (more) return { runAgainAt: new Date(now.getTime() + SCORE_QUEUE_DELAY_MS) };
    },
  };
}

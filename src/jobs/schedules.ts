import { sql } from "drizzle-orm";
import type { Database } from "../db/client.js";
import { queryRows } from "../db/client.js";
import { log } from "../common/log.js";
import { AppError } from "../common/errors.js";
import type { JobHandler } from "./job.runner.js";
import { enqueueJobs } from "./job.queue.js";

/**
 * Recurring work as durable jobs: each schedule is one job row with the key `schedule:<name>`,
 * run at the next multiple of its period (counted from 00:00 UTC, so a 24-hour schedule runs
 * nightly at midnight UTC) and then queued again for the following one. The live-key index
 * keeps one pending run per schedule however many instances start; SKIP LOCKED gives it to
 * one of them; a run missed while every instance was down runs as soon as one is back.
 */
export interface Schedule {
  name: string;
  /** 0 or less: disabled (its pending run is removed). */
  everyHours: number;
  run(now: Date): Promise<unknown>;
}

export const SCHEDULE_JOB = "schedule";
const HOUR_MS = 3_600_000;

export function nextSlot(now: Date, everyHours: number): Date {
  const period = everyHours * HOUR_MS;
  return new Date((Math.floor(now.getTime() / period) + 1) * period);
}

/** Queues each enabled schedule's next run (keeping an earlier one already queued) and drops disabled ones. */
export async function ensureSchedules(db: Database, schedules: readonly Schedule[], now: Date): Promise<void> {
  for (const schedule of schedules) {
    const key = `schedule:${schedule.name}`;
    if (schedule.everyHours <= 0) {
      await db.execute(sql`delete from jobs where key = ${key} and status = 'QUEUED'`);
      continue;
    }
    await queryRows(
      db,
      sql`insert into jobs (kind, payload, key, run_at, max_attempts)
          values (${SCHEDULE_JOB}, ${JSON.stringify({ name: schedule.name })}::jsonb, ${key}, ${nextSlot(now, schedule.everyHours).toISOString()}::timestamptz, 3)
          on conflict (key) where status in ('QUEUED', 'RUNNING')
          do update set run_at = least(jobs.run_at, excluded.run_at) where jobs.status = 'QUEUED'
          returning id`,
    );
  }
}

/**
 * Runs the named schedule, then asks for its next slot. A run that fails is retried (3
 * attempts, with backoff); one that fails for good is logged and the next slot queued.
 */
export function scheduleJobHandler(db: Database, schedules: readonly Schedule[]): JobHandler {
  const byName = new Map(schedules.map((s) => [s.name, s]));
  return {
    async run(job, now) {
      const schedule = byName.get(String(job.payload.name));
      if (!schedule || schedule.everyHours <= 0) return;
      const started = Date.now();
      try {
        const result = await schedule.run(now);
        log.info(`${schedule.name} done`, { ms: Date.now() - started, result });
      } catch (error) {
        // Not enough data yet (e.g. too little history to train): not a failure to retry.
        if (!(error instanceof AppError)) throw error;
        log.warn(`${schedule.name} skipped`, { reason: error.message });
      }
      return { runAgainAt: nextSlot(new Date(Math.max(now.getTime(), job.runAt.getTime())), schedule.everyHours) };
    },
    async onFailed(job, error, now) {
      log.error("scheduled job failed for good", { schedule: job.payload.name, error });
      const schedule = byName.get(String(job.payload.name));
      if (schedule && schedule.everyHours > 0) {
        await enqueueJobs(db, [{ kind: SCHEDULE_JOB, payload: { name: schedule.name }, key: job.key, runAt: nextSlot(now, schedule.everyHours), maxAttempts: 3 }]);
      }
    },
  };
}

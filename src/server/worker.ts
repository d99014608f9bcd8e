import type { AppConfig } from "../config/config.js";
import type { ServiceContext } from "../common/service-context.js";
import { createMailer, type Mailer } from "../email/mailer.js";
import { journeyJobHandler } from "../journeys/journey.runner.js";
import { JOURNEY_JOB } from "../journeys/journey.repository.js";
import { SCORE_QUEUE_JOB, scoreQueueJobHandler } from "../intelligence/score-queue.js";
import { intelligenceSchedules } from "../intelligence/schedule.js";
import { commissionLedgerSchedule } from "../commissions/commission.schedule.js";
import { segmentWindowSchedule } from "../ingestion/segment.window.js";
import { JobRunner, systemClock, type Clock } from "../jobs/job.runner.js";
import { ensureSchedules, SCHEDULE_JOB, scheduleJobHandler, type Schedule } from "../jobs/schedules.js";

export interface WorkerDeps {
  /** Default: the system clock (tests move one by hand). */
  clock?: Clock;
  /** Default: one made from config.email (no SMTP_URL: the log transport, nothing is delivered). */
  mailer?: Mailer;
  /** Recurring jobs (appSchedules); none by default. */
  schedules?: readonly Schedule[];
}

export interface Worker {
  runner: JobRunner;
  mailer: Mailer;
  stop(timeoutMs?: number): Promise<void>;
}

const domainOf = (from: string) => /@([^>\s]+)/.exec(from)?.[1] ?? "advocate.localhost";

/** Nightly (and more often) recomputation as durable jobs: one run per slot across instances; 0 hours disables one. */
export function appSchedules(context: ServiceContext, config: AppConfig): Schedule[] {
  return [
    ...intelligenceSchedules(context, config),
    commissionLedgerSchedule(context.db, config.commissionLedgerHours, config.program.holdDays, config.program.currency),
    segmentWindowSchedule(context.db, config.segment),
  ];
}

/**
 * The process's job runner with every job kind of every domain registered, its schedules queued,
 * polling unless config.jobs.pollMs is 0 (tests run jobs by hand with runner.drain()).
 */
export async function createWorker(context: ServiceContext, config: Pick<AppConfig, "jobs" | "email">, deps: WorkerDeps = {}): Promise<Worker> {
  const { db } = context;
  const clock = deps.clock ?? systemClock;
  const mailer = deps.mailer ?? createMailer(config.email);
  const runner = new JobRunner(db, { ...config.jobs, clock });
  const schedules = deps.schedules ?? [];
  runner.register(
    JOURNEY_JOB,
    journeyJobHandler({
      db,
      scoring: context.scoring,
      mailer,
      publicUrl: config.email.publicUrl,
      messageIdDomain: domainOf(config.email.from),
      claimMs: runner.options.leaseMs,
    }),
  );
  runner.register(SCHEDULE_JOB, scheduleJobHandler(db, schedules));
  runner.register(SCORE_QUEUE_JOB, scoreQueueJobHandler(context));
  if (schedules.length > 0) await ensureSchedules(db, schedules, clock.now());
  runner.start();
  return {
    runner,
    mailer,
    stop: async (timeoutMs) => {
      await runner.stop(timeoutMs);
      mailer.close();
    },
  };
}

import type { ServiceContext } from "../common/service-context.js";
import { createMailer, DEFAULT_EMAIL_FROM, type Mailer } from "../email/mailer.js";
import { journeyJobHandler } from "../journeys/journey.runner.js";
import { JOURNEY_JOB } from "../journeys/journey.repository.js";
import { SCORE_QUEUE_JOB, scoreQueueJobHandler } from "../intelligence/score-queue.js";
import { JobRunner, systemClock, type Clock, type JobRunnerOptions } from "./job.runner.js";
import { ensureSchedules, SCHEDULE_JOB, scheduleJobHandler, type Schedule } from "./schedules.js";

export interface WorkerOptions {
  /** Poll for due jobs. Off by default so tests run jobs by hand (runner.drain()); main.ts turns it on. */
  poll?: boolean;
  clock?: Clock;
  /** Default: the log transport (nothing is delivered). */
  mailer?: Mailer;
  /** This server's public address, for unsubscribe links. */
  publicUrl?: string;
  /** The From address; its domain names the Message-IDs. */
  emailFrom?: string;
  /** Recurring jobs (score refresh, churn training, commission ledger); none by default. */
  schedules?: Schedule[];
  runner?: Partial<JobRunnerOptions>;
}

export interface Worker {
  runner: JobRunner;
  mailer: Mailer;
  stop(timeoutMs?: number): Promise<void>;
}

const domainOf = (from: string) => /@([^>\s]+)/.exec(from)?.[1] ?? "advocate.localhost";

/** The process's job runner with every job kind registered, its schedules queued, polling if asked. */
export async function createWorker(context: ServiceContext, options: WorkerOptions = {}): Promise<Worker> {
  const { db } = context;
  const clock = options.clock ?? systemClock;
  const mailer = options.mailer ?? createMailer({ smtpUrl: undefined, from: options.emailFrom ?? DEFAULT_EMAIL_FROM });
  const runner = new JobRunner(db, { ...options.runner, clock, pollMs: options.poll ? (options.runner?.pollMs ?? 1_000) : 0 });
  const schedules = options.schedules ?? [];
  runner.register(
    JOURNEY_JOB,
    journeyJobHandler({
      db,
      mailer,
      publicUrl: options.publicUrl ?? "http://localhost:4000",
      messageIdDomain: domainOf(options.emailFrom ?? DEFAULT_EMAIL_FROM),
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

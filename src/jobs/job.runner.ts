import { hostname } from "node:os";
import { randomBytes } from "node:crypto";
import type { Database } from "../db/client.js";
import type { JobsOptions } from "../config/config.js";
import { describeError, log } from "../common/log.js";
import { claimJobs, completeJob, failJob, queueDepth, renewLease, rescheduleJob, type ClaimedJob, type QueueDepth } from "./job.queue.js";

/** Where jobs read the time: the system clock, or a test's hand-moved one (journey waits, backoff). */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A handler's answer: nothing (done) or when to run the same job again (a wait, the next slot). */
export type JobOutcome = void | { runAgainAt: Date };

export interface JobHandler {
  run(job: ClaimedJob, now: Date): Promise<JobOutcome>;
  /** Called once when the job fails for good (attempts used up, or a PermanentJobError). */
  onFailed?(job: ClaimedJob, error: string, now: Date): Promise<void>;
}

/** An error retrying cannot fix: the job fails at once. */
export class PermanentJobError extends Error {}

export interface JobRunnerOptions extends JobsOptions {
  /** Unique per process: shows in jobs.locked_by. */
  workerId: string;
  clock: Clock;
}

export const newWorkerId = () => `${hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`;

export function retryDelayMs(attempt: number, options: Pick<JobRunnerOptions, "backoffBaseMs" | "backoffMaxMs">): number {
  return Math.min(options.backoffMaxMs, options.backoffBaseMs * 2 ** Math.max(0, attempt - 1));
}

/**
 * Runs the jobs of the `jobs` table: polls for due ones (and is kicked when this process enqueues
 * some: createApp subscribes kick() to the change channel), runs a batch concurrently, renews
 * their leases while they run, and records each outcome under the claim's fencing token. Any
 * number of runners may share one database.
 */
export class JobRunner {
  readonly options: JobRunnerOptions;
  private readonly handlers = new Map<string, JobHandler>();
  private stopped = true;
  private loopDone: Promise<void> = Promise.resolve();
  private wake: (() => void) | undefined;
  private kicked = false;
  private dead = false;
  private inFlight = new Set<Promise<unknown>>();
  /** When the last poll ended (readiness: a runner that stopped polling is not ready). */
  lastPollAt: Date | undefined;
  lastPollError: string | undefined;

  constructor(
    private readonly db: Database,
    options: JobsOptions & { clock: Clock },
  ) {
    this.options = { ...options, workerId: newWorkerId() };
  }

  register(kind: string, handler: JobHandler): this {
    this.handlers.set(kind, handler);
    return this;
  }

  get polling(): boolean {
    return !this.stopped;
  }

  start(): void {
    if (!this.stopped || this.options.pollMs <= 0) return;
    this.stopped = false;
    this.loopDone = this.loop();
  }

  /** Stops polling and waits (at most `timeoutMs`) for running jobs; unfinished ones keep their lease and are taken over once it runs out. */
  async stop(timeoutMs = 10_000): Promise<void> {
    this.stopped = true;
    this.wake?.();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([this.loopDone, ...this.inFlight]),
      new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs))),
    ]);
    clearTimeout(timer);
  }

  /**
   * Stops the way a crashed process does (fault tests): no more polls or lease renewals, and
   * nothing still in flight records an outcome. Its jobs are taken over once their leases run out.
   */
  abandon(): void {
    this.dead = true;
    this.stopped = true;
    this.wake?.();
  }

  /** Polls now (after this process enqueued work), instead of at the next interval. */
  kick(): void {
    this.kicked = true;
    this.wake?.();
  }

  depth(): Promise<QueueDepth> {
    return queueDepth(this.db, this.options.clock.now());
  }

  /** Runs batches until no job is due. Returns how many jobs ran. */
  async drain(maxJobs = 10_000): Promise<number> {
    let total = 0;
    while (!this.dead) {
      const ran = await this.runDue();
      total += ran;
      if (ran === 0 || total >= maxJobs) return total;
    }
    return total;
  }

  /** Claims one batch of due jobs and runs it. Returns how many ran. */
  async runDue(): Promise<number> {
    const { workerId, clock, batchSize, leaseMs } = this.options;
    const claimed = await claimJobs(this.db, workerId, clock.now(), batchSize, leaseMs);
    if (claimed.length === 0) return 0;
    const renewal = setInterval(() => {
      if (this.dead) return;
      for (const job of claimed) void renewLease(this.db, job, new Date(clock.now().getTime() + leaseMs)).catch(() => undefined);
    }, Math.max(500, leaseMs / 3));
    renewal.unref();
    const batch = Promise.all(claimed.map((job) => this.runOne(job)));
    this.inFlight.add(batch);
    try {
      await batch;
    } finally {
      clearInterval(renewal);
      this.inFlight.delete(batch);
    }
    return claimed.length;
  }

  private async runOne(job: ClaimedJob): Promise<void> {
    const { clock } = this.options;
    const handler = this.handlers.get(job.kind);
    try {
      if (!handler) throw new PermanentJobError(`no handler for jobs of kind "${job.kind}"`);
      const outcome = await handler.run(job, clock.now());
      if (this.dead) return;
      const held = outcome ? await rescheduleJob(this.db, job, outcome.runAgainAt) : await completeJob(this.db, job, clock.now());
      if (!held) log.warn("job finished after its lease was taken over", { jobId: job.id, kind: job.kind });
    } catch (error) {
      if (this.dead) return;
      await this.recordFailure(job, handler, error).catch((e) => log.error("could not record a job failure", { jobId: job.id, ...describeError(e) }));
    }
  }

  private async recordFailure(job: ClaimedJob, handler: JobHandler | undefined, error: unknown): Promise<void> {
    const now = this.options.clock.now();
    const message = describeError(error).error as string;
    const permanent = error instanceof PermanentJobError || job.attempts >= job.maxAttempts;
    const retryAt = permanent ? null : new Date(now.getTime() + retryDelayMs(job.attempts, this.options));
    const status = await failJob(this.db, job, message, retryAt, now);
    log.warn("job attempt failed", { jobId: job.id, kind: job.kind, attempt: job.attempts, error: message, next: status === "QUEUED" ? retryAt : status });
    if (status === "FAILED") await handler?.onFailed?.(job, message, now);
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      let full = false;
      this.kicked = false;
      try {
        full = (await this.runDue()) >= this.options.batchSize;
        this.lastPollError = undefined;
      } catch (error) {
        this.lastPollError = describeError(error).error as string;
        log.error("job poll failed", describeError(error));
      }
      this.lastPollAt = new Date();
      if (full || this.kicked || this.stopped) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.options.pollMs);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }
}

import { sql } from "drizzle-orm";
import { queryRows, type Executor } from "../db/client.js";
import { pgArrayLiteral } from "../db/arrays.js";

// The job table's statements. Plain `FOR UPDATE SKIP LOCKED` rather than pg-boss: pg-boss needs
// a PostgreSQL server (its own schema, LISTEN, several connections), and Advocate must run the
// same jobs on the embedded PGlite that `npm start` uses. Claims are leases: a worker that dies
// mid-job stops renewing, the lease runs out, and the next claim takes the job over. Each claim
// bumps `token`; finishing, failing or renewing a job needs the current token, so a worker that
// lost its lease can never overwrite the work of the one that took over.

export interface NewJob {
  kind: string;
  payload?: Record<string, unknown>;
  /** At most one live job a key: enqueueing a key already queued or running adds nothing. */
  key?: string | null;
  runAt: Date;
  maxAttempts?: number;
}

export interface ClaimedJob {
  id: number;
  kind: string;
  payload: Record<string, unknown>;
  key: string | null;
  /** This claim's fencing token. */
  token: number;
  /** Claims since the job last succeeded (1 on a first try). */
  attempts: number;
  maxAttempts: number;
  runAt: Date;
}

export const DEFAULT_MAX_ATTEMPTS = 8;

/** Adds jobs; a key that is already live (queued or running) is skipped. Returns how many were added. */
export async function enqueueJobs(ex: Executor, list: readonly NewJob[]): Promise<number> {
  if (list.length === 0) return 0;
  const rows = await queryRows<{ id: number }>(
    ex,
    sql`insert into jobs (kind, payload, key, run_at, max_attempts)
        select * from unnest(${pgArrayLiteral(list.map((j) => j.kind))}::text[], ${pgArrayLiteral(list.map((j) => j.payload ?? {}))}::jsonb[],
                             ${pgArrayLiteral(list.map((j) => j.key ?? null))}::text[], ${pgArrayLiteral(list.map((j) => j.runAt))}::timestamptz[],
                             ${pgArrayLiteral(list.map((j) => j.maxAttempts ?? DEFAULT_MAX_ATTEMPTS))}::int[])
        on conflict (key) where status in ('QUEUED', 'RUNNING') do nothing
        returning id`,
  );
  return rows.length;
}

interface JobRow {
  id: string | number;
  kind: string;
  payload: Record<string, unknown> | string;
  key: string | null;
  token: number;
  attempts: number;
  max_attempts: number;
  run_at: Date | string;
}

const toClaimed = (row: JobRow): ClaimedJob => ({
  id: Number(row.id),
  kind: row.kind,
  payload: typeof row.payload === "string" ? (JSON.parse(row.payload) as Record<string, unknown>) : row.payload,
  key: row.key,
  token: row.token,
  attempts: row.attempts,
  maxAttempts: row.max_attempts,
  runAt: new Date(row.run_at),
});

/**
 * Claims up to `limit` jobs that are due, or whose lease ran out (their worker died), oldest
 * first. Concurrent claimers skip each other's rows instead of waiting for them.
 */
export async function claimJobs(ex: Executor, workerId: string, now: Date, limit: number, leaseMs: number): Promise<ClaimedJob[]> {
  const rows = await queryRows<JobRow>(
    ex,
    sql`update jobs j
        set status = 'RUNNING', token = j.token + 1, attempts = j.attempts + 1, locked_by = ${workerId},
            locked_until = ${new Date(now.getTime() + leaseMs).toISOString()}::timestamptz
        from (select id from jobs
              where (status = 'QUEUED' and run_at <= ${now.toISOString()}::timestamptz)
                 or (status = 'RUNNING' and locked_until <= ${now.toISOString()}::timestamptz)
              order by run_at
              limit ${limit}
              for update skip locked) due
        where j.id = due.id
        returning j.id, j.kind, j.payload, j.key, j.token, j.attempts, j.max_attempts, j.run_at`,
  );
  return rows.map(toClaimed).sort((a, b) => a.runAt.getTime() - b.runAt.getTime());
}

/** Extends a claim's lease; false when the claim was lost (the lease ran out and another took it). */
export async function renewLease(ex: Executor, job: ClaimedJob, until: Date): Promise<boolean> {
  const rows = await queryRows<{ id: number }>(
    ex,
    sql`update jobs set locked_until = ${until.toISOString()}::timestamptz
        where id = ${job.id} and token = ${job.token} and status = 'RUNNING' returning id`,
  );
  return rows.length > 0;
}

/** The job is done for good. False when this claim no longer holds it. */
export async function completeJob(ex: Executor, job: ClaimedJob, now: Date): Promise<boolean> {
  const rows = await queryRows<{ id: number }>(
    ex,
    sql`update jobs set status = 'DONE', finished_at = ${now.toISOString()}::timestamptz, locked_by = null, locked_until = null, last_error = null
        where id = ${job.id} and token = ${job.token} and status = 'RUNNING' returning id`,
  );
  return rows.length > 0;
}

/** The job succeeded and runs again at `runAt` (a journey's next step, a schedule's next slot). */
export async function rescheduleJob(ex: Executor, job: ClaimedJob, runAt: Date): Promise<boolean> {
  const rows = await queryRows<{ id: number }>(
    ex,
    sql`update jobs set status = 'QUEUED', run_at = ${runAt.toISOString()}::timestamptz, attempts = 0,
               locked_by = null, locked_until = null, last_error = null
        where id = ${job.id} and token = ${job.token} and status = 'RUNNING' returning id`,
  );
  return rows.length > 0;
}

/**
 * The attempt failed: the job is queued again at `retryAt`, or FAILED when `retryAt` is null
 * (no attempts left, or an error retrying cannot fix). Returns the new status, or null when this
 * claim no longer holds the job.
 */
export async function failJob(ex: Executor, job: ClaimedJob, error: string, retryAt: Date | null, now: Date): Promise<"QUEUED" | "FAILED" | null> {
  const status = retryAt === null ? "FAILED" : "QUEUED";
  const rows = await queryRows<{ id: number }>(
    ex,
    sql`update jobs set status = ${status}, run_at = ${(retryAt ?? now).toISOString()}::timestamptz, last_error = ${error.slice(0, 1000)},
               locked_by = null, locked_until = null, finished_at = ${retryAt === null ? now.toISOString() : null}::timestamptz
        where id = ${job.id} and token = ${job.token} and status = 'RUNNING' returning id`,
  );
  return rows.length > 0 ? status : null;
}

export interface QueueDepth {
  queued: number;
  due: number;
  running: number;
  failed: number;
}

/** How much work waits (dashboards, /metrics, /readyz). */
export async function queueDepth(ex: Executor, now: Date): Promise<QueueDepth> {
  const [row] = await queryRows<{ queued: number; due: number; running: number; failed: number }>(
    ex,
    sql`select count(*) filter (where status = 'QUEUED')::int as queued,
               count(*) filter (where status = 'QUEUED' and run_at <= ${now.toISOString()}::timestamptz)::int as due,
               count(*) filter (where status = 'RUNNING')::int as running,
               count(*) filter (where status = 'FAILED')::int as failed
        from jobs where status <> 'DONE'`,
  );
  return row ?? { queued: 0, due: 0, running: 0, failed: 0 };
}

import { sql } from "drizzle-orm";
import { bigserial, index, integer, jsonb, pgEnum, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { timestamptz } from "./columns.js";

/** QUEUED until due and claimed, RUNNING under a lease, then DONE, or FAILED after its last attempt. */
export const jobStatus = pgEnum("job_status", ["QUEUED", "RUNNING", "DONE", "FAILED"]);

/**
 * Durable work: journey steps and schedules. Workers claim due rows with
 * `FOR UPDATE SKIP LOCKED` under a lease; a worker that dies leaves its lease to expire and the
 * job to the next claim. `token` is the fencing token: only the claim that holds the current
 * attempt may finish the job.
 */
export const jobs = pgTable(
  "jobs",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    kind: text("kind").notNull(),
    payload: jsonb("payload").$type<Record<string, unknown>>().notNull().default({}),
    /** At most one live (QUEUED or RUNNING) job a key: an enrollment's next step, a schedule's slot. */
    key: text("key"),
    status: jobStatus("status").notNull().default("QUEUED"),
    runAt: timestamptz("run_at").notNull().defaultNow(),
    /** Bumped by every claim: the fencing token a worker must hold to finish or renew the job. */
    token: integer("token").notNull().default(0),
    /** Claims since the job last succeeded; past max_attempts it fails. */
    attempts: integer("attempts").notNull().default(0),
    maxAttempts: integer("max_attempts").notNull().default(8),
    lockedBy: text("locked_by"),
    lockedUntil: timestamptz("locked_until"),
    lastError: text("last_error"),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
    finishedAt: timestamptz("finished_at"),
  },
  (t) => [
    // The claim reads due jobs in run_at order; expired leases are found by the second index.
    index("jobs_due_idx").on(t.runAt).where(sql`${t.status} = 'QUEUED'`),
    index("jobs_lease_idx").on(t.lockedUntil).where(sql`${t.status} = 'RUNNING'`),
    uniqueIndex("jobs_live_key").on(t.key).where(sql`${t.status} in ('QUEUED', 'RUNNING')`),
  ],
);

import { and, asc, desc, eq, gt, inArray, sql, type SQL } from "drizzle-orm";
import { pgArrayLiteral } from "../db/arrays.js";
import { queryRows, type Executor } from "../db/client.js";
import { emailDeliveries, enrollmentSteps, journeyEnrollments, journeys } from "../db/schema/index.js";

export type JourneyRow = typeof journeys.$inferSelect;
export type EnrollmentRow = typeof journeyEnrollments.$inferSelect;
export type EnrollmentStatusName = EnrollmentRow["status"];

/** The job that runs an enrollment's steps: one live job per enrollment. */
export const JOURNEY_JOB = "journey.enrollment";
export const enrollmentJobKey = (enrollmentId: string) => `enrollment:${enrollmentId}`;

export async function findJourney(ex: Executor, id: string, forUpdate = false): Promise<JourneyRow | undefined> {
  const query = ex.select().from(journeys).where(eq(journeys.id, id));
  const [row] = forUpdate ? await query.for("update") : await query;
  return row;
}

export async function listJourneys(ex: Executor): Promise<JourneyRow[]> {
  return ex.select().from(journeys).orderBy(asc(journeys.name));
}

export async function findEnrollment(ex: Executor, id: string): Promise<EnrollmentRow | undefined> {
  const [row] = await ex.select().from(journeyEnrollments).where(eq(journeyEnrollments.id, id));
  return row;
}

/**
 * Enrolls the customers `customerIds` selects (a query with an `id` column) in the journeys
 * `journeyIds` selects, and queues the job of each new enrollment, in one statement. Churned and
 * opted-out customers, and customers already in the journey, are skipped. Returns how many were
 * enrolled.
 */
export async function enroll(ex: Executor, journeyIds: SQL, customerIds: SQL, source: string, now: Date): Promise<number> {
  const at = now.toISOString();
  const [row] = await queryRows<{ n: number }>(
    ex,
    sql`with enrolled as (
          insert into journey_enrollments (journey_id, customer_id, status, step_index, next_run_at, enrolled_at, source)
          select j.id, c.id, 'ACTIVE', 0, ${at}::timestamptz, ${at}::timestamptz, ${source}
          from (${journeyIds}) j cross join (${customerIds}) c
          where exists (select 1 from customers where customers.id = c.id and customers.status <> 'CHURNED')
            and not exists (select 1 from email_preferences p where p.customer_id = c.id and p.opted_out_at is not null)
          on conflict (journey_id, customer_id) do nothing
          returning id
        ), queued as (
          insert into jobs (kind, payload, key, run_at)
          select ${JOURNEY_JOB}, jsonb_build_object('enrollmentId', id), 'enrollment:' || id, ${at}::timestamptz from enrolled
          on conflict (key) where status in ('QUEUED', 'RUNNING') do nothing
          returning 1
        )
        select (select count(*) from enrolled)::int as n, (select count(*) from queued)::int as q`,
  );
  return row?.n ?? 0;
}

/** Queues the job of each ACTIVE enrollment `where` selects (after a resume), at its next run or now. */
export async function queueEnrollmentJobs(ex: Executor, where: SQL, now: Date): Promise<number> {
  const rows = await queryRows<{ id: number }>(
    ex,
    sql`insert into jobs (kind, payload, key, run_at)
        select ${JOURNEY_JOB}, jsonb_build_object('enrollmentId', e.id), 'enrollment:' || e.id, greatest(e.next_run_at, ${now.toISOString()}::timestamptz)
        from journey_enrollments e join journeys j on j.id = e.journey_id
        where e.status = 'ACTIVE' and j.status = 'ACTIVE' and ${where}
        on conflict (key) where status in ('QUEUED', 'RUNNING') do nothing
        returning id`,
  );
  return rows.length;
}

export interface Advance {
  from: number;
  to: number;
  nextRunAt: Date;
  /** Set when the enrollment ends here; reaching the last step ends it COMPLETED. */
  status?: EnrollmentStatusName;
  outcome: string;
  detail: string | null;
}

/**
 * Moves an enrollment from step `from` and records what the step did, if it is still ACTIVE at
 * that step (compare-and-set: a concurrent pause, opt-out or runner leaves it alone). Returns
 * whether it moved.
 */
export async function advanceEnrollment(ex: Executor, enrollment: EnrollmentRow, stepCount: number, move: Advance, now: Date): Promise<boolean> {
  // Past the last step it is complete, unless that step was a WAIT: then once the wait is over.
  const status = move.status ?? (move.to >= stepCount && move.nextRunAt.getTime() <= now.getTime() ? "COMPLETED" : "ACTIVE");
  const [moved] = await ex
    .update(journeyEnrollments)
    .set({ stepIndex: move.to, nextRunAt: move.nextRunAt, status, finishedAt: status === "ACTIVE" ? null : now, updatedAt: now })
    .where(and(eq(journeyEnrollments.id, enrollment.id), eq(journeyEnrollments.stepIndex, move.from), eq(journeyEnrollments.status, "ACTIVE")))
    .returning({ id: journeyEnrollments.id });
  if (!moved) return false;
  await ex.insert(enrollmentSteps).values({ enrollmentId: enrollment.id, stepIndex: move.from, outcome: move.outcome, detail: move.detail, at: now });
  return true;
}

export async function markEnrollmentFailed(ex: Executor, enrollmentId: string, error: string, now: Date): Promise<void> {
  const [row] = await ex
    .update(journeyEnrollments)
    .set({ status: "FAILED", lastError: error.slice(0, 1000), finishedAt: now, updatedAt: now })
    .where(and(eq(journeyEnrollments.id, enrollmentId), eq(journeyEnrollments.status, "ACTIVE")))
    .returning({ stepIndex: journeyEnrollments.stepIndex });
  if (row) await ex.insert(enrollmentSteps).values({ enrollmentId, stepIndex: row.stepIndex, outcome: "FAILED", detail: error.slice(0, 500), at: now });
}

export type DeliveryRow = typeof emailDeliveries.$inferSelect;

/**
 * Takes the (enrollment, step) delivery for sending: creates it, or takes over one that failed
 * or whose sender's claim ran out. Returns the claim (its attempt is the fencing token), or the
 * existing row when it is sent, skipped, or held by a live sender.
 */
export async function claimDelivery(
  ex: Executor,
  values: { enrollmentId: string; stepIndex: number; customerId: string; recipient: string; subject: string; messageId: string },
  now: Date,
  claimMs: number,
): Promise<{ claimed: true; attempt: number; id: string } | { claimed: false; existing: DeliveryRow }> {
  const until = new Date(now.getTime() + claimMs).toISOString();
  const [claim] = await queryRows<{ id: string; attempts: number }>(
    ex,
    sql`insert into email_deliveries (enrollment_id, step_index, customer_id, recipient, subject, status, attempts, message_id, claimed_until)
        values (${values.enrollmentId}, ${values.stepIndex}, ${values.customerId}, ${values.recipient}, ${values.subject}, 'SENDING', 1, ${values.messageId}, ${until}::timestamptz)
        on conflict (enrollment_id, step_index) do update
          set status = 'SENDING', attempts = email_deliveries.attempts + 1, claimed_until = excluded.claimed_until,
              recipient = excluded.recipient, subject = excluded.subject, updated_at = ${now.toISOString()}::timestamptz
          where email_deliveries.status = 'FAILED'
             or (email_deliveries.status = 'SENDING' and email_deliveries.claimed_until <= ${now.toISOString()}::timestamptz)
        returning id, attempts`,
  );
  if (claim) return { claimed: true, attempt: claim.attempts, id: claim.id };
  const [existing] = await ex
    .select()
    .from(emailDeliveries)
    .where(and(eq(emailDeliveries.enrollmentId, values.enrollmentId), eq(emailDeliveries.stepIndex, values.stepIndex)));
  return { claimed: false, existing: existing! };
}

/** Records the outcome of the claim `attempt`; false when a later claim took the delivery over. */
export async function finishDelivery(
  ex: Executor,
  id: string,
  attempt: number,
  result: { status: "SENT"; at: Date } | { status: "FAILED"; error: string },
  now: Date,
): Promise<boolean> {
  const [row] = await ex
    .update(emailDeliveries)
    .set(
      result.status === "SENT"
        ? { status: "SENT", sentAt: result.at, claimedUntil: null, lastError: null, updatedAt: now }
        : { status: "FAILED", claimedUntil: null, lastError: result.error.slice(0, 1000), updatedAt: now },
    )
    .where(and(eq(emailDeliveries.id, id), eq(emailDeliveries.attempts, attempt), eq(emailDeliveries.status, "SENDING")))
    .returning({ id: emailDeliveries.id });
  return row !== undefined;
}

/** A step's email that was not sent (no address, opted out): recorded so the step stays done. */
export async function recordSkippedDelivery(
  ex: Executor,
  values: { enrollmentId: string; stepIndex: number; customerId: string; subject: string; messageId: string; reason: string },
): Promise<void> {
  await ex
    .insert(emailDeliveries)
    .values({ ...values, recipient: null, status: "SKIPPED", lastError: values.reason })
    .onConflictDoNothing({ target: [emailDeliveries.enrollmentId, emailDeliveries.stepIndex] });
}

// Dashboards.

/** A page of enrollments (by id) of each of several journeys, in one statement. */
export async function enrollmentPages(
  ex: Executor,
  journeyIds: readonly string[],
  status: EnrollmentStatusName | null,
  afterId: string | null,
  limit: number,
): Promise<Map<string, EnrollmentRow[]>> {
  const conditions = [inArray(journeyEnrollments.journeyId, [...journeyIds])];
  if (status) conditions.push(eq(journeyEnrollments.status, status));
  if (afterId) conditions.push(gt(journeyEnrollments.id, afterId));
  const ranked = ex
    .select({ id: journeyEnrollments.id, n: sql<number>`row_number() over (partition by ${journeyEnrollments.journeyId} order by ${journeyEnrollments.id})`.as("n") })
    .from(journeyEnrollments)
    .where(and(...conditions))
    .as("ranked");
  const rows = await ex
    .select({ enrollment: journeyEnrollments })
    .from(ranked)
    .innerJoin(journeyEnrollments, eq(journeyEnrollments.id, ranked.id))
    .where(sql`${ranked.n} <= ${limit}`)
    .orderBy(asc(journeyEnrollments.id));
  const pages = new Map<string, EnrollmentRow[]>(journeyIds.map((id) => [id, []]));
  for (const { enrollment } of rows) pages.get(enrollment.journeyId)!.push(enrollment);
  return pages;
}

export async function findJourneysByIds(ex: Executor, ids: readonly string[]): Promise<JourneyRow[]> {
  if (ids.length === 0) return [];
  return ex.select().from(journeys).where(inArray(journeys.id, [...ids]));
}

export async function enrollmentsOfCustomers(ex: Executor, customerIds: readonly string[]): Promise<EnrollmentRow[]> {
  if (customerIds.length === 0) return [];
  return ex
    .select()
    .from(journeyEnrollments)
    .where(inArray(journeyEnrollments.customerId, [...customerIds]))
    .orderBy(desc(journeyEnrollments.enrolledAt));
}

export async function stepHistory(ex: Executor, enrollmentIds: readonly string[]) {
  if (enrollmentIds.length === 0) return [];
  return ex
    .select()
    .from(enrollmentSteps)
    .where(inArray(enrollmentSteps.enrollmentId, [...enrollmentIds]))
    .orderBy(asc(enrollmentSteps.id));
}

export interface JourneyCounts {
  journeyId: string;
  active: number;
  paused: number;
  completed: number;
  stopped: number;
  optedOut: number;
  failed: number;
  emailsSent: number;
}

/** Enrollments by status and emails sent, for several journeys in one statement. */
export async function journeyCounts(ex: Executor, journeyIds: readonly string[]): Promise<JourneyCounts[]> {
  if (journeyIds.length === 0) return [];
  return queryRows<JourneyCounts>(
    ex,
    sql`select j.id as "journeyId",
               count(e.id) filter (where e.status = 'ACTIVE')::int as active,
               count(e.id) filter (where e.status = 'PAUSED')::int as paused,
               count(e.id) filter (where e.status = 'COMPLETED')::int as completed,
               count(e.id) filter (where e.status = 'STOPPED')::int as stopped,
               count(e.id) filter (where e.status = 'OPTED_OUT')::int as "optedOut",
               count(e.id) filter (where e.status = 'FAILED')::int as failed,
               (select count(*) from email_deliveries d join journey_enrollments s on s.id = d.enrollment_id
                where s.journey_id = j.id and d.status = 'SENT')::int as "emailsSent"
        from unnest(${pgArrayLiteral(journeyIds)}::uuid[]) as j(id)
        left join journey_enrollments e on e.journey_id = j.id
        group by j.id`,
  );
}

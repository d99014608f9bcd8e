import { eq, sql } from "drizzle-orm";
import { queryRows, type Database, type Executor } from "../db/client.js";
import type { ServiceContext } from "../common/service-context.js";
import { customers, emailDeliveries, journeyEnrollments, journeys, segments } from "../db/schema/index.js";
import { badInput } from "../common/errors.js";
import * as v from "../common/validate.js";
import { getCustomerOrThrow } from "../customers/customer.service.js";
import { getSegmentOrThrow } from "../segments/segment.service.js";
import { segmentCondition, segmentSource } from "../segments/segment.sql.js";
import type { SegmentRule } from "../segments/segment.type.js";
import { referencedSegments, validateSteps, type JourneyStepInput } from "./journey.steps.js";
import { enroll, findEnrollment, findJourney, queueEnrollmentJobs, type EnrollmentRow, type JourneyRow } from "./journey.repository.js";

export interface JourneyInput {
  name: string;
  trigger: JourneyRow["trigger"];
  steps: JourneyStepInput[];
}

/** A journey's input, checked: name, trigger, steps and the segments they name. */
async function checkedJourney(tx: Executor, input: JourneyInput) {
  const name = v.requiredText("name", input.name, v.LIMITS.shortText);
  if (input.trigger !== "REFERRAL_ATTRIBUTED" && input.trigger !== "MANUAL") throw badInput("trigger", "must be REFERRAL_ATTRIBUTED or MANUAL");
  const steps = validateSteps(input.steps);
  for (const segmentId of referencedSegments(steps)) {
    const [found] = await tx.select({ id: segments.id }).from(segments).where(eq(segments.id, segmentId));
    if (!found) throw badInput("steps", `a condition names segment ${segmentId}, which does not exist`);
  }
  return { name, trigger: input.trigger, steps };
}

/** Saves a journey once every step, template and referenced segment checks out. */
export async function createJourney(db: Database, input: JourneyInput, now = new Date()): Promise<JourneyRow> {
  return db.transaction(async (tx) => {
    const values = await checkedJourney(tx, input);
    const [created] = await tx
      .insert(journeys)
      .values({ ...values, createdAt: now, updatedAt: now })
      .onConflictDoNothing({ target: journeys.name })
      .returning();
    if (!created) throw badInput("name", `a journey named "${values.name}" already exists`);
    return created;
  });
}

/**
 * Replaces a journey's name, trigger and steps, checked as at creation. Enrollments in flight go
 * on from their step number in the new steps (past the last one, they complete); steps already
 * run keep their log and their emails, which are never sent twice. Each enrollment's next step
 * runs when it was due (a changed WAIT applies from the next wait on).
 */
export async function updateJourney(db: Database, id: string, input: JourneyInput, now: Date): Promise<JourneyRow> {
  return db.transaction(async (tx) => {
    const journey = await getJourneyOrThrow(tx, id, "id");
    const values = await checkedJourney(tx, input);
    const [taken] = await tx.select({ id: journeys.id }).from(journeys).where(eq(journeys.name, values.name));
    if (taken && taken.id !== journey.id) throw badInput("name", `a journey named "${values.name}" already exists`);
    const [row] = await tx.update(journeys).set({ ...values, updatedAt: now }).where(eq(journeys.id, journey.id)).returning();
    return row!;
  });
}

/**
 * Deletes a journey with its enrollments, their step logs and email records; answers its id.
 * Refused while one of its emails is being handed to SMTP: it would be sent with no record.
 */
export async function deleteJourney(db: Database, id: string): Promise<string> {
  return db.transaction(async (tx) => {
    const journey = await getJourneyOrThrow(tx, id, "id", true);
    const [sending] = await queryRows<{ n: number }>(
      tx,
      sql`select count(*)::int as n from ${emailDeliveries} d join ${journeyEnrollments} e on e.id = d.enrollment_id
           where e.journey_id = ${journey.id} and d.status = 'SENDING'`,
    );
    if (sending!.n > 0) throw badInput("id", "an email of this journey is being sent right now: pause the journey, then delete it");
    await tx.delete(journeys).where(eq(journeys.id, journey.id));
    return journey.id;
  });
}

export async function getJourneyOrThrow(ex: Executor, id: string, field = "journeyId", forUpdate = false): Promise<JourneyRow> {
  const journey = await findJourney(ex, v.id(field, id), forUpdate);
  if (!journey) throw badInput(field, "no journey with this id");
  return journey;
}

/**
 * Pauses or resumes a journey. Paused, its jobs end without running a step; resumed, each
 * active enrollment is queued again at its next run (or now, if that passed while paused).
 */
export async function setJourneyStatus({ db, changes }: ServiceContext, journeyId: string, status: JourneyRow["status"], now = new Date()): Promise<JourneyRow> {
  const journey = await db.transaction(async (tx) => {
    const found = await getJourneyOrThrow(tx, journeyId);
    const [updated] = await tx.update(journeys).set({ status, updatedAt: now }).where(eq(journeys.id, found.id)).returning();
    if (status === "ACTIVE") await queueEnrollmentJobs(tx, sql`e.journey_id = ${found.id}`, now);
    return updated!;
  });
  changes.publish({ kind: "jobs" });
  return journey;
}

/** Enrolls one customer (admin). Already enrolled, churned or opted out: BAD_USER_INPUT. */
export async function enrollCustomer({ db, changes }: ServiceContext, journeyId: string, customerId: string, now = new Date()): Promise<EnrollmentRow> {
  const enrollment = await db.transaction(async (tx) => {
    const journey = await getJourneyOrThrow(tx, journeyId);
    const customer = await getCustomerOrThrow(tx, customerId);
    if (customer.status === "CHURNED") throw badInput("customerId", "the customer has churned");
    const added = await enroll(tx, sql`select ${journey.id}::uuid as id`, sql`select ${customer.id}::uuid as id`, "ADMIN", now);
    const [row] = await tx
      .select()
      .from(journeyEnrollments)
      .where(sql`${journeyEnrollments.journeyId} = ${journey.id} and ${journeyEnrollments.customerId} = ${customer.id}`);
    if (!row) throw badInput("customerId", "the customer has opted out of emails");
    if (added === 0) throw badInput("customerId", "the customer is already enrolled in this journey");
    return row;
  });
  changes.publish({ kind: "jobs" });
  return enrollment;
}

/** Enrolls every current member of a segment in one statement; returns how many were new. */
export async function enrollSegment({ db, changes }: ServiceContext, journeyId: string, segmentId: string, now = new Date()): Promise<number> {
  const added = await db.transaction(async (tx) => {
    const journey = await getJourneyOrThrow(tx, journeyId);
    const segment = await getSegmentOrThrow(tx, segmentId);
    const members = sql`select ${customers.id} as id from ${segmentSource} where ${segmentCondition(segment.rules as SegmentRule[])}`;
    return enroll(tx, sql`select ${journey.id}::uuid as id`, members, `SEGMENT:${segment.id}`, now);
  });
  changes.publish({ kind: "jobs" });
  return added;
}

/**
 * Enrolls a just-attributed customer in every active journey triggered by attribution, in the
 * attribution's transaction: the enrollment and its first job commit with the referral or not
 * at all. The caller announces the queued jobs after commit.
 */
export async function enrollOnAttribution(tx: Executor, customerId: string, now: Date): Promise<number> {
  return enroll(
    tx,
    sql`select id from journeys where trigger = 'REFERRAL_ATTRIBUTED' and status = 'ACTIVE'`,
    sql`select ${customerId}::uuid as id`,
    "REFERRAL_ATTRIBUTED",
    now,
  );
}

/** Pauses or resumes one enrollment. Only ACTIVE ones pause and only PAUSED ones resume. */
export async function setEnrollmentStatus({ db, changes }: ServiceContext, enrollmentId: string, paused: boolean, now = new Date()): Promise<EnrollmentRow> {
  const enrollment = await db.transaction(async (tx) => {
    const found = await findEnrollment(tx, v.id("enrollmentId", enrollmentId));
    if (!found) throw badInput("enrollmentId", "no enrollment with this id");
    const from = paused ? "ACTIVE" : "PAUSED";
    if (found.status !== from) throw badInput("enrollmentId", `the enrollment is ${found.status}: only ${from} enrollments can be ${paused ? "paused" : "resumed"}`);
    const [updated] = await tx
      .update(journeyEnrollments)
      .set({ status: paused ? "PAUSED" : "ACTIVE", updatedAt: now })
      .where(eq(journeyEnrollments.id, found.id))
      .returning();
    if (!paused) await queueEnrollmentJobs(tx, sql`e.id = ${found.id}`, now);
    return updated!;
  });
  changes.publish({ kind: "jobs" });
  return enrollment;
}

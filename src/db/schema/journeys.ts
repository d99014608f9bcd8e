import { sql } from "drizzle-orm";
import { bigserial, index, integer, jsonb, pgEnum, pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { enumValues, id, lifecycleDates, timestamptz } from "./columns.js";
import { customers } from "./customers.js";
import type { HealthBand } from "../../intelligence/intelligence.enums.js";
import { EnrollmentStatus, JourneyStatus, JourneyTrigger } from "../../journeys/journey.enums.js";

/** What enrolls customers by itself: an attribution of a referral, or nothing (admins enroll). */
export const journeyTrigger = pgEnum("journey_trigger", enumValues(JourneyTrigger));
export const journeyStatus = pgEnum("journey_status", enumValues(JourneyStatus));
export const enrollmentStatus = pgEnum("enrollment_status", enumValues(EnrollmentStatus));

/** A journey's steps as stored (journeys.steps, jsonb), validated at save by journeys/journey.steps.ts. */
export type HealthBandName = `${HealthBand}`;

export type JourneyCondition =
  | { kind: "HEALTH_BAND_IN"; bands: HealthBandName[] }
  | { kind: "IN_SEGMENT"; segmentId: string }
  | { kind: "NOT_IN_SEGMENT"; segmentId: string }
  | { kind: "MILESTONE_REACHED"; action: string }
  /** action null: any of the current success milestones not reached yet. */
  | { kind: "MILESTONE_NOT_REACHED"; action: string | null };

export type JourneyStep =
  | { kind: "WAIT"; hours: number }
  | { kind: "EMAIL"; subject: string; body: string }
  /** When the condition holds: stop the journey, or go on at a later step; otherwise the next step. */
  | { kind: "BRANCH"; condition: JourneyCondition; then: "STOP" | "GOTO"; gotoStep: number | null };

/** A drip journey: steps (validated at save, see journeys/journey.steps.ts) run in order per enrolled customer. */
export const journeys = pgTable(
  "journeys",
  {
    id: id(),
    name: text("name").notNull(),
    trigger: journeyTrigger("trigger").notNull().default("MANUAL"),
    status: journeyStatus("status").notNull().default("ACTIVE"),
    steps: jsonb("steps").$type<JourneyStep[]>().notNull(),
    ...lifecycleDates,
  },
  (t) => [uniqueIndex("journeys_name_key").on(t.name), index("journeys_trigger_idx").on(t.trigger)],
);

/** One customer's way through one journey: the next step to run and when. */
export const journeyEnrollments = pgTable(
  "journey_enrollments",
  {
    id: id(),
    journeyId: uuid("journey_id")
      .notNull()
      .references(() => journeys.id, { onDelete: "cascade" }),
    customerId: uuid("customer_id")
      .notNull()
      .references(() => customers.id, { onDelete: "cascade" }),
    status: enrollmentStatus("status").notNull().default("ACTIVE"),
    /** The next step to run (steps.length once done). */
    stepIndex: integer("step_index").notNull().default(0),
    nextRunAt: timestamptz("next_run_at").notNull(),
    enrolledAt: timestamptz("enrolled_at").notNull(),
    /** REFERRAL_ATTRIBUTED, SEGMENT:<id> or ADMIN. */
    source: text("source").notNull(),
    finishedAt: timestamptz("finished_at"),
    lastError: text("last_error"),
    ...lifecycleDates,
  },
  (t) => [
    uniqueIndex("journey_enrollments_journey_customer_key").on(t.journeyId, t.customerId),
    index("journey_enrollments_customer_idx").on(t.customerId),
    index("journey_enrollments_journey_status_idx").on(t.journeyId, t.status),
  ],
);

/** What each step did for an enrollment, in order: its progress as dashboards show it. */
export const enrollmentSteps = pgTable(
  "enrollment_steps",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    enrollmentId: uuid("enrollment_id")
      .notNull()
      .references(() => journeyEnrollments.id, { onDelete: "cascade" }),
    stepIndex: integer("step_index").notNull(),
    /** WAITED, EMAIL_SENT, EMAIL_SKIPPED, BRANCHED, CONTINUED, STOPPED, FAILED. */
    outcome: text("outcome").notNull(),
    detail: text("detail"),
    at: timestamptz("at").notNull(),
  },
  (t) => [index("enrollment_steps_enrollment_idx").on(t.enrollmentId, t.id)],
);

/** SENDING while a worker hands it to SMTP, then SENT or FAILED (retried) or SKIPPED (opted out, no address). */
export const emailDeliveryStatus = pgEnum("email_delivery_status", ["SENDING", "SENT", "FAILED", "SKIPPED"]);

/**
 * Every email a journey step sends, keyed by (enrollment, step): the idempotency key that keeps a
 * retried, reclaimed or concurrent job from sending the same step twice.
 */
export const emailDeliveries = pgTable(
  "email_deliveries",
  {
    id: id(),
    enrollmentId: uuid("enrollment_id")
      .notNull()
      .references(() => journeyEnrollments.id, { onDelete: "cascade" }),
    stepIndex: integer("step_index").notNull(),
    customerId: uuid("customer_id")
      .notNull()
      .references(() => customers.id, { onDelete: "cascade" }),
    recipient: text("recipient"),
    subject: text("subject").notNull(),
    status: emailDeliveryStatus("status").notNull(),
    attempts: integer("attempts").notNull().default(0),
    /** Stable across retries, so a receiving server can recognise a resend. */
    messageId: text("message_id").notNull(),
    /** While SENDING: until when the sender's claim holds. */
    claimedUntil: timestamptz("claimed_until"),
    sentAt: timestamptz("sent_at"),
    lastError: text("last_error"),
    ...lifecycleDates,
  },
  (t) => [
    uniqueIndex("email_deliveries_enrollment_step_key").on(t.enrollmentId, t.stepIndex),
    index("email_deliveries_customer_idx").on(t.customerId),
    index("email_deliveries_sent_idx").on(t.sentAt).where(sql`${t.status} = 'SENT'`),
  ],
);

/** A customer's email preferences: the unsubscribe token of its links and its opt-out. */
export const emailPreferences = pgTable(
  "email_preferences",
  {
    customerId: uuid("customer_id")
      .primaryKey()
      .references(() => customers.id, { onDelete: "cascade" }),
    /** Random, unguessable: the link's only secret. */
    unsubscribeToken: text("unsubscribe_token").notNull(),
    optedOutAt: timestamptz("opted_out_at"),
    /** UNSUBSCRIBE_LINK, ONE_CLICK, ADMIN. */
    optOutSource: text("opt_out_source"),
    ...lifecycleDates,
  },
  (t) => [uniqueIndex("email_preferences_token_key").on(t.unsubscribeToken)],
);

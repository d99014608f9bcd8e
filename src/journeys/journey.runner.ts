import { eq } from "drizzle-orm";
import type { Database } from "../db/client.js";
import { customerScores } from "../db/schema/index.js";
import { log } from "../common/log.js";
import type { JobHandler, JobOutcome } from "../jobs/job.runner.js";
import type { Mailer } from "../email/mailer.js";
import { isOptedOut } from "../email/preferences.js";
import { findSegmentById, segmentsOfCustomers } from "../segments/segment.repository.js";
import { successMilestones } from "../milestones/milestones.service.js";
import { renderTemplate, MAX_STEPS } from "./journey.steps.js";
import type { JourneyCondition, JourneyStep } from "../db/schema/journeys.js";
import { nextMilestone, reachedActions, recipientFor } from "./journey.content.js";
import type { ScoringConfig } from "../config/config.js";
import {
  advanceEnrollment,
  claimDelivery,
  findEnrollment,
  findJourney,
  finishDelivery,
  markEnrollmentFailed,
  recordSkippedDelivery,
  type Advance,
  type EnrollmentRow,
  type JourneyRow,
} from "./journey.repository.js";

export interface JourneyRunnerDeps {
  db: Database;
  /** Which customers count as successful, for the success milestones. */
  scoring: ScoringConfig;
  mailer: Mailer;
  /** Where the unsubscribe link points (this server's public address). */
  publicUrl: string;
  /** The domain of Message-IDs (the sender's). */
  messageIdDomain: string;
  /** How long a sender's claim on a delivery holds (the job lease). */
  claimMs: number;
}

const HOUR_MS = 3_600_000;
const MILESTONES_TTL_MS = 10 * 60_000;

/**
 * The job that walks one enrollment through its journey: runs every step that is due (a WAIT
 * sets the next run and ends the job until then), each step's effect and the enrollment's move
 * committed together. Paused or ended enrollments and journeys end the job without a step.
 */
export function journeyJobHandler(deps: JourneyRunnerDeps): JobHandler {
  // Success milestones change slowly and cost a scan: shared by every job for ten minutes.
  let milestones: { at: number; list: Promise<string[]> } | undefined;
  const currentMilestones = () => {
    if (!milestones || Date.now() - milestones.at > MILESTONES_TTL_MS) {
      milestones = { at: Date.now(), list: successMilestones(deps.db, new Date(), deps.scoring).then((list) => list.map((m) => m.action)) };
      milestones.list.catch(() => (milestones = undefined));
    }
    return milestones.list;
  };
  return {
    run: (job, now) => runEnrollment(deps, String(job.payload.enrollmentId), now, currentMilestones),
    onFailed: (job, error, now) => markEnrollmentFailed(deps.db, String(job.payload.enrollmentId), error, now),
  };
}

export async function runEnrollment(deps: JourneyRunnerDeps, enrollmentId: string, now: Date, milestones: () => Promise<string[]>): Promise<JobOutcome> {
  for (let guard = 0; guard <= MAX_STEPS + 1; guard++) {
    const enrollment = await findEnrollment(deps.db, enrollmentId);
    if (!enrollment || enrollment.status !== "ACTIVE") return;
    const journey = await findJourney(deps.db, enrollment.journeyId);
    if (!journey || journey.status !== "ACTIVE") return;
    if (enrollment.nextRunAt.getTime() > now.getTime()) return { runAgainAt: enrollment.nextRunAt };
    const step = journey.steps[enrollment.stepIndex];
    const move = step
      ? await runStep(deps, journey, enrollment, step, now, milestones)
      : ({ from: enrollment.stepIndex, to: enrollment.stepIndex, nextRunAt: now, status: "COMPLETED", outcome: "COMPLETED", detail: null } satisfies Advance);
    if ("retryAt" in move) return { runAgainAt: move.retryAt };
    if (move.recorded) continue;
    await deps.db.transaction((tx) => advanceEnrollment(tx, enrollment, journey.steps.length, move, now));
  }
  log.warn("journey enrollment did not settle", { enrollmentId });
}

type StepResult = (Advance & { recorded?: boolean }) | { retryAt: Date };

async function runStep(
  deps: JourneyRunnerDeps,
  journey: JourneyRow,
  enrollment: EnrollmentRow,
  step: JourneyStep,
  now: Date,
  milestones: () => Promise<string[]>,
): Promise<StepResult> {
  const from = enrollment.stepIndex;
  switch (step.kind) {
    case "WAIT": {
      const until = new Date(now.getTime() + step.hours * HOUR_MS);
      return { from, to: from + 1, nextRunAt: until, outcome: "WAITED", detail: `until ${until.toISOString()}` };
    }
    case "BRANCH": {
      const holds = await conditionHolds(deps.db, enrollment.customerId, step.condition, milestones);
      const what = describeCondition(step.condition);
      if (!holds) return { from, to: from + 1, nextRunAt: now, outcome: "CONTINUED", detail: `not ${what}` };
      if (step.then === "STOP") return { from, to: from, nextRunAt: now, status: "STOPPED", outcome: "STOPPED", detail: what };
      return { from, to: step.gotoStep!, nextRunAt: now, outcome: "BRANCHED", detail: `${what}: to step ${step.gotoStep}` };
    }
    case "EMAIL":
      return sendStepEmail(deps, journey, enrollment, step, now, milestones);
  }
}

function describeCondition(condition: JourneyCondition): string {
  switch (condition.kind) {
    case "HEALTH_BAND_IN":
      return `health band in ${condition.bands.join(", ")}`;
    case "IN_SEGMENT":
      return `in segment ${condition.segmentId}`;
    case "NOT_IN_SEGMENT":
      return `not in segment ${condition.segmentId}`;
    case "MILESTONE_REACHED":
      return `reached ${condition.action}`;
    case "MILESTONE_NOT_REACHED":
      return condition.action ? `not reached ${condition.action}` : "a success milestone not reached";
  }
}

export async function conditionHolds(db: Database, customerId: string, condition: JourneyCondition, milestones: () => Promise<string[]>): Promise<boolean> {
  switch (condition.kind) {
    case "HEALTH_BAND_IN": {
      const [row] = await db.select({ band: customerScores.healthBand }).from(customerScores).where(eq(customerScores.customerId, customerId));
      return row !== undefined && condition.bands.includes(row.band);
    }
    case "IN_SEGMENT":
    case "NOT_IN_SEGMENT": {
      // A segment deleted since the journey was saved has no members.
      const segment = await findSegmentById(db, condition.segmentId);
      const member = segment ? ((await segmentsOfCustomers(db, [segment], [customerId])).get(customerId)?.length ?? 0) > 0 : false;
      return condition.kind === "IN_SEGMENT" ? member : !member;
    }
    case "MILESTONE_REACHED":
      return (await reachedActions(db, customerId, [condition.action])).size > 0;
    case "MILESTONE_NOT_REACHED":
      if (condition.action) return (await reachedActions(db, customerId, [condition.action])).size === 0;
      return (await nextMilestone(db, customerId, await milestones())) !== null;
  }
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function toHtml(text: string, unsubscribeUrl: string): string {
  const paragraphs = text
    .split(/\n\s*\n/)
    .map((p) => `<p>${escapeHtml(p.trim()).replace(/\n/g, "<br>")}</p>`)
    .join("\n");
  return `<!doctype html><html><body>${paragraphs}\n<p style="font-size:small;color:#666"><a href="${escapeHtml(unsubscribeUrl)}">Unsubscribe</a></p></body></html>`;
}

/**
 * Sends a step's email at most once per (enrollment, step): the delivery row is claimed before
 * the SMTP handoff and marked SENT with the enrollment's move in one transaction. A failed send
 * throws (the job retries with backoff); a sender that died mid-send leaves a claim that runs
 * out, and the next attempt resends with the same Message-ID.
 */
async function sendStepEmail(
  deps: JourneyRunnerDeps,
  journey: JourneyRow,
  enrollment: EnrollmentRow,
  step: Extract<JourneyStep, { kind: "EMAIL" }>,
  now: Date,
  milestones: () => Promise<string[]>,
): Promise<StepResult> {
  const { db } = deps;
  const from = enrollment.stepIndex;
  const messageId = `<${enrollment.id}.${from}@${deps.messageIdDomain}>`;
  const base = { enrollmentId: enrollment.id, stepIndex: from, customerId: enrollment.customerId, messageId };
  const skip = async (reason: string, status?: "OPTED_OUT") => {
    const move: Advance = { from, to: status ? from : from + 1, nextRunAt: now, status, outcome: status ?? "EMAIL_SKIPPED", detail: reason };
    await db.transaction(async (tx) => {
      if (await advanceEnrollment(tx, enrollment, journey.steps.length, move, now)) {
        await recordSkippedDelivery(tx, { ...base, subject: step.subject, reason });
      }
    });
    return { ...move, recorded: true };
  };

  if (await isOptedOut(db, enrollment.customerId)) return skip("the customer opted out of emails", "OPTED_OUT");
  const recipient = await recipientFor(db, enrollment.customerId, `${step.subject}\n${step.body}`, { publicUrl: deps.publicUrl, milestones });
  if (!recipient.email) return skip("the customer has no stakeholder with an email address");
  const unsubscribeUrl = recipient.values.unsubscribeUrl!;
  const subject = renderTemplate(step.subject, recipient.values).replace(/\s+/g, " ").trim();
  let text = renderTemplate(step.body, recipient.values);
  if (!/\{\{\s*unsubscribeUrl/.test(step.body)) text += `\n\n--\nUnsubscribe: ${unsubscribeUrl}`;

  const claim = await claimDelivery(db, { ...base, recipient: recipient.email, subject }, now, deps.claimMs);
  if (!claim.claimed) {
    const { existing } = claim;
    // Sent or skipped by an earlier attempt whose move did not commit (a pause in between): move on.
    if (existing.status === "SENT" || existing.status === "SKIPPED") {
      return { from, to: from + 1, nextRunAt: now, outcome: existing.status === "SENT" ? "EMAIL_SENT" : "EMAIL_SKIPPED", detail: "by an earlier attempt" };
    }
    return { retryAt: existing.claimedUntil ?? new Date(now.getTime() + deps.claimMs) };
  }
  try {
    await deps.mailer.send({ to: recipient.email, subject, text, html: toHtml(text, unsubscribeUrl), messageId, unsubscribeUrl });
  } catch (error) {
    await finishDelivery(db, claim.id, claim.attempt, { status: "FAILED", error: error instanceof Error ? error.message : String(error) }, now);
    throw error;
  }
  const move: Advance = { from, to: from + 1, nextRunAt: now, outcome: "EMAIL_SENT", detail: `to ${recipient.email}: ${subject}` };
  await db.transaction(async (tx) => {
    if (!(await finishDelivery(tx, claim.id, claim.attempt, { status: "SENT", at: now }, now))) {
      log.warn("an email was sent after its delivery claim was taken over", { enrollmentId: enrollment.id, step: from });
      return;
    }
    await advanceEnrollment(tx, enrollment, journey.steps.length, move, now);
  });
  return { ...move, recorded: true };
}

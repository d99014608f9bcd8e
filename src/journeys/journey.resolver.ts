import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import { Allow, Role } from "../auth/roles.js";
import type { Context } from "../graphql/context.js";
import { pageArgs, toConnection } from "../common/pagination.js";
import { Customer } from "../customers/customer.type.js";
import type { CustomerRow } from "../customers/customer.repository.js";
import { setEmailOptOut } from "../email/preferences.js";
import { getCustomerOrThrow } from "../customers/customer.service.js";
import * as v from "../common/validate.js";
import { TEMPLATE_VARIABLES } from "./journey.steps.js";
import type { JourneyStep } from "../db/schema/journeys.js";
import { listJourneys, type JourneyCounts as JourneyCountRow, type JourneyRow } from "./journey.repository.js";
import * as journeys from "./journey.service.js";
import { EnrollmentStepRecord, Journey, JourneyCounts, JourneyEnrollment, JourneyEnrollmentConnection, JourneyInput, JourneyStepView, TemplateVariable } from "./journey.type.js";
import { EnrollmentStatus, JourneyConditionKind, JourneyStepKind, type BranchAction } from "./journey.enums.js";
import type { HealthBand } from "../intelligence/intelligence.enums.js";

const STATUS_COUNT: Record<EnrollmentStatus, keyof Omit<JourneyCountRow, "journeyId" | "emailsSent">> = {
  ACTIVE: "active",
  PAUSED: "paused",
  COMPLETED: "completed",
  STOPPED: "stopped",
  OPTED_OUT: "optedOut",
  FAILED: "failed",
};

function stepView(step: JourneyStep, index: number): JourneyStepView {
  const kind = step.kind as JourneyStepKind;
  if (step.kind === "WAIT") return { index, kind, waitHours: step.hours };
  if (step.kind === "EMAIL") return { index, kind, subject: step.subject, body: step.body };
  const c = step.condition;
  return {
    index,
    kind,
    then: step.then as BranchAction,
    gotoStep: step.gotoStep,
    condition: {
      kind: c.kind as JourneyConditionKind,
      bands: c.kind === "HEALTH_BAND_IN" ? (c.bands as HealthBand[]) : null,
      segmentId: c.kind === "IN_SEGMENT" || c.kind === "NOT_IN_SEGMENT" ? c.segmentId : null,
      action: c.kind === "MILESTONE_REACHED" || c.kind === "MILESTONE_NOT_REACHED" ? c.action : null,
    },
  };
}

@Resolver(() => Journey)
export class JourneyResolver {
  @Query(() => [Journey], { description: "Every drip journey, by name." })
  @Allow(Role.ADMIN)
  async journeys(@Ctx() { db }: Context): Promise<JourneyRow[]> {
    return listJourneys(db);
  }

  @Query(() => Journey, { nullable: true })
  @Allow(Role.ADMIN)
  journey(@Arg("id", () => ID) id: string, @Ctx() { loaders }: Context) {
    return v.isUuid(id) ? loaders.journeyById.load(id.toLowerCase()) : null;
  }

  @Query(() => [TemplateVariable], { description: "The variables journey email templates may use." })
  @Allow(Role.ADMIN)
  journeyTemplateVariables(): TemplateVariable[] {
    return Object.entries(TEMPLATE_VARIABLES).map(([name, description]) => ({ name, description }));
  }

  @Mutation(() => Journey, { description: "Saves a journey; every template variable, branch target and segment is checked first." })
  @Allow(Role.ADMIN)
  createJourney(@Arg("input", () => JourneyInput) input: JourneyInput, @Ctx() { db, now }: Context) {
    return journeys.createJourney(db, input, now);
  }

  @Mutation(() => Journey, {
    description: "Replaces name, trigger and steps, checked as at creation; enrollments in flight go on from their step number in the new steps (past the last one they complete).",
  })
  @Allow(Role.ADMIN)
  updateJourney(@Arg("id", () => ID) id: string, @Arg("input", () => JourneyInput) input: JourneyInput, @Ctx() { db, now }: Context) {
    return journeys.updateJourney(db, id, input, now);
  }

  @Mutation(() => ID, { description: "Deletes the journey with its enrollments, step logs and email records; answers its id. pauseJourney keeps them." })
  @Allow(Role.ADMIN)
  deleteJourney(@Arg("id", () => ID) id: string, @Ctx() { db }: Context) {
    return journeys.deleteJourney(db, id);
  }

  @Mutation(() => Journey, { description: "No step runs while paused; enrollments wait where they are." })
  @Allow(Role.ADMIN)
  pauseJourney(@Arg("id", () => ID) id: string, @Ctx() ctx: Context) {
    return journeys.setJourneyStatus(ctx, id, "PAUSED", ctx.now);
  }

  @Mutation(() => Journey, { description: "Steps that came due while paused run now." })
  @Allow(Role.ADMIN)
  resumeJourney(@Arg("id", () => ID) id: string, @Ctx() ctx: Context) {
    return journeys.setJourneyStatus(ctx, id, "ACTIVE", ctx.now);
  }

  @Mutation(() => JourneyEnrollment)
  @Allow(Role.ADMIN)
  enrollCustomer(@Arg("journeyId", () => ID) journeyId: string, @Arg("customerId", () => ID) customerId: string, @Ctx() ctx: Context) {
    return journeys.enrollCustomer(ctx, journeyId, customerId, ctx.now);
  }

  @Mutation(() => Int, { description: "Enrolls the segment's current members (not churned, not opted out, not enrolled yet); returns how many." })
  @Allow(Role.ADMIN)
  enrollSegment(@Arg("journeyId", () => ID) journeyId: string, @Arg("segmentId", () => ID) segmentId: string, @Ctx() ctx: Context) {
    return journeys.enrollSegment(ctx, journeyId, segmentId, ctx.now);
  }

  @Mutation(() => JourneyEnrollment)
  @Allow(Role.ADMIN)
  pauseEnrollment(@Arg("id", () => ID) id: string, @Ctx() ctx: Context) {
    return journeys.setEnrollmentStatus(ctx, id, true, ctx.now);
  }

  @Mutation(() => JourneyEnrollment)
  @Allow(Role.ADMIN)
  resumeEnrollment(@Arg("id", () => ID) id: string, @Ctx() ctx: Context) {
    return journeys.setEnrollmentStatus(ctx, id, false, ctx.now);
  }

  @FieldResolver(() => [JourneyStepView])
  steps(@Root() journey: JourneyRow): JourneyStepView[] {
    return journey.steps.map(stepView);
  }

  @FieldResolver(() => JourneyCounts, { description: "Enrollments by status, and emails sent." })
  async counts(@Root() journey: JourneyRow, @Ctx() { loaders }: Context): Promise<JourneyCounts> {
    return (await loaders.journeyCountsById.load(journey.id)) ?? { active: 0, paused: 0, completed: 0, stopped: 0, optedOut: 0, failed: 0, emailsSent: 0 };
  }

  @FieldResolver(() => JourneyEnrollmentConnection)
  async enrollments(
    @Root() journey: JourneyRow,
    @Ctx() { loaders }: Context,
    @Arg("first", () => Int, { nullable: true, defaultValue: 50 }) first: number,
    @Arg("after", () => String, { nullable: true }) after?: string | null,
    @Arg("status", () => EnrollmentStatus, { nullable: true }) status?: EnrollmentStatus | null,
  ) {
    const page = pageArgs(first, after);
    const rows = await loaders.enrollmentPage(status ?? null).load({ ownerId: journey.id, ...page });
    // The total comes from the journeys' counts: one statement for every journey of the request.
    return toConnection(rows, page.first, async () => {
      const counts = await loaders.journeyCountsById.load(journey.id);
      if (!counts) return 0;
      if (status) return counts[STATUS_COUNT[status]];
      return counts.active + counts.paused + counts.completed + counts.stopped + counts.optedOut + counts.failed;
    });
  }
}

@Resolver(() => JourneyEnrollment)
export class JourneyEnrollmentResolver {
  @FieldResolver(() => Journey)
  async journey(@Root() enrollment: JourneyEnrollment, @Ctx() { loaders }: Context) {
    return loaders.journeyById.load(enrollment.journeyId);
  }

  @FieldResolver(() => Customer)
  async customer(@Root() enrollment: JourneyEnrollment, @Ctx() { loaders }: Context) {
    return (await loaders.customerById.load(enrollment.customerId)) as CustomerRow;
  }

  @FieldResolver(() => [EnrollmentStepRecord], { description: "What each step did, in order." })
  history(@Root() enrollment: JourneyEnrollment, @Ctx() { loaders }: Context) {
    return loaders.enrollmentHistoryById.load(enrollment.id);
  }
}

@Resolver(() => Customer)
export class CustomerJourneyResolver {
  @FieldResolver(() => [JourneyEnrollment], { description: "The customer's journeys, newest enrollment first." })
  @Allow(Role.ADMIN)
  journeyEnrollments(@Root() customer: Customer, @Ctx() { loaders }: Context) {
    return loaders.enrollmentsByCustomerId.load(customer.id);
  }

  @FieldResolver(() => Date, { nullable: true, description: "When the customer opted out of journey emails; null: it receives them." })
  @Allow(Role.ADMIN)
  emailOptedOutAt(@Root() customer: Customer, @Ctx() { loaders }: Context) {
    return loaders.emailOptedOutAtByCustomerId.load(customer.id);
  }

  @Mutation(() => Customer, { description: "Opts a customer out of (or back into) journey emails; opting out ends its journeys." })
  @Allow(Role.ADMIN)
  async setEmailOptOut(@Arg("customerId", () => ID) customerId: string, @Arg("optedOut", () => Boolean) optedOut: boolean, @Ctx() { db, now }: Context) {
    await setEmailOptOut(db, customerId, optedOut, now);
    return getCustomerOrThrow(db, customerId);
  }
}

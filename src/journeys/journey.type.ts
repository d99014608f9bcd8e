import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from "type-graphql";
import { ConnectionTypes } from "../common/connection.type.js";
import { HealthBand } from "../intelligence/intelligence.enums.js";
import { BranchAction, EnrollmentStatus, JourneyConditionKind, JourneyStatus, JourneyStepKind, JourneyTrigger } from "./journey.enums.js";

registerEnumType(JourneyTrigger, {
  name: "JourneyTrigger",
  description: "REFERRAL_ATTRIBUTED: every customer attributed to an affiliate is enrolled; MANUAL: admins enroll customers or segments.",
});

registerEnumType(JourneyStatus, { name: "JourneyStatus" });
registerEnumType(EnrollmentStatus, { name: "EnrollmentStatus" });
registerEnumType(JourneyStepKind, {
  name: "JourneyStepKind",
  description: "WAIT waitHours; EMAIL subject and body (templates); BRANCH: when the condition holds, STOP or GOTO a later step, else go on.",
});

registerEnumType(BranchAction, { name: "BranchAction" });
registerEnumType(JourneyConditionKind, { name: "JourneyConditionKind" });

@InputType({ description: "Set exactly one." })
export class JourneyConditionInput {
  @Field(() => [HealthBand], { nullable: true })
  healthBandIn?: HealthBand[] | null;

  @Field(() => ID, { nullable: true })
  inSegmentId?: string | null;

  @Field(() => ID, { nullable: true })
  notInSegmentId?: string | null;

  @Field(() => String, { nullable: true, description: "A product action (an `action` event name, as product activity records it)." })
  milestoneReached?: string | null;

  @Field(() => String, { nullable: true })
  milestoneNotReached?: string | null;

  @Field(() => Boolean, { nullable: true, description: "Any of the current success milestones not reached yet." })
  anyMilestoneNotReached?: boolean | null;
}

@InputType({ description: "One step; the fields its kind does not use must be unset." })
export class JourneyStepInput {
  @Field(() => JourneyStepKind)
  kind: JourneyStepKind;

  @Field(() => Float, { nullable: true })
  waitHours?: number | null;

  @Field(() => String, { nullable: true, description: "Template: see journeyTemplateVariables." })
  subject?: string | null;

  @Field(() => String, { nullable: true, description: "Template (plain text): see journeyTemplateVariables." })
  body?: string | null;

  @Field(() => JourneyConditionInput, { nullable: true })
  condition?: JourneyConditionInput | null;

  @Field(() => BranchAction, { nullable: true })
  then?: BranchAction | null;

  @Field(() => Int, { nullable: true, description: "With then: GOTO, a later step's index (0-based)." })
  gotoStep?: number | null;
}

@InputType()
export class JourneyInput {
  @Field(() => String)
  name: string;

  @Field(() => JourneyTrigger, { nullable: true, defaultValue: JourneyTrigger.MANUAL })
  trigger: JourneyTrigger;

  @Field(() => [JourneyStepInput])
  steps: JourneyStepInput[];
}

@ObjectType()
export class JourneyCondition {
  @Field(() => JourneyConditionKind)
  kind: JourneyConditionKind;

  @Field(() => [HealthBand], { nullable: true })
  bands?: HealthBand[] | null;

  @Field(() => ID, { nullable: true })
  segmentId?: string | null;

  @Field(() => String, { nullable: true, description: "Null with MILESTONE_NOT_REACHED: any current success milestone." })
  action?: string | null;
}

@ObjectType()
export class JourneyStepView {
  @Field(() => Int)
  index: number;

  @Field(() => JourneyStepKind)
  kind: JourneyStepKind;

  @Field(() => Float, { nullable: true })
  waitHours?: number | null;

  @Field(() => String, { nullable: true })
  subject?: string | null;

  @Field(() => String, { nullable: true })
  body?: string | null;

  @Field(() => JourneyCondition, { nullable: true })
  condition?: JourneyCondition | null;

  @Field(() => BranchAction, { nullable: true })
  then?: BranchAction | null;

  @Field(() => Int, { nullable: true })
  gotoStep?: number | null;
}

@ObjectType()
export class JourneyCounts {
  @Field(() => Int)
  active: number;

  @Field(() => Int)
  paused: number;

  @Field(() => Int)
  completed: number;

  @Field(() => Int)
  stopped: number;

  @Field(() => Int)
  optedOut: number;

  @Field(() => Int)
  failed: number;

  @Field(() => Int)
  emailsSent: number;
}

@ObjectType({ description: "A drip journey for customers (referred customers above all)." })
export class Journey {
  @Field(() => ID)
  id: string;

  @Field(() => String)
  name: string;

  @Field(() => JourneyTrigger)
  trigger: JourneyTrigger;

  @Field(() => JourneyStatus)
  status: JourneyStatus;

  @Field(() => Date)
  createdAt: Date;
}

@ObjectType({ description: "What one step did for one enrollment." })
export class EnrollmentStepRecord {
  @Field(() => Int)
  stepIndex: number;

  @Field(() => String, { description: "WAITED, EMAIL_SENT, EMAIL_SKIPPED, CONTINUED, BRANCHED, STOPPED, OPTED_OUT, COMPLETED or FAILED." })
  outcome: string;

  @Field(() => String, { nullable: true })
  detail: string | null;

  @Field(() => Date)
  at: Date;
}

@ObjectType({ description: "One customer's way through one journey." })
export class JourneyEnrollment {
  @Field(() => ID)
  id: string;

  journeyId: string;
  customerId: string;

  @Field(() => EnrollmentStatus)
  status: EnrollmentStatus;

  @Field(() => Int, { description: "The next step to run; the journey's step count once done." })
  stepIndex: number;

  @Field(() => Date, { description: "When the next step runs (after a WAIT)." })
  nextRunAt: Date;

  @Field(() => Date)
  enrolledAt: Date;

  @Field(() => Date, { nullable: true })
  finishedAt: Date | null;

  @Field(() => String, { description: "REFERRAL_ATTRIBUTED, SEGMENT:<id> or ADMIN." })
  source: string;

  @Field(() => String, { nullable: true })
  lastError: string | null;
}

export const { Edge: JourneyEnrollmentEdge, Connection: JourneyEnrollmentConnection } = ConnectionTypes("JourneyEnrollment", JourneyEnrollment);

@ObjectType()
export class TemplateVariable {
  @Field(() => String, { description: "As written in a template: {{name}} or {{name | fallback}}." })
  name: string;

  @Field(() => String)
  description: string;
}

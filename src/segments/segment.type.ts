import { Field, ID, InputType, ObjectType, registerEnumType } from "type-graphql";

export enum SegmentField {
  NICHE = "NICHE",
  PLAN = "PLAN",
  ACQUISITION_CHANNEL = "ACQUISITION_CHANNEL",
  STATUS = "STATUS",
  HEALTH_SCORE = "HEALTH_SCORE",
  ADVOCACY_SCORE = "ADVOCACY_SCORE",
  CHURN_RISK = "CHURN_RISK",
  MRR_CENTS = "MRR_CENTS",
  NPS = "NPS",
  CSAT = "CSAT",
  SUPPORT_TICKETS_90D = "SUPPORT_TICKETS_90D",
  LIFETIME_VALUE_CENTS = "LIFETIME_VALUE_CENTS",
  REFERRED_BY_AFFILIATE_CODE = "REFERRED_BY_AFFILIATE_CODE",
}
registerEnumType(SegmentField, { name: "SegmentField" });

export enum RuleOp {
  EQ = "EQ",
  NEQ = "NEQ",
  GT = "GT",
  GTE = "GTE",
  LT = "LT",
  LTE = "LTE",
  IN = "IN",
}
registerEnumType(RuleOp, { name: "RuleOp" });

/** One class for the rule as stored and as sent: the two have the same fields. */
@ObjectType()
@InputType("SegmentRuleInput")
export class SegmentRule {
  @Field(() => SegmentField)
  field: SegmentField;

  @Field(() => RuleOp)
  op: RuleOp;

  @Field(() => [String])
  values: string[];
}

@ObjectType({ description: "Customers matching every rule (rules are ANDed)." })
export class Segment {
  @Field(() => ID)
  id: string;

  @Field(() => String)
  name: string;

  @Field(() => [SegmentRule])
  rules: SegmentRule[];

  @Field(() => Date)
  createdAt: Date;
}

@InputType()
export class SegmentInput {
  @Field(() => String)
  name: string;

  @Field(() => [SegmentRule])
  rules: SegmentRule[];
}

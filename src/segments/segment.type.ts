import { Field, ID, InputType, ObjectType, registerEnumType } from "type-graphql";
import { RuleOp, SegmentField } from "./segment.enums.js";

registerEnumType(SegmentField, { name: "SegmentField" });
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

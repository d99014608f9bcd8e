import { Field, Float, Int, ObjectType } from "type-graphql";

@ObjectType({ description: "A product action taken in the first 30 days far more often by successful customers than by the others." })
export class SuccessMilestone {
  @Field(() => String)
  action: string;

  @Field(() => Int, { description: "Successful customers that took it in their first 30 days." })
  successfulCustomers: number;

  @Field(() => Int)
  otherCustomers: number;

  @Field(() => Float, { description: "Share of successful customers that took it, 0-1." })
  successfulShare: number;

  @Field(() => Float, { description: "Share of the other customers that took it, 0-1." })
  othersShare: number;

  @Field(() => Float, { description: "successfulShare / othersShare." })
  lift: number;
}

@ObjectType()
export class MilestoneProgress {
  @Field(() => String)
  action: string;

  @Field(() => Boolean)
  reached: boolean;

  @Field(() => Date, { nullable: true, description: "When the customer first took the action: the start (UTC) of the first day product activity records it." })
  reachedAt: Date | null;
}

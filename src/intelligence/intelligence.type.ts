import { Field, Float, Int, ObjectType } from "type-graphql";

@ObjectType()
export class ModelWeight {
  @Field(() => String)
  name: string;

  @Field(() => Float, { description: "On the standardized feature: the change in log-odds of churning per standard deviation." })
  weight: number;

  @Field(() => Float, { description: "The feature's mean over the training examples (what a missing value is taken as)." })
  mean: number;

  @Field(() => Float, { description: "The feature's standard deviation over the training examples." })
  std: number;
}

@ObjectType()
export class ChurnModel {
  @Field(() => Int)
  version: number;

  @Field(() => Date)
  trainedAt: Date;

  @Field(() => Int, { description: "Customers the model learned from: examples, each a customer as it was at one observation date." })
  examples: number;

  @Field(() => Int, { description: "How many of them churned within the 90 days after their observation date." })
  positives: number;

  @Field(() => Float, {
    nullable: true,
    description: "Area under the ROC curve on held-out customers (a fifth, chosen by a seeded hash of the external id, at every observation date); null when too few to hold out.",
  })
  auc: number | null;

  @Field(() => Float, {
    nullable: true,
    description: "Area under the ROC curve forward in time: a model trained on the observation dates whose 90 days ended before forwardCutoff, scored on the dates from it on; null until measurable (forwardAucNote says why).",
  })
  forwardAuc: number | null;

  @Field(() => String, { nullable: true, description: "Why forwardAuc is null." })
  forwardAucNote: string | null;

  @Field(() => Date, { nullable: true, description: "The first observation date of the forward evaluation." })
  forwardCutoff: Date | null;

  @Field(() => Int, { description: "Observation dates the examples were drawn at (30 days apart, the last 90 days before training)." })
  observationDates: number;

  @Field(() => Int, { description: "The label's horizon: an example is positive when the customer churned within this many days." })
  horizonDays: number;

  @Field(() => [String], { description: "The product event names chosen as features at training (frequency, then correlation pruning)." })
  eventNames: string[];

  @Field(() => [ModelWeight])
  features: ModelWeight[];
}

@ObjectType()
export class SuccessPattern {
  @Field(() => String, { description: "A customer attribute, such as acquisitionChannel, niche, plan, usageBand or firstMonthActivity (product events in the first 30 days)." })
  attribute: string;

  @Field(() => String)
  value: string;

  @Field(() => Int, { description: "Customers with this value, and how many of them are successful." })
  customers: number;

  @Field(() => Float)
  successRate: number;

  @Field(() => Float, { description: "successRate divided by the success rate of all customers." })
  lift: number;
}

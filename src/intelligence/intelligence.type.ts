import { Field, Float, Int, ObjectType } from "type-graphql";

@ObjectType()
export class ModelWeight {
  @Field(() => String)
  name: string;

  @Field(() => Float)
  weight: number;
}

@ObjectType()
export class ChurnModel {
  @Field(() => Int)
  version: number;

  @Field(() => Date)
  trainedAt: Date;

  @Field(() => Int, { description: "Customers the model learned from." })
  examples: number;

  @Field(() => Int, { description: "How many of them had churned." })
  positives: number;

  @Field(() => Float, { nullable: true, description: "Area under the ROC curve on held-out customers; null when too few to hold out." })
  auc: number | null;

  @Field(() => [ModelWeight])
  features: ModelWeight[];
}

@ObjectType()
export class SuccessPattern {
  @Field(() => String, { description: "A customer attribute, such as acquisitionChannel, niche or plan." })
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

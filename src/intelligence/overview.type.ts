import { Field, Float, Int, ObjectType } from "type-graphql";
import { HealthBand } from "./intelligence.enums.js";

@ObjectType({ description: "Customers of one health band (not churned)." })
export class HealthBandCount {
  @Field(() => HealthBand)
  band: HealthBand;

  @Field(() => Int)
  customers: number;

  @Field(() => Int)
  mrrCents: number;
}

@ObjectType({ description: "Customers (not churned) whose churn risk is in [from, to)." })
export class ChurnRiskBucket {
  @Field(() => Float)
  from: number;

  @Field(() => Float)
  to: number;

  @Field(() => Int)
  customers: number;

  @Field(() => Int)
  mrrCents: number;
}

@ObjectType({ description: "The customer base at a glance: the console's overview." })
export class CustomerOverview {
  @Field(() => Int, { description: "Customers not churned (trial and active)." })
  customers: number;

  @Field(() => Int)
  churnedCustomers: number;

  @Field(() => Int, { description: "MRR of the customers not churned." })
  mrrCents: number;

  @Field(() => Int, { description: "Expected MRR lost in the next 90 days: the sum of MRR × churn risk over customers not churned." })
  mrrAtRiskCents: number;

  @Field(() => [HealthBandCount], { description: "RED, YELLOW, GREEN, each present (0 when none)." })
  bands: HealthBandCount[];

  @Field(() => [ChurnRiskBucket], { description: "Ten buckets of 0.1 from 0 to 1 (the last includes 1)." })
  churnRisk: ChurnRiskBucket[];
}

@ObjectType({ description: "A customer's health score as of a past moment, from its history up to then." })
export class HealthPoint {
  @Field(() => Date)
  at: Date;

  @Field(() => Float)
  score: number;

  @Field(() => HealthBand)
  band: HealthBand;
}

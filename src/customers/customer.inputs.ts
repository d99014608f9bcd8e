import { Field, Float, ID, InputType, Int } from "type-graphql";
import { CustomerStatus, StakeholderRole } from "./customer.enums.js";
import { HealthBand } from "../intelligence/intelligence.enums.js";

@InputType()
export class CustomerInput {
  @Field(() => String)
  externalId: string;

  @Field(() => String)
  name: string;

  @Field(() => String, { nullable: true })
  niche?: string | null;

  @Field(() => String, { nullable: true })
  plan?: string | null;

  @Field(() => Int)
  mrrCents: number;

  @Field(() => String, { nullable: true })
  acquisitionChannel?: string | null;

  @Field(() => Date, { nullable: true })
  signedUpAt?: Date | null;

  @Field(() => CustomerStatus, { nullable: true })
  status?: CustomerStatus | null;

  @Field(() => Int, { nullable: true, description: "Monthly customer-retention cost in cents." })
  retentionCostCents?: number | null;
}

@InputType()
export class UsageInput {
  @Field(() => ID)
  customerId: string;

  @Field(() => Int)
  activeUsers: number;

  @Field(() => Int)
  licensedSeats: number;

  @Field(() => Date, { nullable: true })
  at?: Date | null;
}

@InputType()
export class CustomerFilter {
  @Field(() => String, { nullable: true })
  niche?: string | null;

  @Field(() => CustomerStatus, { nullable: true })
  status?: CustomerStatus | null;

  @Field(() => ID, { nullable: true })
  segmentId?: string | null;

  @Field(() => Float, { nullable: true })
  minHealthScore?: number | null;

  @Field(() => Float, { nullable: true, description: "Inclusive, 0-100." })
  maxHealthScore?: number | null;

  @Field(() => HealthBand, { nullable: true })
  healthBand?: HealthBand | null;

  @Field(() => Float, { nullable: true, description: "Inclusive, 0-1." })
  minChurnRisk?: number | null;

  @Field(() => Float, { nullable: true, description: "Inclusive, 0-1." })
  maxChurnRisk?: number | null;

  @Field(() => String, { nullable: true })
  referredByAffiliateCode?: string | null;
}

@InputType()
export class StakeholderInput {
  @Field(() => ID)
  customerId: string;

  @Field(() => String)
  name: string;

  @Field(() => String, { description: "The upsert key within the customer (case-insensitive)." })
  email: string;

  @Field(() => StakeholderRole)
  role: StakeholderRole;
}

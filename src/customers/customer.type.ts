import { Field, Float, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import { ConnectionTypes } from "../common/connection.type.js";
import { CustomerOrder, CustomerStatus, StakeholderRole } from "./customer.enums.js";
import { HealthBand } from "../intelligence/intelligence.enums.js";

registerEnumType(CustomerStatus, { name: "CustomerStatus" });
registerEnumType(CustomerOrder, { name: "CustomerOrder", description: "How customers(…) is sorted; score orders read the scores' indexes." });

registerEnumType(HealthBand, { name: "HealthBand" });
registerEnumType(StakeholderRole, { name: "StakeholderRole" });

/** Fields stored on the customer row; computed ones are field resolvers in customer.resolver.ts. */
@ObjectType()
export class Customer {
  @Field(() => ID)
  id: string;

  @Field(() => String)
  externalId: string;

  @Field(() => String)
  name: string;

  @Field(() => String, { nullable: true })
  niche: string | null;

  @Field(() => String, { nullable: true })
  plan: string | null;

  @Field(() => Int)
  mrrCents: number;

  @Field(() => String, { nullable: true })
  acquisitionChannel: string | null;

  @Field(() => CustomerStatus)
  status: CustomerStatus;

  @Field(() => Date)
  signedUpAt: Date;

  @Field(() => Date, { nullable: true })
  churnedAt: Date | null;

  @Field(() => String, { nullable: true })
  churnReason: string | null;

  @Field(() => Int, { description: "What customer success spends to keep this customer, per month (CRC)." })
  retentionCostCents: number;

  @Field(() => String, { nullable: true, description: "Its subscription's status in the billing system (Stripe: trialing, active, past_due, canceled, …); null: not billed through Stripe." })
  billingStatus: string | null;

  @Field(() => Date, { nullable: true, description: "When its trial ends (Stripe's trial_end); null: not in a trial." })
  trialEndsAt: Date | null;
}

@ObjectType()
export class HealthFactor {
  @Field(() => String)
  name: string;

  @Field(() => Float)
  score: number;

  @Field(() => Float)
  weight: number;
}

@ObjectType({ description: "A person at a customer, from the CRM." })
export class Stakeholder {
  @Field(() => ID)
  id: string;

  @Field(() => ID)
  customerId: string;

  @Field(() => String)
  name: string;

  @Field(() => String)
  email: string;

  @Field(() => StakeholderRole)
  role: StakeholderRole;

  @Field(() => Date)
  updatedAt: Date;
}

export const { Edge: CustomerEdge, Connection: CustomerConnection } = ConnectionTypes("Customer", Customer);

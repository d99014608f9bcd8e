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

  @Field(() => Date, { nullable: true, description: "When eraseCustomer erased it: an anonymized tombstone kept for the ledger; null: not erased." })
  erasedAt: Date | null;
}

@ObjectType()
export class ActivityEventCount {
  @Field(() => String)
  name: string;

  @Field(() => Float)
  events: number;
}

@ObjectType({ description: "A customer's product activity in the last 28 days, ranked against customers of its plan (all plans when fewer than 5 are on it)." })
export class HealthActivity {
  @Field(() => Float)
  events: number;

  @Field(() => Int)
  activeDays: number;

  @Field(() => [ActivityEventCount], { description: "Its most frequent event names, most first (up to 3)." })
  topEvents: ActivityEventCount[];

  @Field(() => Float, { nullable: true, description: "Share of the compared customers with fewer events (ties count half), 0-1." })
  percentile: number | null;

  @Field(() => Int, { description: "How many customers it was compared with." })
  peers: number;

  @Field(() => String, { nullable: true, description: "The plan compared within; null: all plans." })
  plan: string | null;
}

@ObjectType()
export class HealthFactor {
  @Field(() => String)
  name: string;

  @Field(() => Float)
  score: number;

  @Field(() => Float)
  weight: number;

  @Field(() => String, { nullable: true, description: "What the factor was computed from, when not its name alone: usage from product activity names its events, active days, event names and the customers it was ranked against." })
  detail?: string | null;

  @Field(() => HealthActivity, { nullable: true, description: "The usage factor from product activity (no seat snapshots in 90 days): the figures behind it." })
  activity?: HealthActivity | null;
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

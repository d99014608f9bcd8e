import { Field, ID, ObjectType } from "type-graphql";
import { ConnectionTypes } from "../common/connection.type.js";

@ObjectType()
export class Referral {
  @Field(() => ID)
  id: string;

  @Field(() => Date)
  referredAt: Date;

  affiliateId: string;
  customerId: string;
}

export const { Edge: ReferralEdge, Connection: ReferralConnection } = ConnectionTypes("Referral", Referral);

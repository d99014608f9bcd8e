import { Field, ID, ObjectType } from "type-graphql";
import { ConnectionTypes } from "../common/connection.type.js";

@ObjectType()
export class Referral {
  @Field(() => ID)
  id: string;

  @Field(() => Date)
  referredAt: Date;

  @Field(() => String, { nullable: true, description: "The visitor the attribution named, joining this referral to its visits." })
  visitorId: string | null;

  affiliateId: string;
  customerId: string;
}

export const { Edge: ReferralEdge, Connection: ReferralConnection } = ConnectionTypes("Referral", Referral);

import { Field, ID, ObjectType, registerEnumType } from "type-graphql";
import { ConnectionTypes } from "../common/connection.type.js";
import { AttributionModel } from "./referral.enums.js";

registerEnumType(AttributionModel, {
  name: "AttributionModel",
  description: "Which of a visitor's visits within the attribution window names the affiliate: the latest (LAST_TOUCH) or the earliest (FIRST_TOUCH).",
});

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

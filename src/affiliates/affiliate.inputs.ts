import { Field, Float, ID, InputType } from "type-graphql";
import { CommissionType } from "./affiliate.type.js";

@InputType()
export class AffiliateInput {
  @Field(() => String)
  code: string;

  @Field(() => String)
  name: string;

  @Field(() => ID, { nullable: true, description: "Links the affiliate to the customer it is, when it is one." })
  customerId?: string | null;

  @Field(() => CommissionType)
  commissionType: CommissionType;

  @Field(() => Float)
  commissionValue: number;
}

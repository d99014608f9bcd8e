import { Field, Float, ID, InputType, Int } from "type-graphql";
import { CommissionType } from "./affiliate.enums.js";
import { CommissionTierInput } from "../commissions/commission.type.js";

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

  @Field(() => Int, { nullable: true, description: "PERCENT: pay for the first N months of each referred customer; default: for life." })
  commissionMonths?: number | null;

  @Field(() => [CommissionTierInput], { nullable: true, description: "Higher values from a number of active referred customers on." })
  commissionTiers?: CommissionTierInput[] | null;
}

@InputType({ description: "A new commission plan: it applies to the periods that accrue from now on." })
export class CommissionPlanInput {
  @Field(() => CommissionType)
  commissionType: CommissionType;

  @Field(() => Float)
  commissionValue: number;

  @Field(() => Int, { nullable: true })
  commissionMonths?: number | null;

  @Field(() => [CommissionTierInput], { nullable: true })
  commissionTiers?: CommissionTierInput[] | null;
}

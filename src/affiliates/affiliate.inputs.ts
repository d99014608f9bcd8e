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

@InputType({ description: "What updateAffiliate changes; a field left out stays. The code never changes: it is in links out in the world." })
export class AffiliateUpdateInput {
  @Field(() => String, { nullable: true })
  name?: string | null;

  @Field(() => ID, { nullable: true, description: "A stakeholder of the affiliate's customer, the person the program deals with (portal sign-in links go to its email); null clears it." })
  contactStakeholderId?: string | null;
}

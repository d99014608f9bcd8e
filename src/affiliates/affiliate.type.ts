import { Field, Float, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import { ConnectionTypes } from "../common/connection.type.js";
import { Allow, Role } from "../auth/roles.js";
import { AffiliateStatus, CommissionType } from "./affiliate.enums.js";

export { AffiliateStatus };

registerEnumType(CommissionType, { name: "CommissionType" });
registerEnumType(AffiliateStatus, { name: "AffiliateStatus" });

@ObjectType()
export class Affiliate {
  @Field(() => ID)
  id: string;

  @Field(() => String)
  code: string;

  @Field(() => String)
  name: string;

  @Field(() => CommissionType)
  commissionType: CommissionType;

  @Field(() => Float, { description: "Percent of referred revenue (PERCENT) or cents per referred customer (FLAT)." })
  commissionValue: number;

  @Field(() => Date)
  createdAt: Date;

  @Field(() => Date, { nullable: true, description: "Since when it is suspended; null while active." })
  @Allow(Role.ADMIN)
  suspendedAt: Date | null;

  @Field(() => String, { nullable: true })
  @Allow(Role.ADMIN)
  suspensionReason: string | null;

  customerId: string | null;
  contactStakeholderId: string | null;
  commissionMonths: number | null;
  commissionTiers: { minActiveCustomers: number; value: number }[];
}

@ObjectType()
export class PublicAffiliate {
  @Field(() => String)
  code: string;

  @Field(() => String)
  name: string;
}

@ObjectType({ description: "An affiliate API key as an admin sees it: never the secret." })
export class AffiliateApiKey {
  @Field(() => ID)
  id: string;

  @Field(() => ID)
  affiliateId: string;

  @Field(() => String, { description: "The first characters of the secret, to tell keys apart." })
  keyPrefix: string;

  @Field(() => Date)
  createdAt: Date;

  @Field(() => Date, { nullable: true })
  revokedAt: Date | null;
}

@ObjectType()
export class ConversionFunnel {
  @Field(() => Int, { description: "Distinct visitors of the affiliate's landing pages." })
  visitors: number;

  @Field(() => Int)
  referred: number;

  @Field(() => Int, { description: "Referred customers that have not churned." })
  active: number;
}

@ObjectType()
export class AffiliateMonthStats {
  @Field(() => Date, { description: "The first moment of the month (UTC)." })
  month: Date;

  @Field(() => Int)
  visitors: number;

  @Field(() => Int)
  referredCustomers: number;

  @Field(() => Int)
  churnedCustomers: number;

  @Field(() => Int, { description: "Referred customers still customers when the month began." })
  activeAtStart: number;

  @Field(() => Int)
  revenueCents: number;

  @Field(() => Float, { nullable: true, description: "churnedCustomers / activeAtStart; null when none were active." })
  churnRate: number | null;
}

@ObjectType()
export class AffiliateStats {
  @Field(() => Int)
  visits: number;

  @Field(() => Int)
  referredCustomers: number;

  @Field(() => Int)
  activeCustomers: number;

  @Field(() => Int)
  churnedCustomers: number;

  @Field(() => Float, { description: "referredCustomers / distinct visitors; 0 when there were none." })
  conversionRate: number;

  @Field(() => Float, { description: "Mean monthly churn rate of the referred customers, 0-1." })
  monthlyChurnRate: number;

  @Field(() => Int)
  averageLifetimeValueCents: number;

  @Field(() => Int)
  revenueCents: number;

  @Field(() => Int)
  commissionsCents: number;

  @Field(() => Float, { nullable: true, description: "(revenue - commissions) / commissions; null when no commission is owed." })
  roi: number | null;

  @Field(() => Float, { nullable: true, description: "Mean health score of the active referred customers; null when none." })
  averageHealthScore: number | null;

  @Field(() => Float, { description: "How good the customers this affiliate sends are, 0-100." })
  qualityScore: number;

  @Field(() => ConversionFunnel, { description: "From landing-page visitors to customers that stayed." })
  clicksToCustomer: ConversionFunnel;

  @Field(() => [AffiliateMonthStats], { description: "Calendar months (UTC) of the window, for charts." })
  months: AffiliateMonthStats[];
}

export const { Edge: AffiliateEdge, Connection: AffiliateConnection } = ConnectionTypes("Affiliate", Affiliate);

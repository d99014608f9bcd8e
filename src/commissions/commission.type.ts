import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from "type-graphql";
import { CommissionEntryKind, CommissionStatus } from "./commission.enums.js";

registerEnumType(CommissionStatus, {
  name: "CommissionStatus",
  description: "PENDING during the holding period, then APPROVED, then PAID by a payout; VOIDED by a clawback.",
});

registerEnumType(CommissionEntryKind, {
  name: "CommissionEntryKind",
  description: "ACCRUAL: a period's commission as it accrued; ADJUSTMENT: a later correction of that period (billing history that arrived late), possibly negative.",
});

@ObjectType()
export class CommissionTier {
  @Field(() => Int, { description: "Active referred customers from which this tier applies." })
  minActiveCustomers: number;

  @Field(() => Float, { description: "The plan's value from then on: percent (PERCENT) or cents (FLAT)." })
  value: number;
}

@InputType()
export class CommissionTierInput {
  @Field(() => Int)
  minActiveCustomers: number;

  @Field(() => Float)
  value: number;
}

@ObjectType({ description: "One referred customer's commission for one period (30.4375 days from its referral)." })
export class CommissionEntry {
  @Field(() => ID)
  id: string;

  @Field(() => String, { description: "The referred customer, masked (initials): affiliates see no names." })
  customerLabel: string;

  @Field(() => Int, { nullable: true, description: "0 for the first period after the referral; null for the rest of an entry a partial payout split." })
  period: number | null;

  @Field(() => Date)
  periodStart: Date;

  @Field(() => Date)
  periodEnd: Date;

  @Field(() => Int, { description: "What the customer paid in the period: the basis of a PERCENT commission (an ADJUSTMENT: the change in it)." })
  revenueCents: number;

  @Field(() => String, { description: "PERCENT or FLAT: the plan when the entry accrued." })
  commissionType: string;

  @Field(() => Float, { description: "The plan's (or tier's) value when the entry accrued." })
  rate: number;

  @Field(() => Int, { description: "Negative only for an ADJUSTMENT that takes commission back." })
  amountCents: number;

  @Field(() => CommissionEntryKind, { description: "ACCRUAL, or an ADJUSTMENT of the same period after late billing history." })
  kind: CommissionEntryKind;

  @Field(() => String, { nullable: true, description: "Why an ADJUSTMENT was entered: which period's billing history changed, and the revenue and commission before and after." })
  reason: string | null;

  @Field(() => CommissionStatus)
  status: CommissionStatus;

  @Field(() => Date, { description: "The end of the holding period; a churn before it voids the entry." })
  holdUntil: Date;

  @Field(() => Date, { nullable: true })
  approvedAt: Date | null;

  @Field(() => Date, { nullable: true })
  paidAt: Date | null;

  @Field(() => ID, { nullable: true })
  payoutId: string | null;

  @Field(() => Date, { nullable: true })
  voidedAt: Date | null;

  @Field(() => String, { nullable: true, description: "Why the entry was voided (clawback)." })
  voidReason: string | null;

  customerId: string;
}

@ObjectType()
export class CommissionBalance {
  @Field(() => Int)
  pendingCents: number;

  @Field(() => Int, { description: "What can be paid now: the APPROVED entries, negative adjustments netted; never below 0." })
  approvedCents: number;

  @Field(() => Int, { description: "APPROVED negative adjustments beyond the approved commission: carried, netted from the next payouts (0 when none)." })
  carriedCents: number;

  @Field(() => Int)
  paidCents: number;

  @Field(() => Int)
  voidedCents: number;
}

@ObjectType()
export class Payout {
  @Field(() => ID)
  id: string;

  @Field(() => ID)
  affiliateId: string;

  @Field(() => Int)
  amountCents: number;

  @Field(() => String, { nullable: true })
  reference: string | null;

  @Field(() => Date)
  paidAt: Date;
}

@ObjectType({ description: "What one pass of the commission ledger did." })
export class CommissionLedgerRun {
  @Field(() => Int, { description: "Entries accrued for closed periods." })
  accrued: number;

  @Field(() => Int, { description: "Adjustment entries added for accrued periods whose billing history or payments changed (late history, partial refunds, refunds after payout)." })
  adjusted: number;

  @Field(() => Int, { description: "Pending entries voided: clawbacks (the customer churned inside the hold) and periods whose payments were refunded in full." })
  voided: number;

  @Field(() => Int, { description: "Of `voided`, the pending entries of periods whose payments were refunded in full." })
  refundVoided: number;

  @Field(() => Int, { description: "Pending entries approved because their hold ended." })
  approved: number;

  @Field(() => Date)
  ranAt: Date;
}

@ObjectType({ description: "The highest commission that still meets the target ROI, with the inputs behind it." })
export class CommissionRecommendation {
  @Field(() => String, { description: "AFFILIATE: from this affiliate's referred customers; PROGRAM: from every referred customer." })
  basis: string;

  @Field(() => Int)
  referredCustomers: number;

  @Field(() => Int, { description: "Mean MRR of the referred customers (current, or last before churning)." })
  averageMrrCents: number;

  @Field(() => Float)
  monthlyChurnRate: number;

  @Field(() => Int)
  averageRetentionCostCents: number;

  @Field(() => Float, { description: "(LTV - retention cost - commission) / commission that the answer meets." })
  targetRoi: number;

  @Field(() => Float, { description: "1 / monthly churn rate, at most 60." })
  expectedLifetimeMonths: number;

  @Field(() => Int)
  expectedLifetimeValueCents: number;

  @Field(() => Int)
  expectedRetentionCostCents: number;

  @Field(() => Int, { description: "(LTV - retention cost) / (1 + targetRoi): the most one referred customer can earn its affiliate." })
  maxCommissionPerCustomerCents: number;

  @Field(() => Float, { description: "Months a PERCENT plan pays for: the plan's months, else the expected lifetime." })
  commissionableMonths: number;

  @Field(() => Float, { description: "The highest PERCENT rate meeting the target (two decimals, rounded down)." })
  recommendedPercent: number;

  @Field(() => Int, { description: "The highest FLAT amount per referred customer meeting the target." })
  recommendedFlatCents: number;

  @Field(() => Boolean, { description: "Whether the affiliate's current plan meets the target (null program-wide)." , nullable: true })
  currentPlanMeetsTarget: boolean | null;
}

import { Arg, Ctx, FieldResolver, Float, ID, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import { Allow, Role } from "../auth/roles.js";
import type { Context } from "../graphql/context.js";
import { badInput } from "../common/errors.js";
import { Affiliate } from "../affiliates/affiliate.type.js";
import { Customer } from "../customers/customer.type.js";
import { monthlyChurnRate } from "../affiliates/affiliate-stats.js";
import { maskName } from "../common/mask.js";
import { recommendCommission, tierValue } from "./commission.plan.js";
import { programMonthlyChurnRate, recommendationAggregates } from "./commission.repository.js";
import * as commissions from "./commission.service.js";
import { CommissionBalance, CommissionEntry, CommissionLedgerRun, CommissionRecommendation, CommissionTier, Payout } from "./commission.type.js";
import { CommissionEntryKind, CommissionStatus } from "./commission.enums.js";

/** Below this many referred customers an affiliate's own figures say too little: the program's are used. */
export const MIN_REFERRED_FOR_OWN_RECOMMENDATION = 5;

function targetRoiOrThrow(value: number | null | undefined, fallback: number): number {
  const roi = value ?? fallback;
  if (!Number.isFinite(roi) || roi < 0 || roi > 100) throw badInput("targetRoi", "must be from 0 to 100");
  return roi;
}

async function programRecommendation({ db, now }: Context, targetRoi: number, planMonths: number | null) {
  const [aggregates] = await recommendationAggregates(db, null);
  const churn = await programMonthlyChurnRate(db, now);
  return recommendCommission(
    {
      referredCustomers: aggregates?.referred ?? 0,
      averageMrrCents: Math.round(aggregates?.averageMrrCents ?? 0),
      monthlyChurnRate: churn,
      averageRetentionCostCents: Math.round(aggregates?.averageRetentionCostCents ?? 0),
    },
    targetRoi,
    planMonths,
  );
}

@Resolver(() => Affiliate)
export class CommissionResolver {
  @FieldResolver(() => Int, { nullable: true, description: "PERCENT plans: months of each referred customer that earn commission; null: for life." })
  @Allow(Role.ADMIN, Role.AFFILIATE)
  commissionMonths(@Root() affiliate: Affiliate): number | null {
    return affiliate.commissionMonths ?? null;
  }

  @FieldResolver(() => [CommissionTier], { description: "Higher values from a number of active referred customers on." })
  @Allow(Role.ADMIN, Role.AFFILIATE)
  commissionTiers(@Root() affiliate: Affiliate): CommissionTier[] {
    return affiliate.commissionTiers ?? [];
  }

  @FieldResolver(() => CommissionBalance, { description: "The commission ledger summed by status." })
  @Allow(Role.ADMIN, Role.AFFILIATE)
  async commissionBalance(@Root() affiliate: Affiliate, @Ctx() { loaders }: Context): Promise<CommissionBalance> {
    return (await loaders.commissionBalanceByAffiliateId.load(affiliate.id)) ?? { pendingCents: 0, approvedCents: 0, carriedCents: 0, paidCents: 0, voidedCents: 0 };
  }

  @FieldResolver(() => [CommissionEntry], { description: "Ledger entries, newest period first." })
  @Allow(Role.ADMIN, Role.AFFILIATE)
  async commissions(
    @Root() affiliate: Affiliate,
    @Ctx() { loaders }: Context,
    @Arg("status", () => CommissionStatus, { nullable: true }) status?: CommissionStatus | null,
    @Arg("limit", () => Int, { nullable: true, defaultValue: 50 }) limit = 50,
  ): Promise<CommissionEntry[]> {
    if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw badInput("limit", "must be from 1 to 500");
    const rows = await loaders.commissionEntriesByAffiliate.load({ affiliateId: affiliate.id, status: status ?? null, limit });
    return rows.map((row) => ({ ...row, status: row.status as CommissionStatus, kind: row.kind as CommissionEntryKind, customerLabel: maskName(row.customerName) }));
  }

  @FieldResolver(() => [Payout], { description: "Payouts, newest first." })
  @Allow(Role.ADMIN, Role.AFFILIATE)
  payouts(@Root() affiliate: Affiliate, @Ctx() { loaders }: Context) {
    return loaders.payoutsByAffiliateId.load(affiliate.id);
  }

  @FieldResolver(() => CommissionRecommendation, {
    description: "The highest commission at which this affiliate's referred customers still return the target ROI (the program's figures below 5 referred customers).",
  })
  @Allow(Role.ADMIN)
  async recommendedCommission(
    @Root() affiliate: Affiliate,
    @Ctx() context: Context,
    @Arg("targetRoi", () => Float, { nullable: true, description: "Default: COMMISSION_TARGET_ROI (3)." }) targetRoi?: number | null,
  ): Promise<CommissionRecommendation> {
    const roi = targetRoiOrThrow(targetRoi, context.program.targetRoi);
    const months = affiliate.commissionMonths ?? null;
    const [own, history] = await Promise.all([
      context.loaders.recommendationAggregatesByAffiliateId.load(affiliate.id),
      context.loaders.statsInputsByAffiliate.load({ affiliateId: affiliate.id, window: { from: null, to: context.now } }),
    ]);
    let recommendation;
    let basis = "AFFILIATE";
    if (own && own.referred >= MIN_REFERRED_FOR_OWN_RECOMMENDATION) {
      recommendation = recommendCommission(
        {
          referredCustomers: own.referred,
          averageMrrCents: Math.round(own.averageMrrCents),
          monthlyChurnRate: monthlyChurnRate(history.months),
          averageRetentionCostCents: Math.round(own.averageRetentionCostCents),
        },
        roi,
        months,
      );
    } else {
      basis = "PROGRAM";
      recommendation = await programRecommendation(context, roi, months);
    }
    // What the plan pays now: the tier its active referred customers reach, else its base value.
    const current = tierValue({ value: affiliate.commissionValue, tiers: affiliate.commissionTiers ?? [] }, history.aggregates.active);
    const meets = affiliate.commissionType === "PERCENT" ? current <= recommendation.recommendedPercent : current <= recommendation.recommendedFlatCents;
    return { ...recommendation, basis, currentPlanMeetsTarget: meets };
  }
}

@Resolver(() => CommissionEntry)
export class CommissionEntryResolver {
  @FieldResolver(() => Customer, { nullable: true, description: "The referred customer (admin only: affiliates see customerLabel)." })
  @Allow(Role.ADMIN)
  async customer(@Root() entry: CommissionEntry, @Ctx() { loaders }: Context) {
    return (await loaders.customerById.load(entry.customerId)) ?? null;
  }
}

@Resolver()
export class CommissionLedgerResolver {
  @Mutation(() => CommissionLedgerRun, { description: "Runs the commission ledger now: accrue closed periods, adjust accrued ones after late billing history, claw back, approve (it also runs on a schedule)." })
  @Allow(Role.ADMIN)
  runCommissionLedger(@Ctx() { db, now, program }: Context) {
    return commissions.runCommissionLedger(db, now, program.holdDays, null, program.currency);
  }

  @Mutation(() => Payout, { description: "Pays part or all of an affiliate's APPROVED balance, oldest entries first." })
  @Allow(Role.ADMIN)
  recordPayout(
    @Arg("affiliateId", () => ID) affiliateId: string,
    @Arg("amountCents", () => Int) amountCents: number,
    @Arg("reference", () => String, { nullable: true }) reference: string | null | undefined,
    @Ctx() { db, now }: Context,
  ) {
    return commissions.recordPayout(db, { affiliateId, amountCents, reference }, now);
  }

  @Query(() => CommissionRecommendation, { description: "The highest commission at which the program's referred customers still return the target ROI." })
  @Allow(Role.ADMIN)
  async recommendedCommission(
    @Ctx() context: Context,
    @Arg("targetRoi", () => Float, { nullable: true, description: "Default: COMMISSION_TARGET_ROI (3)." }) targetRoi?: number | null,
    @Arg("commissionMonths", () => Int, { nullable: true, description: "For a PERCENT plan paying this many months; default: for life." }) commissionMonths?: number | null,
  ): Promise<CommissionRecommendation> {
    if (commissionMonths != null && (!Number.isInteger(commissionMonths) || commissionMonths < 1 || commissionMonths > 120)) {
      throw badInput("commissionMonths", "must be a whole number of months from 1 to 120");
    }
    const recommendation = await programRecommendation(context, targetRoiOrThrow(targetRoi, context.program.targetRoi), commissionMonths ?? null);
    return { ...recommendation, basis: "PROGRAM", currentPlanMeetsTarget: null };
  }
}

import { Arg, FieldResolver, Float, Int, Mutation, Query, Resolver } from "type-graphql";
import { Allow, Role } from "../auth/roles.js";
import { notImplemented } from "../common/errors.js";
import { Customer, HealthBand, HealthFactor } from "../customers/customer.type.js";
import { Segment } from "../segments/segment.type.js";
import { ChurnModel, SuccessPattern } from "./intelligence.type.js";

// The customer-success scores and rankings belong to the Customer-success intelligence issue;
// until it lands they answer NOT_IMPLEMENTED rather than a made-up number.
@Resolver(() => Customer)
export class IntelligenceResolver {
  @Query(() => [Customer], { description: "Most successful customers, best first (by advocacyScore)." })
  @Allow(Role.ADMIN)
  topCustomers(
    @Arg("limit", () => Int, { nullable: true, defaultValue: 20 }) _limit: number,
    @Arg("niche", () => String, { nullable: true }) _niche?: string | null,
  ): Customer[] {
    throw notImplemented("topCustomers");
  }

  @Query(() => [Customer], { description: "Successful customers that are not affiliates yet, best first." })
  @Allow(Role.ADMIN)
  affiliateCandidates(@Arg("limit", () => Int, { nullable: true, defaultValue: 20 }) _limit: number): Customer[] {
    throw notImplemented("affiliateCandidates");
  }

  @Query(() => [SuccessPattern], { description: "Attribute values over-represented among successful customers, highest lift first." })
  @Allow(Role.ADMIN)
  successPatterns(@Arg("limit", () => Int, { nullable: true, defaultValue: 20 }) _limit: number): SuccessPattern[] {
    throw notImplemented("successPatterns");
  }

  @Query(() => ChurnModel, { nullable: true, description: "The churn model in use; null before the first training." })
  @Allow(Role.ADMIN)
  churnModel(): ChurnModel | null {
    throw notImplemented("churnModel");
  }

  @Mutation(() => ChurnModel, { description: "Trains the churn model on the history stored now and puts it in use." })
  @Allow(Role.ADMIN)
  trainChurnModel(): ChurnModel {
    throw notImplemented("trainChurnModel");
  }

  @FieldResolver(() => Float)
  healthScore(): number {
    throw notImplemented("Customer.healthScore");
  }

  @FieldResolver(() => HealthBand)
  healthBand(): HealthBand {
    throw notImplemented("Customer.healthBand");
  }

  @FieldResolver(() => [HealthFactor], { description: "Why the health score is what it is: one row per factor." })
  healthBreakdown(): HealthFactor[] {
    throw notImplemented("Customer.healthBreakdown");
  }

  @FieldResolver(() => Float, { description: "How likely this customer is to promote the product; ranks topCustomers." })
  advocacyScore(): number {
    throw notImplemented("Customer.advocacyScore");
  }

  @FieldResolver(() => Float, { description: "Predicted probability (0-1) of churning in the next 90 days." })
  churnRisk(): number {
    throw notImplemented("Customer.churnRisk");
  }

  @FieldResolver(() => [Segment])
  segments(): Segment[] {
    throw notImplemented("Customer.segments");
  }
}

import { Arg, Ctx, FieldResolver, Float, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import { Allow, Role } from "../auth/roles.js";
import type { Context } from "../graphql/context.js";
import * as v from "../common/validate.js";
import { Customer, HealthFactor, Stakeholder } from "../customers/customer.type.js";
import { HealthBand } from "./intelligence.enums.js";
import { contactToApproach } from "../customers/contact-to-approach.js";
import { Segment } from "../segments/segment.type.js";
import { ChurnModel, SuccessPattern } from "./intelligence.type.js";
import { affiliateCandidates, patternCounts, topCustomers } from "./intelligence.repository.js";
import { rankSuccessPatterns } from "./patterns.js";
import { findActiveChurnModel, type ChurnModelRow, type ScoreRow } from "./scores.repository.js";
import { trainChurnModel } from "./churn.service.js";
import { HORIZON_DAYS } from "./churn.training.js";
import { eventNamesOf } from "./model-features.js";
import { advocacyReasons } from "./advocacy.js";
import { DAY_MS, type CustomerFeatures } from "./features.js";

export const MAX_LIMIT = 500;

function limitArg(limit: number): number {
  return v.intInRange("limit", limit, 1, MAX_LIMIT);
}

function toChurnModel(row: ChurnModelRow): ChurnModel {
  const features = row.features.map(({ name, weight, mean, std }) => ({ name, weight, mean, std }));
  return { ...row, features, horizonDays: HORIZON_DAYS, eventNames: eventNamesOf(features.map((f) => f.name)) };
}

async function scoresOf(customer: Customer, { loaders }: Context): Promise<ScoreRow> {
  const scores = await loaders.scoresByCustomerId.load(customer.id);
  if (!scores) throw new Error(`no scores for customer ${customer.id}`);
  return scores;
}

/** Features back from a stored score row, for the explanation functions. */
function featuresOf(customer: Customer, s: ScoreRow): CustomerFeatures {
  return {
    customerId: customer.id,
    status: customer.status,
    tenureDays: s.tenureDays,
    mrrCents: customer.mrrCents,
    retentionCostCents: customer.retentionCostCents,
    usageRatio: s.usageRatio,
    nps: s.nps,
    csat: s.csat,
    csatRecent: s.csatRecent,
    tickets90d: s.supportTickets90d,
    upsellCount: s.upsellCount,
    lifetimeValueCents: s.lifetimeValueCents,
  };
}

@Resolver(() => Customer)
export class IntelligenceResolver {
  @Query(() => [Customer], { description: "Most successful customers, best first (by advocacyScore)." })
  @Allow(Role.ADMIN)
  topCustomers(
    @Ctx() { db }: Context,
    @Arg("limit", () => Int, { nullable: true, defaultValue: 20 }) limit: number,
    @Arg("niche", () => String, { nullable: true }) niche?: string | null,
  ) {
    return topCustomers(db, limitArg(limit), v.niche("niche", niche));
  }

  @Query(() => [Customer], { description: "Successful customers that are not affiliates yet, best first." })
  @Allow(Role.ADMIN)
  affiliateCandidates(@Ctx() { db }: Context, @Arg("limit", () => Int, { nullable: true, defaultValue: 20 }) limit: number) {
    return affiliateCandidates(db, limitArg(limit));
  }

  @Query(() => [SuccessPattern], { description: "Attribute values over-represented among successful customers, highest lift first." })
  @Allow(Role.ADMIN)
  async successPatterns(
    @Ctx() { db, now, scoring }: Context,
    @Arg("limit", () => Int, { nullable: true, defaultValue: 20 }) limit: number,
    @Arg("minSupport", () => Int, { nullable: true, description: "Smallest group that may rank; default max(10, 1% of customers)." })
    minSupport?: number | null,
  ) {
    const support = minSupport == null ? undefined : v.intInRange("minSupport", minSupport, 1, 1_000_000);
    const judgedBefore = new Date(now.getTime() - scoring.success.minTenureDays * DAY_MS);
    return rankSuccessPatterns(await patternCounts(db, judgedBefore), limitArg(limit), support);
  }

  @Query(() => ChurnModel, { nullable: true, description: "The churn model in use; null before the first training." })
  @Allow(Role.ADMIN)
  async churnModel(@Ctx() { db }: Context) {
    const row = await findActiveChurnModel(db);
    return row ? toChurnModel(row) : null;
  }

  @Mutation(() => ChurnModel, { description: "Trains the churn model on the history stored now and puts it in use." })
  @Allow(Role.ADMIN)
  async trainChurnModel(@Ctx() ctx: Context) {
    return toChurnModel(await trainChurnModel(ctx));
  }

  @FieldResolver(() => Float)
  async healthScore(@Root() customer: Customer, @Ctx() ctx: Context) {
    return (await scoresOf(customer, ctx)).healthScore;
  }

  @FieldResolver(() => HealthBand)
  async healthBand(@Root() customer: Customer, @Ctx() ctx: Context) {
    return (await scoresOf(customer, ctx)).healthBand;
  }

  @FieldResolver(() => [HealthFactor], { description: "Why the health score is what it is: one row per factor." })
  async healthBreakdown(@Root() customer: Customer, @Ctx() ctx: Context) {
    return (await scoresOf(customer, ctx)).healthBreakdown;
  }

  @FieldResolver(() => Float, { nullable: true, description: "Health now minus health 30 days ago; null for customers younger than that." })
  async healthTrend(@Root() customer: Customer, @Ctx() ctx: Context) {
    return (await scoresOf(customer, ctx)).healthTrend;
  }

  @FieldResolver(() => Float, { description: "How likely this customer is to promote the product; ranks topCustomers." })
  async advocacyScore(@Root() customer: Customer, @Ctx() ctx: Context) {
    return (await scoresOf(customer, ctx)).advocacyScore;
  }

  @FieldResolver(() => [String], { description: "Why this customer would make a good advocate, in words." })
  async advocacyReasons(@Root() customer: Customer, @Ctx() ctx: Context) {
    const scores = await scoresOf(customer, ctx);
    return advocacyReasons(featuresOf(customer, scores), { score: scores.healthScore, band: scores.healthBand, breakdown: [] });
  }

  @FieldResolver(() => Boolean, { description: "Active, healthy and old enough: the one definition of success (README)." })
  async successful(@Root() customer: Customer, @Ctx() ctx: Context) {
    return (await scoresOf(customer, ctx)).successful;
  }

  @FieldResolver(() => Float, { description: "Predicted probability (0-1) of churning in the next 90 days." })
  async churnRisk(@Root() customer: Customer, @Ctx() ctx: Context) {
    return (await scoresOf(customer, ctx)).churnRisk;
  }

  @FieldResolver(() => [Segment])
  segments(@Root() customer: Customer, @Ctx() { loaders }: Context) {
    return loaders.segmentsByCustomerId.load(customer.id);
  }

  @FieldResolver(() => Stakeholder, { nullable: true, description: "Who to approach about becoming an affiliate: the champion, else the decision maker." })
  async contactToApproach(@Root() customer: Customer, @Ctx() { loaders }: Context) {
    return contactToApproach(await loaders.stakeholdersByCustomerId.load(customer.id));
  }
}


import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import { Allow, Role } from "../auth/roles.js";
import type { Context } from "../graphql/context.js";
import { badInput, forbidden } from "../common/errors.js";
import * as v from "../common/validate.js";
import { assembleAffiliateStats } from "./affiliate-stats.js";
import type { StatsWindow } from "./affiliate-stats.repository.js";
import { pageArgs, toConnection } from "../common/pagination.js";
import { normalizeCode } from "../common/normalize.js";
import { Customer, Stakeholder } from "../customers/customer.type.js";
import { ReferralConnection } from "../referrals/referral.type.js";
import { Affiliate, AffiliateApiKey, AffiliateConnection, AffiliateStats, AffiliateStatus } from "./affiliate.type.js";
import { AffiliateInput, AffiliateUpdateInput, CommissionPlanInput } from "./affiliate.inputs.js";
import { countAffiliates, findAffiliateByCode, findAffiliateById, listAffiliates } from "./affiliate.repository.js";
import * as affiliatesService from "./affiliate.service.js";
import * as affiliateStatus from "./affiliate-status.service.js";

/** The stats window: at most ten years, not in the future, `from` before `to`. */
function statsWindow(from: Date | null | undefined, to: Date | null | undefined, now: Date): StatsWindow {
  const end = to == null ? now : v.pastDate("to", to, now);
  const start = from == null ? null : v.pastDate("from", from, now);
  if (start && start >= end) throw badInput("from", "must be before to");
  if (start && end.getTime() - start.getTime() > 10 * 366 * 86_400_000) throw badInput("from", "the window may span at most ten years");
  return { from: start, to: end.getTime() > now.getTime() ? now : end };
}

@Resolver(() => Affiliate)
export class AffiliateResolver {
  @Query(() => Affiliate, { description: "Affiliate key. The calling affiliate's own profile and performance." })
  @Allow(Role.AFFILIATE)
  async myAffiliate(@Ctx() { db, caller }: Context) {
    const affiliate = caller.affiliateId ? await findAffiliateById(db, caller.affiliateId) : undefined;
    if (!affiliate) throw forbidden("this key belongs to no affiliate");
    return affiliate;
  }

  @Query(() => Affiliate, { nullable: true })
  @Allow(Role.ADMIN)
  async affiliate(@Arg("code", () => String) code: string, @Ctx() { db }: Context) {
    return (await findAffiliateByCode(db, normalizeCode(code))) ?? null;
  }

  @Query(() => AffiliateConnection)
  @Allow(Role.ADMIN)
  async affiliates(
    @Ctx() { db }: Context,
    @Arg("first", () => Int, { nullable: true, defaultValue: 50 }) first: number,
    @Arg("after", () => String, { nullable: true }) after?: string | null,
  ) {
    const page = pageArgs(first, after);
    const rows = await listAffiliates(db, page.afterId, page.first + 1);
    return toConnection(rows, page.first, () => countAffiliates(db));
  }

  @Mutation(() => Affiliate)
  @Allow(Role.ADMIN)
  createAffiliate(@Arg("input", () => AffiliateInput) input: AffiliateInput, @Ctx() ctx: Context) {
    return affiliatesService.createAffiliate(ctx, input);
  }

  @Mutation(() => Affiliate, { description: "Changes an affiliate's commission plan for the periods that accrue from now on." })
  @Allow(Role.ADMIN)
  updateCommissionPlan(@Arg("affiliateId", () => ID) affiliateId: string, @Arg("input", () => CommissionPlanInput) input: CommissionPlanInput, @Ctx() { db, now }: Context) {
    return affiliatesService.updateCommissionPlan(db, affiliateId, input, now);
  }

  @Mutation(() => Affiliate, { description: "Changes the name or the contact; the landing pages that show the name follow." })
  @Allow(Role.ADMIN)
  updateAffiliate(@Arg("id", () => ID) id: string, @Arg("input", () => AffiliateUpdateInput) input: AffiliateUpdateInput, @Ctx() ctx: Context) {
    return affiliateStatus.updateAffiliate(ctx, id, input, ctx.now);
  }

  @Mutation(() => Affiliate, {
    description: "Its links keep working for visitors (referrals are still attributed), but no commission period closing while it is suspended ever accrues; its keys, sessions and sign-in links are refused.",
  })
  @Allow(Role.ADMIN)
  suspendAffiliate(@Arg("id", () => ID) id: string, @Arg("reason", () => String) reason: string, @Ctx() ctx: Context) {
    return affiliateStatus.suspendAffiliate(ctx, id, reason, ctx.now);
  }

  @Mutation(() => Affiliate, { description: "Ends the suspension: periods closing from now on accrue; its keys work again." })
  @Allow(Role.ADMIN)
  reactivateAffiliate(@Arg("id", () => ID) id: string, @Ctx() ctx: Context) {
    return affiliateStatus.reactivateAffiliate(ctx, id, ctx.now);
  }

  @FieldResolver(() => AffiliateStatus, { description: "SUSPENDED: its links still work for visitors, but it accrues nothing and its keys are refused." })
  @Allow(Role.ADMIN)
  status(@Root() affiliate: Affiliate): AffiliateStatus {
    return affiliate.suspendedAt ? AffiliateStatus.SUSPENDED : AffiliateStatus.ACTIVE;
  }

  @Mutation(() => String, { description: "Returns the secret once; only a hash is stored." })
  @Allow(Role.ADMIN)
  createAffiliateApiKey(@Arg("affiliateId", () => ID) affiliateId: string, @Ctx() { db }: Context) {
    return affiliatesService.createAffiliateApiKey(db, affiliateId);
  }

  @Mutation(() => AffiliateApiKey, { description: "The key stops working at once; revoking twice is harmless." })
  @Allow(Role.ADMIN)
  revokeAffiliateApiKey(@Arg("id", () => ID) id: string, @Ctx() { db }: Context) {
    return affiliatesService.revokeAffiliateApiKey(db, id);
  }

  @FieldResolver(() => Customer, { nullable: true })
  @Allow(Role.ADMIN)
  async customer(@Root() affiliate: Affiliate, @Ctx() { loaders }: Context) {
    return affiliate.customerId ? ((await loaders.customerById.load(affiliate.customerId)) ?? null) : null;
  }

  @FieldResolver(() => Stakeholder, {
    nullable: true,
    description: "The person at its customer the program deals with: the champion, else the decision maker, when it became an affiliate.",
  })
  @Allow(Role.ADMIN)
  async contact(@Root() affiliate: Affiliate, @Ctx() { loaders }: Context) {
    return affiliate.contactStakeholderId ? ((await loaders.stakeholderById.load(affiliate.contactStakeholderId)) ?? null) : null;
  }

  @FieldResolver(() => AffiliateStats)
  @Allow(Role.ADMIN, Role.AFFILIATE)
  async stats(
    @Root() affiliate: Affiliate,
    @Ctx() { loaders, now }: Context,
    @Arg("from", () => Date, { nullable: true, description: "Inclusive; default: since the first referral." }) from?: Date | null,
    @Arg("to", () => Date, { nullable: true, description: "Exclusive; default: now." }) to?: Date | null,
  ): Promise<AffiliateStats> {
    const window = statsWindow(from, to, now);
    const { aggregates, months } = await loaders.statsInputsByAffiliate.load({ affiliateId: affiliate.id, window });
    return assembleAffiliateStats(aggregates, months, { type: affiliate.commissionType, value: affiliate.commissionValue });
  }

  @FieldResolver(() => ReferralConnection)
  @Allow(Role.ADMIN)
  async referrals(
    @Root() affiliate: Affiliate,
    @Ctx() { loaders }: Context,
    @Arg("first", () => Int, { nullable: true, defaultValue: 50 }) first: number,
    @Arg("after", () => String, { nullable: true }) after?: string | null,
  ) {
    const page = pageArgs(first, after);
    const rows = await loaders.referralPageByAffiliate.load({ ownerId: affiliate.id, ...page });
    return toConnection(rows, page.first, () => loaders.referralCountByAffiliate.load(affiliate.id));
  }

  @FieldResolver(() => [AffiliateApiKey])
  @Allow(Role.ADMIN)
  apiKeys(@Root() affiliate: Affiliate, @Ctx() { loaders }: Context) {
    return loaders.apiKeysByAffiliateId.load(affiliate.id);
  }
}

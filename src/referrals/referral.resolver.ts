import { Arg, Ctx, FieldResolver, ID, Mutation, Resolver, Root } from "type-graphql";
import { Allow, Role } from "../auth/roles.js";
import type { Context } from "../graphql/context.js";
import { tooManyRequests } from "../common/errors.js";
import { Affiliate } from "../affiliates/affiliate.type.js";
import { Customer } from "../customers/customer.type.js";
import { Referral } from "./referral.type.js";
import * as referralsService from "./referral.service.js";

@Resolver(() => Referral)
export class ReferralResolver {
  @Mutation(() => Boolean, {
    description:
      "Public, no key. Called by the marketing site on a referral visit; limited per client address (TOO_MANY_REQUESTS, HTTP 429 with Retry-After).",
  })
  @Allow(Role.PUBLIC)
  trackReferralVisit(
    @Arg("affiliateCode", () => String) affiliateCode: string,
    @Arg("visitorId", () => String) visitorId: string,
    @Ctx() { db, clientIp, visitLimiter }: Context,
    @Arg("niche", () => String, { nullable: true }) niche?: string | null,
    @Arg("contentId", () => ID, {
      nullable: true,
      description: "The content asset of the materials-kit link that brought the visitor (its `content=` parameter); an unknown one is dropped, the visit still counts.",
    })
    contentId?: string | null,
  ) {
    // Before any database work: the limit protects the database from one noisy address.
    const decision = visitLimiter.take(clientIp);
    if (!decision.allowed) throw tooManyRequests(decision.retryAfterSeconds);
    return referralsService.trackReferralVisit(db, affiliateCode, visitorId, { niche, contentId });
  }

  @Mutation(() => Referral, { description: "The referred visitor became this customer." })
  @Allow(Role.ADMIN)
  attributeReferral(
    @Arg("affiliateCode", () => String) affiliateCode: string,
    @Arg("customerId", () => ID) customerId: string,
    @Ctx() ctx: Context,
    @Arg("at", () => Date, { nullable: true }) at?: Date | null,
    @Arg("visitorId", () => String, {
      nullable: true,
      description: "The visitor whose visit led here: accepted only if it visited this affiliate within the attribution window (default 30 days) before `at`.",
    })
    visitorId?: string | null,
  ) {
    return referralsService.attributeReferral(ctx, { affiliateCode, customerId, at, visitorId }, ctx.attributionWindowDays);
  }

  @FieldResolver(() => Affiliate)
  async affiliate(@Root() referral: Referral, @Ctx() { loaders }: Context) {
    return loaders.affiliateById.load(referral.affiliateId);
  }

  @FieldResolver(() => Customer)
  async customer(@Root() referral: Referral, @Ctx() { loaders }: Context) {
    return loaders.customerById.load(referral.customerId);
  }
}

import { Arg, Ctx, FieldResolver, Int, Mutation, Resolver, Root } from "type-graphql";
import { Allow, Role } from "../auth/roles.js";
import type { Context } from "../graphql/context.js";
import { badInput } from "../common/errors.js";
import { maskName } from "../common/mask.js";
import { pageArgs } from "../common/pagination.js";
import { CustomerStatus } from "../customers/customer.enums.js";
import { HealthBand } from "../intelligence/intelligence.enums.js";
import { LandingMatch } from "../landing/landing.enums.js";
import { ContentKind } from "../content/content.enums.js";
import { Affiliate } from "./affiliate.type.js";
import { MaskedReferral, MaterialsKitSection } from "./affiliate-portal.type.js";
import { materialsKit } from "./materials.service.js";
import { rotateAffiliateApiKeys } from "./affiliate.service.js";

// What an affiliate reads about its own program with its key (myAffiliate): its referred
// customers without who they are, and the materials to promote the product with.

@Resolver(() => Affiliate)
export class AffiliatePortalResolver {
  @Mutation(() => String, {
    description: "Affiliate key or portal session. Revokes every key of the calling affiliate and returns a new one (shown once): the old keys stop working at once.",
  })
  @Allow(Role.AFFILIATE)
  rotateMyApiKey(@Ctx() { db, caller, now }: Context): Promise<string> {
    return rotateAffiliateApiKeys(db, caller.affiliateId!, now);
  }

  @FieldResolver(() => [MaskedReferral], { description: "The customers this affiliate referred, masked: status and health band only." })
  @Allow(Role.ADMIN, Role.AFFILIATE)
  async maskedReferrals(
    @Root() affiliate: Affiliate,
    @Ctx() { loaders }: Context,
    @Arg("first", () => Int, { nullable: true, defaultValue: 50 }) first: number,
    @Arg("after", () => String, { nullable: true }) after?: string | null,
  ): Promise<MaskedReferral[]> {
    const page = pageArgs(first, after);
    const rows = await loaders.referralPageByAffiliate.load({ ownerId: affiliate.id, ...page });
    const shown = rows.slice(0, page.first);
    const [customers, scores] = await Promise.all([
      Promise.all(shown.map((r) => loaders.customerById.load(r.customerId))),
      Promise.all(shown.map((r) => loaders.scoresByCustomerId.load(r.customerId))),
    ]);
    return shown.map((r, i) => ({
      id: r.id,
      customerLabel: maskName(customers[i]?.name ?? ""),
      status: (customers[i]?.status ?? CustomerStatus.ACTIVE) as CustomerStatus,
      healthBand: (scores[i]?.healthBand ?? null) as HealthBand | null,
      referredAt: r.referredAt,
    }));
  }

  @FieldResolver(() => [MaterialsKitSection], {
    description: "Case studies, use cases and pain points that fit this affiliate's audience, per niche, ranked as its landing page ranks them, each with a tracking link.",
  })
  @Allow(Role.ADMIN, Role.AFFILIATE)
  async materialsKit(
    @Root() affiliate: Affiliate,
    @Ctx() { db, program }: Context,
    @Arg("limit", () => Int, { nullable: true, defaultValue: 5, description: "Items per kind and niche, 1-10." }) limit = 5,
  ): Promise<MaterialsKitSection[]> {
    if (!Number.isInteger(limit) || limit < 1 || limit > 10) throw badInput("limit", "must be from 1 to 10");
    const sections = await materialsKit(db, affiliate, program.siteUrl, limit);
    return sections.map((s) => ({
      ...s,
      matchedOn: s.matchedOn as LandingMatch,
      caseStudies: s.caseStudies.map((i) => ({ ...i, kind: i.kind as ContentKind })),
      useCases: s.useCases.map((i) => ({ ...i, kind: i.kind as ContentKind })),
      painPoints: s.painPoints.map((i) => ({ ...i, kind: i.kind as ContentKind })),
    }));
  }
}

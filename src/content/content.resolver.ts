import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import { Allow, Role } from "../auth/roles.js";
import type { Context } from "../graphql/context.js";
import { Affiliate } from "../affiliates/affiliate.type.js";
import { Customer } from "../customers/customer.type.js";
import { ContentAsset, ContentPerformance } from "./content.type.js";
import { ContentKind } from "./content.enums.js";
import { contentPerformance } from "./content-performance.repository.js";
import { badInput } from "../common/errors.js";
import * as v from "../common/validate.js";
import { ContentAssetInput, ContentAssetUpdate } from "./content.inputs.js";
import * as contentService from "./content.service.js";

@Resolver(() => ContentAsset)
export class ContentResolver {
  @Query(() => [ContentAsset])
  @Allow(Role.ADMIN)
  contentAssets(
    @Ctx() { db }: Context,
    @Arg("kind", () => ContentKind, { nullable: true }) kind?: ContentKind | null,
    @Arg("niche", () => String, { nullable: true }) niche?: string | null,
    @Arg("includeArchived", () => Boolean, { nullable: true, defaultValue: false }) includeArchived?: boolean | null,
  ) {
    return contentService.listContentAssets(db, { kind, niche, includeArchived });
  }

  @Query(() => [ContentPerformance], { description: "Content assets by impressions (then visits through their links), with the referrals and retention that followed." })
  @Allow(Role.ADMIN)
  async contentPerformance(
    @Ctx() { db, loaders, now, attributionWindowDays }: Context,
    @Arg("from", () => Date, { nullable: true, description: "Inclusive day (UTC); default: 90 days ago." }) from?: Date | null,
    @Arg("to", () => Date, { nullable: true, description: "Exclusive day (UTC); default: tomorrow." }) to?: Date | null,
    @Arg("limit", () => Int, { nullable: true, defaultValue: 50 }) limit?: number,
  ) {
    const end = to == null ? new Date(now.getTime() + 86_400_000) : v.pastDate("to", to, now);
    const start = from == null ? new Date(end.getTime() - 91 * 86_400_000) : v.pastDate("from", from, now);
    if (start >= end) throw badInput("from", "must be before to");
    const range = { from: start.toISOString().slice(0, 10), to: end.toISOString().slice(0, 10) };
    const rows = await contentPerformance(db, range, attributionWindowDays, v.intInRange("limit", limit ?? 50, 1, 500));
    const assets = await loaders.contentAssetById.loadMany(rows.map((r) => r.assetId));
    return rows.map((r, i) => ({
      ...r,
      asset: assets[i],
      retentionRate: r.referredCustomers === 0 ? null : r.retainedCustomers / r.referredCustomers,
    }));
  }

  @Mutation(() => ContentAsset)
  @Allow(Role.ADMIN)
  createContentAsset(@Arg("input", () => ContentAssetInput) input: ContentAssetInput, @Ctx() ctx: Context) {
    return contentService.createContentAsset(ctx, input);
  }

  @Mutation(() => ContentAsset)
  @Allow(Role.ADMIN)
  updateContentAsset(
    @Arg("id", () => ID) id: string,
    @Arg("input", () => ContentAssetUpdate) input: ContentAssetUpdate,
    @Ctx() ctx: Context,
  ) {
    return contentService.updateContentAsset(ctx, id, input);
  }

  @Mutation(() => ContentAsset)
  @Allow(Role.ADMIN)
  archiveContentAsset(@Arg("id", () => ID) id: string, @Ctx() ctx: Context) {
    return contentService.archiveContentAsset(ctx, id);
  }

  @Mutation(() => ID, { description: "Deletes the asset for good and answers its id (archiveContentAsset keeps it and its performance); its impressions go with it, referrals it brought keep their affiliate." })
  @Allow(Role.ADMIN)
  deleteContentAsset(@Arg("id", () => ID) id: string, @Ctx() ctx: Context) {
    return contentService.deleteContentAsset(ctx, id);
  }

  @FieldResolver(() => Customer, { nullable: true, description: "The customer a case study is about." })
  async customer(@Root() asset: ContentAsset, @Ctx() { loaders }: Context) {
    return asset.customerId ? ((await loaders.customerById.load(asset.customerId)) ?? null) : null;
  }

  @FieldResolver(() => Affiliate, { nullable: true, description: "Set when the asset was made for one affiliate's audience." })
  async affiliate(@Root() asset: ContentAsset, @Ctx() { loaders }: Context) {
    return asset.affiliateId ? ((await loaders.affiliateById.load(asset.affiliateId)) ?? null) : null;
  }
}

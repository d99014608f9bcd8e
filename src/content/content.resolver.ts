import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from "type-graphql";
import { Allow, Role } from "../auth/roles.js";
import type { Context } from "../server/context.js";
import { Affiliate } from "../affiliates/affiliate.type.js";
import { Customer } from "../customers/customer.type.js";
import { ContentAsset, ContentKind } from "./content.type.js";
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

  @Mutation(() => ContentAsset)
  @Allow(Role.ADMIN)
  createContentAsset(@Arg("input", () => ContentAssetInput) input: ContentAssetInput, @Ctx() { db }: Context) {
    return contentService.createContentAsset(db, input);
  }

  @Mutation(() => ContentAsset)
  @Allow(Role.ADMIN)
  updateContentAsset(
    @Arg("id", () => ID) id: string,
    @Arg("input", () => ContentAssetUpdate) input: ContentAssetUpdate,
    @Ctx() { db }: Context,
  ) {
    return contentService.updateContentAsset(db, id, input);
  }

  @Mutation(() => ContentAsset)
  @Allow(Role.ADMIN)
  archiveContentAsset(@Arg("id", () => ID) id: string, @Ctx() { db }: Context) {
    return contentService.archiveContentAsset(db, id);
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

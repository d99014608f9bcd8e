import { syncLandingSubjects } from "../landing/landing.repository.js";
import { assetsChange } from "../common/changes.js";
import { and, arrayContains, asc, eq, type SQL } from "drizzle-orm";
import type { Database, Executor } from "../db/client.js";
import type { ServiceContext } from "../common/service-context.js";
import { contentAssets } from "../db/schema/index.js";
import { badInput } from "../common/errors.js";
import * as v from "../common/validate.js";
import { getAffiliateByCodeOrThrow } from "../affiliates/affiliate.service.js";
import { getCustomerOrThrow } from "../customers/customer.service.js";
import { ContentKind } from "./content.enums.js";
import type { ContentAssetInput, ContentAssetUpdate } from "./content.inputs.js";

export type ContentAssetRow = typeof contentAssets.$inferSelect;

async function getAssetOrThrow(ex: Executor, rawId: string, forUpdate = false): Promise<ContentAssetRow> {
  const query = ex.select().from(contentAssets).where(eq(contentAssets.id, v.id("id", rawId)));
  const [asset] = forUpdate ? await query.for("update") : await query;
  if (!asset) throw badInput("id", "no content asset with this id");
  return asset;
}

export async function createContentAsset({ db, changes }: ServiceContext, input: ContentAssetInput): Promise<ContentAssetRow> {
  const values = {
    kind: input.kind,
    title: v.requiredText("title", input.title, v.LIMITS.title),
    body: v.requiredText("body", input.body, v.LIMITS.body),
    url: v.httpUrl("url", input.url),
    niches: v.niches("niches", input.niches),
  };
  // A case study is a customer's story: the landing page shows it only while that customer is
  // active and healthy, so it must say which customer it is about.
  if (values.kind === ContentKind.CASE_STUDY && input.customerId == null) {
    throw badInput("customerId", "a case study needs the customer it is about");
  }
  const created = await db.transaction(async (tx) => {
    const customerId = input.customerId == null ? null : (await getCustomerOrThrow(tx, input.customerId)).id;
    const affiliateId = input.affiliateCode == null ? null : (await getAffiliateByCodeOrThrow(tx, input.affiliateCode)).id;
    const [created] = await tx
      .insert(contentAssets)
      .values({ ...values, customerId, affiliateId })
      .returning();
    if (customerId) await syncLandingSubjects(tx, [customerId]);
    return created!;
  });
  changes.publish(assetsChange([created.id], created.customerId ? [created.customerId] : []));
  return created;
}

export async function updateContentAsset({ db, changes }: ServiceContext, id: string, input: ContentAssetUpdate, now = new Date()) {
  const patch: Partial<ContentAssetRow> = { updatedAt: now };
  if (input.title != null) patch.title = v.requiredText("title", input.title, v.LIMITS.title);
  if (input.body != null) patch.body = v.requiredText("body", input.body, v.LIMITS.body);
  if (input.url !== undefined) patch.url = v.httpUrl("url", input.url);
  if (input.niches != null) patch.niches = v.niches("niches", input.niches);
  const updated = await db.transaction(async (tx) => {
    const asset = await getAssetOrThrow(tx, id, true);
    const [updated] = await tx.update(contentAssets).set(patch).where(eq(contentAssets.id, asset.id)).returning();
    return updated!;
  });
  changes.publish(assetsChange([updated.id], []));
  return updated;
}

/** Archived assets never reach a landing page; archiving twice is harmless. */
export async function archiveContentAsset({ db, changes }: ServiceContext, id: string, now = new Date()) {
  const archived = await db.transaction(async (tx) => {
    const asset = await getAssetOrThrow(tx, id, true);
    if (asset.archived) return asset;
    const [updated] = await tx
      .update(contentAssets)
      .set({ archived: true, updatedAt: now })
      .where(eq(contentAssets.id, asset.id))
      .returning();
    return updated!;
  });
  changes.publish(assetsChange([archived.id], archived.customerId ? [archived.customerId] : []));
  return archived;
}

/**
 * Deletes an asset for good (archive keeps it and its performance): its impressions go with it,
 * referrals it brought keep their affiliate and lose only the asset.
 */
export async function deleteContentAsset({ db, changes }: ServiceContext, id: string): Promise<string> {
  const deleted = await db.transaction(async (tx) => {
    const asset = await getAssetOrThrow(tx, id, true);
    await tx.delete(contentAssets).where(eq(contentAssets.id, asset.id));
    return asset;
  });
  changes.publish(assetsChange([deleted.id], deleted.customerId ? [deleted.customerId] : []));
  return deleted.id;
}

export function listContentAssets(
  db: Database,
  filter: { kind?: ContentKind | null; niche?: string | null; includeArchived?: boolean | null },
) {
  const conditions: SQL[] = [];
  if (filter.kind) conditions.push(eq(contentAssets.kind, filter.kind));
  const niche = v.niche("niche", filter.niche);
  if (niche) conditions.push(arrayContains(contentAssets.niches, [niche]));
  if (!filter.includeArchived) conditions.push(eq(contentAssets.archived, false));
  return db
    .select()
    .from(contentAssets)
    .where(and(...conditions))
    .orderBy(asc(contentAssets.kind), asc(contentAssets.createdAt), asc(contentAssets.id));
}

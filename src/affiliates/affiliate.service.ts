import { and, eq, isNull } from "drizzle-orm";
import type { Database, Executor } from "../db/client.js";
import type { ServiceContext } from "../common/service-context.js";
import { affiliateApiKeys, affiliates } from "../db/schema/index.js";
import { badInput } from "../common/errors.js";
import * as v from "../common/validate.js";
import { generateAffiliateKey } from "../auth/api-keys.js";
import { getCustomerOrThrow } from "../customers/customer.service.js";
import { findStakeholdersByCustomerIds } from "../customers/customer.repository.js";
import { contactToApproach } from "../customers/contact-to-approach.js";
import { CommissionType } from "./affiliate.enums.js";
import type { AffiliateInput, CommissionPlanInput } from "./affiliate.inputs.js";
import { validatePlan } from "../commissions/commission.plan.js";
import type { CommissionTier } from "../db/schema/affiliates.js";
import { findAffiliateByCode, findAffiliateByCustomerId, findAffiliateById, type AffiliateRow } from "./affiliate.repository.js";

/** A plan from GraphQL input, validated (commission.plan.ts). */
export function planFromInput(input: { commissionType: CommissionType; commissionValue: number; commissionMonths?: number | null; commissionTiers?: CommissionTier[] | null }) {
  const plan = validatePlan({ type: input.commissionType, value: input.commissionValue, months: input.commissionMonths ?? null, tiers: input.commissionTiers ?? [] });
  return { commissionType: plan.type as CommissionType, commissionValue: plan.value, commissionMonths: plan.months, commissionTiers: plan.tiers };
}

export async function getAffiliateOrThrow(db: Executor, id: string, field = "affiliateId"): Promise<AffiliateRow> {
  const affiliate = await findAffiliateById(db, v.id(field, id));
  if (!affiliate) throw badInput(field, "no affiliate with this id");
  return affiliate;
}

export async function getAffiliateByCodeOrThrow(db: Executor, rawCode: string, field = "affiliateCode"): Promise<AffiliateRow> {
  const affiliate = await findAffiliateByCode(db, v.affiliateCode(field, rawCode));
  if (!affiliate) throw badInput(field, "no affiliate with this code");
  return affiliate;
}

/**
 * A new affiliate; from a customer (an affiliate candidate), it keeps the customer and, as its
 * contact, the person the program approached: the champion, else the decision maker.
 */
export async function createAffiliate({ db, changes }: ServiceContext, input: AffiliateInput): Promise<AffiliateRow> {
  const values = {
    code: v.affiliateCode("code", input.code),
    name: v.requiredText("name", input.name, v.LIMITS.name),
    ...planFromInput(input),
  };
  const created = await db.transaction(async (tx) => {
    if (await findAffiliateByCode(tx, values.code)) throw badInput("code", `"${values.code}" is already taken`);
    let customerId: string | null = null;
    let contactStakeholderId: string | null = null;
    if (input.customerId != null) {
      const customer = await getCustomerOrThrow(tx, input.customerId);
      if (customer.status === "CHURNED") throw badInput("customerId", "the customer has churned: only a current customer can become an affiliate");
      customerId = customer.id;
      const existing = await findAffiliateByCustomerId(tx, customerId);
      if (existing) throw badInput("customerId", `the customer is already affiliate "${existing.code}"`);
      contactStakeholderId = contactToApproach(await findStakeholdersByCustomerIds(tx, [customerId]))?.id ?? null;
    }
    const [created] = await tx
      .insert(affiliates)
      .values({ ...values, customerId, contactStakeholderId })
      .returning();
    return created!;
  });
  // Pages for this code were cached as "unknown affiliate".
  changes.publish({ kind: "landing", scope: "affiliate", code: created.code });
  return created;
}

/** A new plan for an affiliate: entries already accrued keep the plan they were made with. */
export async function updateCommissionPlan(db: Database, affiliateId: string, input: CommissionPlanInput, now = new Date()): Promise<AffiliateRow> {
  const plan = planFromInput(input);
  return db.transaction(async (tx) => {
    const affiliate = await getAffiliateOrThrow(tx, affiliateId);
    const [updated] = await tx.update(affiliates).set({ ...plan, updatedAt: now }).where(eq(affiliates.id, affiliate.id)).returning();
    return updated!;
  });
}

/** Returns the secret: the only time it exists outside the caller's hands. */
export async function createAffiliateApiKey(db: Database, affiliateId: string): Promise<string> {
  const affiliate = await getAffiliateOrThrow(db, affiliateId);
  const key = generateAffiliateKey();
  await db.insert(affiliateApiKeys).values({ affiliateId: affiliate.id, keyHash: key.hash, keyPrefix: key.prefix });
  return key.secret;
}

export async function revokeAffiliateApiKey(db: Database, keyId: string, now = new Date()) {
  const id = v.id("id", keyId);
  return db.transaction(async (tx) => {
    const [key] = await tx.select().from(affiliateApiKeys).where(eq(affiliateApiKeys.id, id)).for("update");
    if (!key) throw badInput("id", "no API key with this id");
    if (key.revokedAt) return key;
    const [revoked] = await tx.update(affiliateApiKeys).set({ revokedAt: now }).where(eq(affiliateApiKeys.id, id)).returning();
    return revoked!;
  });
}

/**
 * The affiliate's own rotation (the portal): every live key of it is revoked and one new key
 * made, in one transaction; returns the new secret, shown once.
 */
export async function rotateAffiliateApiKeys(db: Database, affiliateId: string, now = new Date()): Promise<string> {
  const key = generateAffiliateKey();
  await db.transaction(async (tx) => {
    await tx
      .update(affiliateApiKeys)
      .set({ revokedAt: now })
      .where(and(eq(affiliateApiKeys.affiliateId, affiliateId), isNull(affiliateApiKeys.revokedAt)));
    await tx.insert(affiliateApiKeys).values({ affiliateId, keyHash: key.hash, keyPrefix: key.prefix });
  });
  return key.secret;
}

import type { Database } from "../db/client.js";
import { referralVisits, referrals } from "../db/schema/index.js";
import { badInput } from "../common/errors.js";
import * as v from "../common/validate.js";
import { normalizeCode, normalizeNiche } from "../common/normalize.js";
import { findAffiliateByCode } from "../affiliates/affiliate.repository.js";
import { getAffiliateByCodeOrThrow } from "../affiliates/affiliate.service.js";
import { getCustomerOrThrow } from "../customers/customer.service.js";
import { findReferralByCustomerId, type ReferralRow } from "./referral.repository.js";
import { landingChanged } from "../landing/landing.invalidation.js";

/**
 * Records a landing-page visit; one per (affiliate, visitor, UTC day). Public and called on
 * every page view, so it never fails the page: an unknown code is answered false, an unusable
 * niche is dropped.
 */
export async function trackReferralVisit(
  db: Database,
  rawCode: string,
  rawVisitorId: string,
  rawNiche?: string | null,
  now = new Date(),
): Promise<boolean> {
  const visitorId = v.requiredText("visitorId", rawVisitorId, v.LIMITS.visitorId);
  const code = normalizeCode(rawCode);
  if (!/^[a-z0-9_-]{2,64}$/.test(code)) return false;
  const affiliate = await findAffiliateByCode(db, code);
  if (!affiliate) return false;
  const niche = rawNiche ? normalizeNiche(rawNiche) : "";
  await db
    .insert(referralVisits)
    .values({
      affiliateId: affiliate.id,
      visitorId,
      niche: niche === "" || niche.length > v.LIMITS.niche ? null : niche,
      visitedOn: now.toISOString().slice(0, 10),
      at: now,
    })
    .onConflictDoNothing();
  return true;
}

/** Links a customer to the affiliate that brought it: once per customer, never to itself. */
export async function attributeReferral(
  db: Database,
  rawCode: string,
  customerId: string,
  at?: Date | null,
  now = new Date(),
): Promise<ReferralRow> {
  const referredAt = v.pastDate("at", at, now);
  const { referral, code } = await db.transaction(async (tx) => {
    const affiliate = await getAffiliateByCodeOrThrow(tx, rawCode);
    const customer = await getCustomerOrThrow(tx, customerId, "customerId", true);
    if (affiliate.customerId === customer.id) {
      throw badInput("customerId", "an affiliate cannot refer the customer it is");
    }
    const existing = await findReferralByCustomerId(tx, customer.id);
    if (existing) throw badInput("customerId", "the customer is already attributed to an affiliate");
    const [created] = await tx.insert(referrals).values({ affiliateId: affiliate.id, customerId: customer.id, referredAt }).returning();
    return { referral: created!, code: affiliate.code };
  });
  // The affiliate's pages show case studies of the customers it referred.
  landingChanged(db, { scope: "affiliate", code });
  return referral;
}

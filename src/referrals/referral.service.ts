import { enrollOnAttribution } from "../journeys/journey.service.js";
import type { Database } from "../db/client.js";
import type { ServiceContext } from "../common/service-context.js";
import { referralVisits, referrals } from "../db/schema/index.js";
import { badInput } from "../common/errors.js";
import * as v from "../common/validate.js";
import { normalizeCode, normalizeNiche } from "../common/normalize.js";
import { findAffiliateByCode } from "../affiliates/affiliate.repository.js";
import { getAffiliateByCodeOrThrow } from "../affiliates/affiliate.service.js";
import { getCustomerOrThrow } from "../customers/customer.service.js";
import { findLastVisitAt, findReferralByCustomerId, type ReferralRow } from "./referral.repository.js";

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

const DAY_MS = 86_400_000;

export interface AttributionRequest {
  affiliateCode: string;
  customerId: string;
  /** When the visitor became the customer; default now. */
  at?: Date | null;
  /** The visitor whose visit led here: the attribution then needs a visit within the window. */
  visitorId?: string | null;
}

/**
 * Links a customer to the affiliate that brought it: once per customer, never to itself, never a
 * churned customer. With a visitor id, that visitor's last visit of the affiliate must be at most
 * `windowDays` before the attribution; the id is kept, so the funnel can join visits to referrals.
 */
export async function attributeReferral(
  { db, changes }: ServiceContext,
  request: AttributionRequest,
  windowDays: number,
  now = new Date(),
): Promise<ReferralRow> {
  const referredAt = v.pastDate("at", request.at, now);
  const visitorId = request.visitorId == null ? null : v.requiredText("visitorId", request.visitorId, v.LIMITS.visitorId);
  const { referral, code } = await db.transaction(async (tx) => {
    const affiliate = await getAffiliateByCodeOrThrow(tx, request.affiliateCode);
    const customer = await getCustomerOrThrow(tx, request.customerId, "customerId", true);
    if (customer.status === "CHURNED") throw badInput("customerId", "the customer has churned: only a current customer can be attributed");
    if (affiliate.customerId === customer.id) {
      throw badInput("customerId", "an affiliate cannot refer the customer it is");
    }
    const existing = await findReferralByCustomerId(tx, customer.id);
    if (existing) throw badInput("customerId", "the customer is already attributed to an affiliate");
    if (visitorId !== null) {
      const lastVisit = await findLastVisitAt(tx, affiliate.id, visitorId, referredAt);
      if (!lastVisit) throw badInput("visitorId", `this visitor has no visit of "${affiliate.code}" before the attribution`);
      if (lastVisit.getTime() < referredAt.getTime() - windowDays * DAY_MS) {
        throw badInput("visitorId", `this visitor's last visit of "${affiliate.code}" is more than ${windowDays} days before the attribution`);
      }
    }
    const [created] = await tx
      .insert(referrals)
      .values({ affiliateId: affiliate.id, customerId: customer.id, referredAt, visitorId })
      .returning();
    // Referred customers start the journeys triggered by attribution, with the referral or not at all.
    await enrollOnAttribution(tx, customer.id, now);
    return { referral: created!, code: affiliate.code };
  });
  // The affiliate's pages show case studies of the customers it referred.
  changes.publish({ kind: "landing", scope: "affiliate", code });
  changes.publish({ kind: "jobs" });
  return referral;
}

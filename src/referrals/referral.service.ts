import { enrollOnAttribution } from "../journeys/journey.service.js";
import type { Database, Transaction } from "../db/client.js";
import type { ServiceContext } from "../common/service-context.js";
import type { ChangePublisher } from "../common/changes.js";
import { sql } from "drizzle-orm";
import { contentAssets, referralVisits, referrals } from "../db/schema/index.js";
import { badInput } from "../common/errors.js";
import * as v from "../common/validate.js";
import { normalizeCode, normalizeNiche } from "../common/normalize.js";
import { findAffiliateByCode } from "../affiliates/affiliate.repository.js";
import { getAffiliateByCodeOrThrow } from "../affiliates/affiliate.service.js";
import { getCustomerOrThrow } from "../customers/customer.service.js";
import type { CustomerRow } from "../customers/customer.repository.js";
import { findLastVisitAt, findReferralWithCode, type ReferralRow } from "./referral.repository.js";

const CODE = /^[a-z0-9_-]{2,64}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** What a visit names besides its affiliate and visitor; unusable parts are dropped. */
export interface VisitDetails {
  niche?: string | null;
  /** The content asset of the materials-kit link that brought the visitor (`content=`). */
  contentId?: string | null;
}

/**
 * Records a landing-page visit; one per (affiliate, visitor, UTC day). Public and called on
 * every page view, so it never fails the page: an unknown code is answered false, an unusable
 * niche or content id is dropped (an unknown content id too: the visit still counts). The first
 * content id of the day is kept: a later page view that day without one does not erase it.
 */
export async function trackReferralVisit(
  db: Database,
  rawCode: string,
  rawVisitorId: string,
  { niche: rawNiche, contentId: rawContentId }: VisitDetails = {},
  now = new Date(),
): Promise<boolean> {
  const visitorId = v.requiredText("visitorId", rawVisitorId, v.LIMITS.visitorId);
  const code = normalizeCode(rawCode);
  if (!CODE.test(code)) return false;
  const affiliate = await findAffiliateByCode(db, code);
  if (!affiliate) return false;
  const niche = rawNiche ? normalizeNiche(rawNiche) : "";
  const contentId = rawContentId && UUID.test(rawContentId.trim()) ? rawContentId.trim().toLowerCase() : null;
  const insert = db.insert(referralVisits).values({
    affiliateId: affiliate.id,
    visitorId,
    niche: niche === "" || niche.length > v.LIMITS.niche || v.textProblem(niche) !== null ? null : niche,
    // An id no asset has becomes null here, in the same statement, rather than a foreign-key error.
    contentAssetId: contentId ? sql`(select ${contentAssets.id} from ${contentAssets} where ${contentAssets.id} = ${contentId}::uuid)` : null,
    visitedOn: now.toISOString().slice(0, 10),
    at: now,
  });
  if (!contentId) {
    await insert.onConflictDoNothing();
  } else {
    await insert.onConflictDoUpdate({
      target: [referralVisits.affiliateId, referralVisits.visitorId, referralVisits.visitedOn],
      set: { contentAssetId: sql`excluded.content_asset_id` },
      setWhere: sql`${referralVisits.contentAssetId} is null and excluded.content_asset_id is not null`,
    });
  }
  return true;
}

export const DAY_MS = 86_400_000;

export interface AttributionRequest {
  affiliateCode: string;
  customerId: string;
  /** When the visitor became the customer; default now. */
  at?: Date | null;
  /** The visitor whose visit led here: the attribution then needs a visit within the window. */
  visitorId?: string | null;
}

/** Why a customer cannot be attributed (the rules every attribution keeps); `reason` is for people. */
export type AttributionRefusal =
  | { kind: "ALREADY_ATTRIBUTED"; affiliateCode: string; reason: string }
  | { kind: "CUSTOMER_CHURNED" | "SELF_REFERRAL"; reason: string };

/**
 * The rules that need only the customer (locked by the caller, in its transaction): once per
 * customer, never a churned customer.
 */
export async function customerRefusal(tx: Transaction, customer: CustomerRow): Promise<AttributionRefusal | null> {
  const existing = await findReferralWithCode(tx, customer.id);
  if (existing) return { kind: "ALREADY_ATTRIBUTED", affiliateCode: existing.affiliateCode, reason: "the customer is already attributed to an affiliate" };
  if (customer.status === "CHURNED") return { kind: "CUSTOMER_CHURNED", reason: "the customer has churned: only a current customer can be attributed" };
  return null;
}

/** The rule that needs the affiliate: it never refers the customer it is. */
export const affiliateRefusal = (customer: CustomerRow, affiliate: { customerId: string | null }): AttributionRefusal | null =>
  affiliate.customerId === customer.id ? { kind: "SELF_REFERRAL", reason: "an affiliate cannot refer the customer it is" } : null;

/**
 * Stores the referral of a customer the rules above accept, in the caller's transaction; referred
 * customers start the journeys triggered by attribution, with the referral or not at all. Once
 * committed, the caller announces it with announceReferral.
 */
export async function insertReferral(
  tx: Transaction,
  values: { affiliateId: string; customerId: string; referredAt: Date; visitorId: string | null },
  now: Date,
): Promise<ReferralRow> {
  // One round trip: the insert goes out first, the enrolment (which does not read it) with it.
  const inserted = tx.insert(referrals).values(values).returning().execute();
  const [[created]] = await Promise.all([inserted, enrollOnAttribution(tx, values.customerId, now)]);
  return created!;
}

/** After commit: the affiliate's pages show case studies of the customers it referred; enrolments queued jobs. */
export function announceReferral(changes: ChangePublisher, affiliateCode: string): void {
  changes.publish({ kind: "landing", scope: "affiliate", code: affiliateCode });
  changes.publish({ kind: "jobs" });
}

/**
 * Links a customer to the affiliate an admin names. With a visitor id, that visitor's last visit
 * of the affiliate must be at most `windowDays` before the attribution; the id is kept, so the
 * funnel can join visits to referrals. A refusal is BAD_USER_INPUT.
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
    const refusal = (await customerRefusal(tx, customer)) ?? affiliateRefusal(customer, affiliate);
    if (refusal) throw badInput("customerId", refusal.reason);
    if (visitorId !== null) {
      const lastVisit = await findLastVisitAt(tx, affiliate.id, visitorId, referredAt);
      if (!lastVisit) throw badInput("visitorId", `this visitor has no visit of "${affiliate.code}" before the attribution`);
      if (lastVisit.getTime() < referredAt.getTime() - windowDays * DAY_MS) {
        throw badInput("visitorId", `this visitor's last visit of "${affiliate.code}" is more than ${windowDays} days before the attribution`);
      }
    }
    const referral = await insertReferral(tx, { affiliateId: affiliate.id, customerId: customer.id, referredAt, visitorId }, now);
    return { referral, code: affiliate.code };
  });
  announceReferral(changes, code);
  return referral;
}

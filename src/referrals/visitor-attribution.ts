import type { Transaction } from "../db/client.js";
import type { ServiceContext } from "../common/service-context.js";
import * as v from "../common/validate.js";
import { getCustomerOrThrow } from "../customers/customer.service.js";
import type { CustomerRow } from "../customers/customer.repository.js";
import { AttributionModel } from "./referral.enums.js";
import { findVisitInWindow, type ReferralRow } from "./referral.repository.js";
import { affiliateRefusal, announceReferral, customerRefusal, DAY_MS, insertReferral } from "./referral.service.js";

export { AttributionModel };

/** ATTRIBUTION_WINDOW_DAYS and ATTRIBUTION_MODEL; `model` takes the enum or its values (as config holds them). */
export interface AttributionRule {
  windowDays: number;
  model: `${AttributionModel}`;
}

/** What attributing a converted visitor did; only ATTRIBUTED wrote anything. */
export type VisitorAttribution =
  | { status: "ATTRIBUTED"; referral: ReferralRow; affiliateCode: string }
  /** The customer already has a referral: kept as is (reporting a conversion twice is harmless). */
  | { status: "ALREADY_ATTRIBUTED"; affiliateCode: string }
  /** No visit of this visitor within the window before `at`. */
  | { status: "NO_QUALIFYING_VISIT" }
  /** The rules refuse it: the visit's affiliate is the customer itself, or the customer churned. */
  | { status: "NOT_ATTRIBUTABLE"; reason: string };

export interface VisitorAttributionRequest {
  customerId: string;
  /** The visitor id the tracking snippet kept (its cookie), sent by the site's server at signup. */
  visitorId: string;
  /** When the visitor became the customer (the referral's date); default now. */
  at?: Date | null;
  /**
   * The latest moment a visit may be from, when later than `at` (default `at`): a Stripe
   * checkout refers the customer from the moment it began, and counts the visits up to its
   * completion (the visit may be in the very second the checkout started).
   */
  visitsUntil?: Date | null;
}

/**
 * Attributes a customer to the affiliate its visitor's visits name under `rule`: among the
 * visits at or before `at` and at most `windowDays` before it, the latest (LAST_TOUCH) or the
 * earliest (FIRST_TOUCH). The rules of every attribution hold (referral.service.ts: once per
 * customer, never to itself, never a churned customer); an outcome that attributes nothing is an
 * answer, not an error. Bad input (ids, a future `at`) is BAD_USER_INPUT, nothing written.
 */
export async function attributeVisitor(
  { db, changes }: ServiceContext,
  request: VisitorAttributionRequest,
  rule: AttributionRule,
  now = new Date(),
): Promise<VisitorAttribution> {
  const input = validateVisitorAttribution(request, now);
  const result = await db.transaction(async (tx) => {
    const customer = await getCustomerOrThrow(tx, request.customerId, "customerId", true);
    return attributeVisitorInTransaction(tx, customer, input, rule, now);
  });
  if (result.status === "ATTRIBUTED") announceReferral(changes, result.affiliateCode);
  return result;
}

export function validateVisitorAttribution(request: { visitorId: string; at?: Date | null; visitsUntil?: Date | null }, now: Date) {
  const at = v.pastDate("at", request.at, now);
  const visitsUntil = request.visitsUntil == null ? at : v.pastDate("visitsUntil", request.visitsUntil, now);
  return { visitorId: v.requiredText("visitorId", request.visitorId, v.LIMITS.visitorId), at, visitsUntil: visitsUntil < at ? at : visitsUntil };
}

/**
 * attributeVisitor's work inside the caller's transaction, for a customer the caller has locked
 * (a conversion creates it in the same transaction) and validated input. The caller announces an
 * ATTRIBUTED result after commit (announceReferral).
 */
export async function attributeVisitorInTransaction(
  tx: Transaction,
  customer: CustomerRow,
  { visitorId, at, visitsUntil = at }: { visitorId: string; at: Date; visitsUntil?: Date },
  rule: AttributionRule,
  now: Date,
): Promise<VisitorAttribution> {
  const from = new Date(visitsUntil.getTime() - rule.windowDays * DAY_MS);
  // Both reads in one round trip (the visit read is wasted only when the customer is refused).
  const [refusal, visit] = await Promise.all([customerRefusal(tx, customer), findVisitInWindow(tx, visitorId, from, visitsUntil, rule.model === AttributionModel.LAST_TOUCH)]);
  if (refusal?.kind === "ALREADY_ATTRIBUTED") return { status: "ALREADY_ATTRIBUTED", affiliateCode: refusal.affiliateCode };
  if (refusal) return { status: "NOT_ATTRIBUTABLE", reason: refusal.reason };
  if (!visit) return { status: "NO_QUALIFYING_VISIT" };
  const selfReferral = affiliateRefusal(customer, { customerId: visit.affiliateCustomerId });
  if (selfReferral) return { status: "NOT_ATTRIBUTABLE", reason: selfReferral.reason };
  const referral = await insertReferral(tx, { affiliateId: visit.affiliateId, customerId: customer.id, referredAt: at, visitorId }, now);
  return { status: "ATTRIBUTED", referral, affiliateCode: visit.affiliateCode };
}

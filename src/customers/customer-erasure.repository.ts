import { randomUUID } from "node:crypto";
import { eq, sql } from "drizzle-orm";
import { queryRows, type Transaction } from "../db/client.js";
import {
  affiliates,
  contentAssets,
  csatResponses,
  customers,
  emailDeliveries,
  emailPreferences,
  ingestedEvents,
  journeyEnrollments,
  npsResponses,
  payments,
  productActivityDaily,
  reactivations,
  referralVisits,
  referrals,
  scoreRefreshQueue,
  stakeholders,
  stripeCustomers,
  stripeSubscriptions,
  supportTickets,
  usageSnapshots,
} from "../db/schema/index.js";

/** The name an erased customer keeps: the column is NOT NULL and Customer.name is non-null in the contract. */
export const ERASED_CUSTOMER_NAME = "Erased customer";

/** The tombstone's external id: frees the former one for a new customer, and can name no CRM record. */
export const erasedExternalId = (customerId: string) => `erased:${customerId}`;

// The customer's CS history and the people and addresses it names, deleted outright. Journey
// enrollments take their steps and email deliveries (recipient, subject) with them (cascade).
const HISTORY_TABLES = [
  usageSnapshots,
  npsResponses,
  csatResponses,
  supportTickets,
  productActivityDaily,
  ingestedEvents,
  scoreRefreshQueue,
  stakeholders,
  emailDeliveries,
  journeyEnrollments,
  emailPreferences,
] as const;

/**
 * Erasure's writes, in the caller's transaction (customer-erasure.service.ts decides what goes
 * and what stays; README, "Erasure"). Returns whether content assets were about the customer
 * (landing pages then change).
 */
export async function eraseCustomerRows(tx: Transaction, customerId: string, now: Date): Promise<{ detachedAssets: number }> {
  for (const table of HISTORY_TABLES) await tx.delete(table).where(eq(table.customerId, customerId));

  // Billing: the provider's customer record (its email and name) and the subscriptions it links
  // go; payments keep amounts, dates and the invoice, intent and charge ids that keep a redelivered
  // invoice or a late refund from counting twice, but no longer name the provider's customer.
  await tx.execute(sql`delete from ${stripeSubscriptions} where ${stripeSubscriptions.stripeCustomerId} in (select id from ${stripeCustomers} where customer_id = ${customerId})`);
  await tx.delete(stripeCustomers).where(eq(stripeCustomers.customerId, customerId));
  await tx.update(payments).set({ providerCustomerId: null, updatedAt: now }).where(eq(payments.customerId, customerId));
  await tx.update(reactivations).set({ churnReason: null }).where(eq(reactivations.customerId, customerId));

  // The tracking cookie's id joins the referral to its visits (funnel, content performance): it is
  // replaced everywhere by a fresh random one, so the counts stay and the old cookie matches nothing.
  const [referral] = await tx.select({ visitorId: referrals.visitorId }).from(referrals).where(eq(referrals.customerId, customerId));
  if (referral?.visitorId) {
    const pseudonym = `erased-${randomUUID()}`;
    await tx.update(referralVisits).set({ visitorId: pseudonym }).where(eq(referralVisits.visitorId, referral.visitorId));
    await tx.update(referrals).set({ visitorId: pseudonym }).where(eq(referrals.visitorId, referral.visitorId));
  }

  // An affiliate that was this customer stays (its own agreement and ledger) but no longer says so.
  await tx.update(affiliates).set({ customerId: null, updatedAt: now }).where(eq(affiliates.customerId, customerId));

  // Assets about the customer leave the landing pages (archived, for a person to review) and
  // forget their subject; the customer's name is cut from their text; impressions and visits stay.
  const [{ name } = { name: "" }] = await tx.select({ name: customers.name }).from(customers).where(eq(customers.id, customerId));
  const named = new RegExp(name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"), "gi");
  const detached = await queryRows<{ id: string; title: string; body: string }>(
    tx,
    sql`update ${contentAssets} set customer_id = null, archived = true, subject_name = null, subject_niche = null, subject_live = false,
          subject_successful = false, subject_advocacy = null, subject_health = null, updated_at = ${now.toISOString()}::timestamptz
        where customer_id = ${customerId} returning id, title, body`,
  );
  for (const asset of detached) {
    const redact = (text: string) => (name ? text.replace(named, "a customer") : text);
    await tx.update(contentAssets).set({ title: redact(asset.title), body: redact(asset.body) }).where(eq(contentAssets.id, asset.id));
  }

  await tx
    .update(customers)
    .set({ externalId: erasedExternalId(customerId), name: ERASED_CUSTOMER_NAME, niche: null, acquisitionChannel: null, churnReason: null, erasedAt: now, updatedAt: now })
    .where(eq(customers.id, customerId));
  return { detachedAssets: detached.length };
}

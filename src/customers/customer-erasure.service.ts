import { assetsChange } from "../common/changes.js";
import type { ServiceContext } from "../common/service-context.js";
import { AppError, badInput, ErrorCode } from "../common/errors.js";
import * as v from "../common/validate.js";
import { refreshScores } from "../intelligence/scores.service.js";
import { findCustomerById, type CustomerRow } from "./customer.repository.js";
import { eraseCustomerRows } from "./customer-erasure.repository.js";

// What erasure removes and keeps, table by table (src/db/schema/*.ts; README, "Erasure"):
//
// Removed (personal data, or CS history about the customer):
// - customers: name → "Erased customer", external_id → "erased:<id>" (the CRM id is free for a
//   new customer), niche, acquisition_channel and churn_reason → null; erased_at set.
// - stakeholders (names, emails, roles); affiliates.contact_stakeholder_id follows to null.
// - usage_snapshots, nps_responses, csat_responses, support_tickets, product_activity_daily,
//   ingested_events (the sender's event ids), score_refresh_queue.
// - journey_enrollments with their enrollment_steps and email_deliveries (recipients, subjects),
//   email_preferences (its unsubscribe token).
// - stripe_customers (Stripe's email and name) and the stripe_subscriptions they link;
//   payments.provider_customer_id → null; reactivations.churn_reason → null.
// - referrals.visitor_id and the referral_visits of that visitor: the cookie id is replaced by a
//   random pseudonym (the visit and funnel counts stay, the cookie matches nothing).
// - content_assets about the customer: customer_id and subject_* cleared, archived (their text
//   may name it: a person rewrites or deletes them); affiliates.customer_id → null.
// - customer_scores: recomputed from what remains, so the breakdown, NPS, CSAT and usage go.
//
// Kept (anonymized figures the ledger, lifetime value and affiliate stats are computed from):
// - the customer row as a tombstone: plan, mrr_cents, status, signed_up_at, churned_at,
//   retention_cost_cents, billing_status, trial_ends_at (the billing periods: billing-periods.ts);
// - plan_changes (plan, MRR, term), payments and refunds (amounts, currencies, periods, dates, the
//   invoice/intent/charge ids that keep redeliveries idempotent), reactivations' dates;
// - referrals (affiliate, referred_at), commission_entries and payouts: untouched, so balances,
//   paid amounts and affiliate stats are what they were;
// - content_impressions, stripe_invoice_payments, stripe_events, jobs (ids only), churn_models
//   (weights): no customer in them; admin_audit_log keeps ids, numbers and flags, never free text.
//
// Nothing in this list is readable after erasure: Customer.history is empty for a tombstone (its
// billing rows are the ledger's, not a timeline), lists and rankings leave it out, writes refuse it.

export const alreadyErased = (customer: CustomerRow) =>
  new AppError(ErrorCode.FAILED_PRECONDITION, `id: this customer was erased at ${customer.erasedAt!.toISOString()}; erasure cannot be repeated or undone`, "id");

/**
 * Erases a customer's personal data and CS history (GDPR), keeping an anonymized tombstone for the
 * ledger; one transaction, irreversible. An unknown id is BAD_USER_INPUT (as every "no … with this
 * id" here), a second erasure FAILED_PRECONDITION.
 */
export async function eraseCustomer({ db, changes, scoring }: ServiceContext, id: string, now = new Date()): Promise<CustomerRow> {
  const customerId = v.id("id", id);
  const { erased, detachedAssets } = await db.transaction(async (tx) => {
    // Locked: a concurrent write to the customer waits, then finds it erased (getCustomerOrThrow).
    const customer = await findCustomerById(tx, customerId, true);
    if (!customer) throw badInput("id", "no customer with this id");
    if (customer.erasedAt) throw alreadyErased(customer);
    const { detachedAssets } = await eraseCustomerRows(tx, customer.id, now);
    await refreshScores(tx, [customer.id], now, scoring);
    return { erased: (await findCustomerById(tx, customer.id))!, detachedAssets };
  });
  // Landing pages and the catalog forget the assets that were about it (archived now).
  if (detachedAssets > 0) changes.publish(assetsChange([], [erased.id]));
  return erased;
}

import { AppError, badInput, ErrorCode } from "../common/errors.js";
import { findAffiliateByCode } from "../affiliates/affiliate.repository.js";
import { attributeReferral } from "../referrals/referral.service.js";
import { attributeVisitor, type AttributionRule } from "../referrals/visitor-attribution.js";
import { applyPayment, recordRefund, validatePayment } from "../payments/payment.service.js";
import { settleRefunds } from "../commissions/commission.service.js";
import { StripeEventOutcome } from "./stripe.enums.js";
import type { CheckoutFact, InvoiceFact, RefundFact, StripeFact, SubscriptionFact } from "./stripe.events.js";
import { decideBilling, firstStatements, linkStripeCustomer, readBilling, type EventWork } from "./stripe.customers.js";
import { findInvoiceOfPayment, findPayingCustomer, findStripeCustomer, findSubscription, recordInvoicePayment, upsertSubscription } from "./stripe.repository.js";

// What each kind of Stripe fact does, in the event's transaction (stripe.customers.ts, EventWork).
// Out of order: a customer or subscription keeps the `created` of the last event applied to it,
// and an older event is STALE; invoices and refunds converge by their keys (one payment per
// invoice; a refund is the charge's cumulative amount).

export interface StripeEventResult {
  outcome: StripeEventOutcome;
  /** What was done or why nothing was: "unlinked payment", "attributed to …", a rejection's reason. */
  detail?: string;
  /** invoice.paid: the payment is kept without a customer until its Stripe customer is known. */
  unlinked?: boolean;
}

const applied = (detail?: string, unlinked?: boolean): StripeEventResult => ({ outcome: StripeEventOutcome.APPLIED, ...(detail ? { detail } : {}), ...(unlinked ? { unlinked } : {}) });
const stale = (what: string): StripeEventResult => ({ outcome: StripeEventOutcome.STALE, detail: `older than the state of ${what} already applied` });

export async function applyFact(work: EventWork, fact: StripeFact, attribution: AttributionRule): Promise<StripeEventResult> {
  switch (fact.kind) {
    case "customer": {
      const linked = await linkStripeCustomer(work, { ...fact, versionAt: work.at });
      return linked === "stale" ? stale(fact.stripeCustomerId) : applied();
    }
    case "checkout":
      return checkout(work, fact, attribution);
    case "subscription":
      return subscription(work, fact);
    case "invoice":
      return invoice(work, fact);
    case "invoice_payment":
      await firstStatements(work, [recordInvoicePayment(work.tx, fact.invoiceId, fact.paymentIntentId, fact.chargeId)] as const);
      return applied();
    case "refund":
      return refund(work, fact);
  }
}

// Statements that do not wait on each other's answers go out together (Promise.all): PostgreSQL
// runs them in the order sent, so each sees the ones before it, in one round trip instead of one
// each (the webhook's throughput is bounded by round trips: BENCHMARKS.md, "Stripe webhook").

async function subscription(work: EventWork, fact: SubscriptionFact): Promise<StripeEventResult> {
  const [known, mapping] = await firstStatements(work, [findSubscription(work.tx, fact.id), findStripeCustomer(work.tx, fact.stripeCustomerId)] as const);
  if (known && work.at < known.versionAt) return stale(fact.id);
  const [, billing] = await Promise.all([upsertSubscription(work.tx, fact, work.at, work.now), mapping ? readBilling(work, mapping.customerId, true) : null]);
  if (!billing) return applied(`kept: Stripe customer ${fact.stripeCustomerId} is not known yet; applied when it is`);
  return applied(await decideBilling(work, billing));
}

async function invoice(work: EventWork, fact: InvoiceFact): Promise<StripeEventResult> {
  const [, mapping] = await firstStatements(work, [
    recordInvoicePayment(work.tx, fact.id, fact.paymentIntentId, fact.chargeId),
    fact.amountMinor !== 0 && fact.stripeCustomerId ? findPayingCustomer(work.tx, fact.stripeCustomerId) : undefined,
  ] as const);
  if (fact.amountMinor === 0) return applied("nothing paid (a zero invoice)");
  // An erased customer is a tombstone for the ledger (as getCustomerOrThrow says for any payment).
  if (mapping?.erased) throw badInput("customerId", "this customer was erased");
  // applyPayment in the event's own transaction (recordPayment would nest a savepoint: two
  // more round trips for nothing, as a refusal fails the whole event anyway).
  const values = validatePayment(
    {
      source: "STRIPE",
      externalId: fact.id,
      customerId: mapping?.customerId ?? null,
      providerCustomerId: fact.stripeCustomerId,
      amountCents: fact.amountMinor,
      currency: fact.currency,
      periodStart: fact.periodStart,
      periodEnd: fact.periodEnd,
      paidAt: fact.paidAt,
      paymentIntentId: fact.paymentIntentId,
      chargeId: fact.chargeId,
    },
    work.now,
  );
  const { status } = await applyPayment(work.tx, work.programCurrency, values, work.now, { customerChecked: true });
  if (status !== "DUPLICATE") work.context.changes.publish({ kind: "jobs" });
  if (mapping) return applied();
  return applied(`unlinked payment: no Advocate customer for Stripe customer ${fact.stripeCustomerId ?? "(none)"} yet; linked when it is known`, true);
}

async function refund(work: EventWork, fact: RefundFact): Promise<StripeEventResult> {
  const invoiceId = fact.invoiceId ?? (await findInvoiceOfPayment(work.tx, fact.paymentIntentId, fact.chargeId));
  const recorded = await recordRefund(work.context, {
    source: "STRIPE",
    chargeId: fact.chargeId,
    paymentExternalId: invoiceId,
    paymentIntentId: fact.paymentIntentId,
    amountRefundedCents: fact.amountRefundedMinor,
    currency: fact.currency,
    refundedAt: fact.refundedAt,
  }, work.now);
  if (recorded.customerId) await settleRefunds(work.tx, recorded.customerId, work.now);
  return applied(invoiceId ? undefined : `the charge's invoice is not known yet`);
}

/**
 * Links the session's Stripe customer (creating the Advocate customer from customer_details if
 * the customer events have not come yet), then attributes it: to metadata.advocate_affiliate
 * directly, else to the affiliate client_reference_id's visitor's visits name. An attribution
 * the rules refuse (already attributed, unknown code, no qualifying visit) is reported, and the
 * link stays.
 */
async function checkout(work: EventWork, fact: CheckoutFact, attribution: AttributionRule): Promise<StripeEventResult> {
  const stripeCustomerId = fact.stripeCustomerId;
  if (stripeCustomerId === null) return applied("no Stripe customer on the session: nothing to link or attribute");
  const name = fact.name ?? fact.email ?? stripeCustomerId;
  const linked = await linkStripeCustomer(work, {
    stripeCustomerId,
    externalId: fact.externalId ?? stripeCustomerId,
    name,
    email: fact.email,
    createdAt: fact.completedAt,
    versionAt: null,
  });
  const customerId = linked as string; // "stale" only answers a versioned description
  // The customer is referred from the moment it began the checkout, so the invoice it pays during
  // it falls in the first commission period. Visits count up to the completion: Stripe's times
  // are whole seconds, and a visit in the second the checkout began comes before it.
  const at = new Date(Math.min(fact.startedAt.getTime(), work.now.getTime()));
  const visitsUntil = new Date(Math.min(fact.completedAt.getTime() + 999, work.now.getTime()));
  if (fact.affiliateCode) {
    const affiliate = await findAffiliateByCode(work.tx, fact.affiliateCode.toLowerCase());
    if (!affiliate) return applied(`linked; no affiliate with code "${fact.affiliateCode}": not attributed`);
    const refused = await refusalOf(() => attributeReferral(work.context, { affiliateCode: affiliate.code, customerId, at }, attribution.windowDays, work.now));
    return applied(refused ? `linked; not attributed: ${refused}` : `attributed to ${affiliate.code}`);
  }
  if (fact.visitorId) {
    let detail = "";
    const refused = await refusalOf(async () => {
      const result = await attributeVisitor(work.context, { customerId, visitorId: fact.visitorId!, at, visitsUntil }, attribution, work.now);
      detail = result.status === "ATTRIBUTED" ? `attributed to ${result.affiliateCode}` : `not attributed: ${result.status}${"reason" in result ? ` (${result.reason})` : ""}`;
    });
    return applied(refused ? `linked; not attributed: ${refused}` : detail);
  }
  return applied("linked; no visitor or affiliate to attribute");
}

/**
 * Runs an attribution in its own savepoint (the services' transaction nests in the event's):
 * a refusal undoes only it, and is returned; any other failure fails the event.
 */
async function refusalOf(attempt: () => Promise<unknown>): Promise<string | null> {
  try {
    await attempt();
    return null;
  } catch (error) {
    if (error instanceof AppError && error.code === ErrorCode.BAD_USER_INPUT) return error.message;
    throw error;
  }
}

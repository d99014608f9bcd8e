import type { Transaction } from "../db/client.js";
import type { ServiceContext } from "../common/service-context.js";
import * as v from "../common/validate.js";
import { AppError } from "../common/errors.js";
import { CustomerStatus } from "../customers/customer.enums.js";
import { findCustomerByExternalId, type CustomerRow } from "../customers/customer.repository.js";
import type { CustomerInput } from "../customers/customer.inputs.js";
import { getCustomerOrThrow, markChurned, storeCustomer, validateCustomerInput } from "../customers/customer.service.js";
import { storePlanChangeOf } from "../customers/plan-changes.js";
import { churnPeriodsOf, type ChurnPeriod } from "../customers/billing-periods.js";
import { loadContractTerms } from "../customers/contract-terms.js";
import { queueScoreRefresh } from "../intelligence/score-queue.js";
import { linkPaymentsOfProvider } from "../payments/payment.repository.js";
import { findStripeCustomer, setBillingState, subscriptionsOfCustomer, upsertStripeCustomer, type StripeSubscriptionRow } from "./stripe.repository.js";

// The Advocate customer behind a Stripe customer, and its billing as its Stripe subscriptions
// say. Everything runs in the event's transaction: `context.db` is that transaction (services
// called with it nest as savepoints) and its changes are published after the commit. Customers
// are rescored through the durable queue, as for the event webhook (POST /webhooks/events), not
// in the event's request: rescoring was most of an event's statements and time.

/** What the work of one event has: its transaction, a service context on it, and its moment. */
export interface EventWork {
  tx: Transaction;
  context: ServiceContext;
  /** The event's `created`: when what it says happened. */
  at: Date;
  livemode: boolean;
  /** PROGRAM_CURRENCY: MRR is recorded from subscriptions in it only (others' revenue comes from their payments). */
  programCurrency: string;
  now: Date;
  /**
   * The answer of the event's own insert into stripe_events (false: delivered before). It is sent
   * first and not waited for: the handler's first statements go out with it (firstStatements).
   */
  fresh: Promise<boolean>;
}

/** Thrown when the event turns out to be a redelivery: its transaction rolls back and it answers DUPLICATE. */
export class DuplicateEvent extends Error {}

/**
 * A handler's first statements, sent with the event's insert (one round trip for both); throws
 * DuplicateEvent, before anything is decided, when the event was delivered before.
 */
export async function firstStatements<T extends readonly unknown[]>(work: EventWork, statements: T): Promise<{ -readonly [K in keyof T]: Awaited<T[K]> }> {
  const [fresh, ...answers] = await Promise.all([work.fresh, ...statements]);
  if (!fresh) throw new DuplicateEvent();
  return answers as { -readonly [K in keyof T]: Awaited<T[K]> };
}

export interface StripeCustomerDescription {
  stripeCustomerId: string;
  externalId: string;
  name: string;
  email: string | null;
  /** When the customer came to be (Stripe's `created`, or the checkout's completion). */
  createdAt: Date;
  /** customer.* events: the version (their `created`); checkout: null (links, never overrides a description). */
  versionAt: Date | null;
}

/**
 * The Advocate customer this Stripe customer is, created (as TRIAL: it pays nothing until a
 * subscription bills it) or renamed as the description says, and linked: payments received
 * before the link are linked now, subscriptions received before it are applied. Returns its id,
 * or "stale" when a newer description was applied already.
 */
export async function linkStripeCustomer(work: EventWork, description: StripeCustomerDescription): Promise<string | "stale"> {
  const { tx, now } = work;
  // Both reads go with the event's insert; the one by external id serves a customer not linked yet.
  const [mapping, byExternalId] = await firstStatements(work, [findStripeCustomer(tx, description.stripeCustomerId), findCustomerByExternalId(tx, description.externalId)] as const);
  if (mapping?.versionAt && description.versionAt && description.versionAt < mapping.versionAt) return "stale";
  if (mapping && !description.versionAt) return mapping.customerId;
  const name = description.name.slice(0, v.LIMITS.name);
  const found: CustomerRow | undefined = mapping ? await getCustomerOrThrow(tx, mapping.customerId) : byExternalId;
  const wrote = !found || found.name !== name;
  const signedUpAt = new Date(Math.min(description.createdAt.getTime(), now.getTime()));
  const input: CustomerInput = found ? { ...found, name, status: found.status as CustomerStatus } : { externalId: description.externalId, name, mrrCents: 0, status: CustomerStatus.TRIAL, signedUpAt };
  const customer = wrote ? await writeCustomer(work, input, null, { existing: found }) : found;
  const customerId = customer.id;
  // Sent together: the link, the rescoring of a written customer and, for a new link, the
  // payments received before it (linked now) and its subscriptions (applied now).
  const linkRow = {
    id: description.stripeCustomerId,
    customerId,
    // What Stripe says now: an email removed there is removed here.
    email: description.email?.slice(0, v.LIMITS.email) ?? null,
    name: description.name,
    livemode: work.livemode,
    versionAt: description.versionAt ?? mapping?.versionAt ?? null,
  };
  const [, , linked, billing] = await Promise.all([
    upsertStripeCustomer(tx, linkRow, now),
    wrote ? queueRescoring(work, customerId) : null,
    mapping ? null : linkPaymentsOfProvider(tx, description.stripeCustomerId, customerId),
    mapping ? null : readBilling(work, customerId),
  ]);
  if (linked && linked.length > 0) await queueRescoring(work, customerId);
  if (billing) await decideBilling(work, billing);
  return customerId;
}

/** Stripe statuses in which a subscription is the customer's (a trial included); incomplete ones are not yet. */
const LIVE = new Set(["active", "trialing", "past_due", "unpaid"]);

export interface BillingState {
  subscriptions: StripeSubscriptionRow[];
  /** Read and locked; a refusal (unknown, erased) matters only when there are subscriptions. */
  customer: CustomerRow | AppError;
  /** Its churn periods, read after the lock, when asked for (a plan change checks its date against them). */
  churns?: ChurnPeriod[];
}

/**
 * The customer's subscriptions and the customer, locked, and with `withChurns` its churn periods
 * (for the plan change a subscription event usually makes): statements sent together.
 */
export async function readBilling({ tx }: EventWork, customerId: string, withChurns = false): Promise<BillingState> {
  const [subscriptions, customer, churns] = await Promise.all([
    subscriptionsOfCustomer(tx, customerId),
    // Only a refusal waits to be told (a database error aborted the transaction: it throws).
    getCustomerOrThrow(tx, customerId, "customerId", true).catch((error: unknown) => {
      if (error instanceof AppError) return error;
      throw error;
    }),
    // After the lock: what it reads cannot change before the commit.
    withChurns ? churnPeriodsOf(tx, [customerId]) : undefined,
  ]);
  return { subscriptions, customer, churns: churns?.get(customerId) };
}

/**
 * Moves the customer's billing to what its subscriptions say (as readBilling read them): trial
 * status and end; the plan and MRR of its paying subscriptions (MRR: those in the program
 * currency), as a plan change when they differ (a churned customer is re-activated); a churn,
 * with the ledger's clawback, when none is live any more. Returns what changed, for the event's answer.
 */
export async function decideBilling(work: EventWork, { subscriptions, customer, churns }: BillingState): Promise<string> {
  const { tx, context, now } = work;
  if (subscriptions.length === 0) return "no subscription";
  if (customer instanceof AppError) throw customer;
  const customerId = customer.id;
  const live = subscriptions.filter((s) => LIVE.has(s.status));
  const trials = live.filter((s) => s.status === "trialing");
  const paying = live.filter((s) => s.status !== "trialing");
  const latest = [...subscriptions].sort((a, b) => b.versionAt.getTime() - a.versionAt.getTime())[0]!;
  const billingStatus = paying[0]?.status ?? trials[0]?.status ?? latest.status;
  const trialEndsAt = trials.length > 0 && paying.length === 0 ? new Date(Math.max(...trials.map((s) => s.trialEnd?.getTime() ?? 0))) : null;
  const at = new Date(Math.max(work.at.getTime(), customer.signedUpAt.getTime()));

  if (live.length === 0) {
    await setBillingState(tx, customerId, { billingStatus, trialEndsAt: null }, now);
    if (customer.status === CustomerStatus.CHURNED) return "already churned";
    const ended = Math.max(...subscriptions.map((s) => s.endedAt?.getTime() ?? 0));
    if (ended === 0) return `no live subscription (${billingStatus})`;
    const reason = `Stripe: subscription ${latest.id} ended`;
    await markChurned(context, customerId, new Date(Math.max(ended, customer.signedUpAt.getTime())), reason, now);
    return "churned";
  }

  if (paying.length === 0) {
    // Trials only: the plan shows, nothing is billed yet.
    const plan = customer.status === CustomerStatus.TRIAL ? { plan: mainOf(trials).plan } : {};
    await setBillingState(tx, customerId, { billingStatus, trialEndsAt, ...plan }, now);
    return "trialing";
  }
  // MRR is in the program currency; a subscription in another has its revenue from its payments
  // (converted there), and names the plan with no MRR of its own.
  const inCurrency = paying.filter((s) => s.currency === work.programCurrency);
  const { plan, termMonths } = mainOf(inCurrency.length > 0 ? inCurrency : paying);
  const mrrCents = Math.min(inCurrency.reduce((sum, s) => sum + s.mrrMinor, 0), v.LIMITS.cents);
  const note = inCurrency.length < paying.length ? ` (MRR of subscriptions not in ${work.programCurrency} left to their payments)` : "";
  const billed = () => setBillingState(tx, customerId, { billingStatus, trialEndsAt }, now);
  if (customer.status === CustomerStatus.CHURNED) {
    await billed();
    await writeCustomer(work, { ...customer, plan, mrrCents, status: CustomerStatus.ACTIVE }, termMonths);
    await queueRescoring(work, customerId);
    return `re-activated${note}`;
  }
  const sameTerms = customer.status !== CustomerStatus.TRIAL && customer.plan === plan && customer.mrrCents === mrrCents;
  // Validated before anything is sent. The customer is read and locked above: the plan change
  // need not read it again.
  const planChange = () => ({ plan: v.requiredText("plan", plan, v.LIMITS.shortText), mrrCents: v.cents("mrrCents", mrrCents), at: v.pastDate("at", at, now), termMonths });
  if (sameTerms) {
    // With the billing state, the contract term in force: a move from monthly to yearly billing
    // at the same MRR is a plan change that signs a term.
    const [, termSame] = await Promise.all([billed(), termUnchanged(work, customer.id, termMonths)]);
    if (termSame) return `plan unchanged${note}`;
  }
  const values = planChange();
  // The billing state goes with the plan change when it was not sent with the term above.
  await Promise.all([sameTerms ? null : billed(), storePlanChangeOf(tx, customer, values, now, churns), queueRescoring(work, customerId)]);
  return `plan changed${note}`;
}

/**
 * Whether the subscription's contract term (null: its interval gives none) is the one in force:
 * a move from monthly to yearly billing at the same MRR is a plan change that signs a term.
 */
async function termUnchanged({ tx, at }: EventWork, customerId: string, termMonths: number | null): Promise<boolean> {
  if (termMonths === null) return true;
  const [term] = await loadContractTerms(tx, [{ customerId, asOf: at }]);
  return term!.termMonths === termMonths;
}

/**
 * upsertCustomer in the event's transaction (a billing row it writes signs termMonths); `known`:
 * what the event read by this external id already. The caller queues the rescoring.
 */
async function writeCustomer(work: EventWork, input: CustomerInput, termMonths: number | null = null, known?: { existing: CustomerRow | undefined }): Promise<CustomerRow> {
  // Two events creating one customer at once (customer.created and the checkout): the second
  // insert does nothing and storeCustomer updates the first one's row (no savepoint needed).
  return (await storeCustomer(work.tx, { ...validateCustomerInput(input, work.now), termMonths }, work.now, known)).customer;
}

/** The customer queued for rescoring: the statement, to send with others (the job runner is told after commit). */
function queueRescoring({ tx, context, now }: EventWork, customerId: string): Promise<void> {
  context.changes.publish({ kind: "jobs" });
  return queueScoreRefresh(tx, [customerId], now);
}

/** The subscription worth most a month names the plan. */
const mainOf = (subscriptions: StripeSubscriptionRow[]) => subscriptions.reduce((best, s) => (s.mrrMinor > best.mrrMinor ? s : best));

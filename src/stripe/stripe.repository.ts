import { sql } from "drizzle-orm";
import { queryRows, type Executor } from "../db/client.js";
import { tableRows } from "../db/table-rows.js";
import { stripeCustomers, stripeEvents, stripeSubscriptions } from "../db/schema/index.js";
import type { SubscriptionFact } from "./stripe.events.js";

// Every statement of an event's transaction, hand-written (db/table-rows.ts): the webhook's
// throughput is bounded by the CPU each statement costs (BENCHMARKS.md, "Stripe webhook").

export type StripeEventRow = typeof stripeEvents.$inferSelect;
export type StripeCustomerRow = typeof stripeCustomers.$inferSelect;
export type StripeSubscriptionRow = typeof stripeSubscriptions.$inferSelect;

const customerRows = tableRows(stripeCustomers);
const subscriptionRows = tableRows(stripeSubscriptions);
const iso = (date: Date | null | undefined) => (date ? date.toISOString() : null);

/** Stores the event's row; false when its id is there already (a redelivery, or a concurrent one that committed first). */
export async function insertStripeEvent(ex: Executor, row: Omit<StripeEventRow, "receivedAt"> & { receivedAt: Date }): Promise<boolean> {
  const inserted = await queryRows<{ id: string }>(
    ex,
    sql`insert into stripe_events (id, type, livemode, created, api_version, received_at, outcome, reason)
        values (${row.id}, ${row.type}, ${row.livemode}, ${iso(row.created)}::timestamptz, ${row.apiVersion}, ${iso(row.receivedAt)}::timestamptz, ${row.outcome}, ${row.reason})
        on conflict (id) do nothing returning id`,
  );
  return inserted.length > 0;
}

export async function setStripeEventOutcome(ex: Executor, id: string, outcome: string, reason: string | null): Promise<void> {
  await ex.execute(sql`update stripe_events set outcome = ${outcome}, reason = ${reason} where id = ${id}`);
}

export async function findStripeCustomer(ex: Executor, id: string): Promise<StripeCustomerRow | undefined> {
  const [row] = await queryRows<Record<string, unknown>>(ex, sql`select ${customerRows.columns} from stripe_customers where id = ${id} for update`);
  return row && customerRows.map(row);
}

/**
 * The Advocate customer an invoice of this Stripe customer pays for, and whether it was erased,
 * in one statement (the mapping locked as findStripeCustomer locks it): the payment then needs no
 * second read of the customer.
 */
export async function findPayingCustomer(ex: Executor, id: string): Promise<{ customerId: string; erased: boolean } | undefined> {
  const [row] = await queryRows<{ customer_id: string; erased: boolean }>(
    ex,
    sql`select sc.customer_id, c.erased_at is not null as erased from stripe_customers sc join customers c on c.id = sc.customer_id where sc.id = ${id} for update of sc`,
  );
  return row && { customerId: row.customer_id, erased: row.erased };
}

export async function upsertStripeCustomer(ex: Executor, row: Omit<StripeCustomerRow, "createdAt" | "updatedAt">, now: Date): Promise<void> {
  await ex.execute(
    sql`insert into stripe_customers (id, customer_id, email, name, livemode, version_at, created_at, updated_at)
        values (${row.id}, ${row.customerId}, ${row.email}, ${row.name}, ${row.livemode}, ${iso(row.versionAt)}::timestamptz, ${iso(now)}::timestamptz, ${iso(now)}::timestamptz)
        on conflict (id) do update set email = excluded.email, name = excluded.name, version_at = excluded.version_at,
          livemode = excluded.livemode, updated_at = excluded.updated_at`,
  );
}

export async function findSubscription(ex: Executor, id: string): Promise<StripeSubscriptionRow | undefined> {
  const [row] = await queryRows<Record<string, unknown>>(ex, sql`select ${subscriptionRows.columns} from stripe_subscriptions where id = ${id} for update`);
  return row && subscriptionRows.map(row);
}

export async function upsertSubscription(ex: Executor, fact: SubscriptionFact, versionAt: Date, now: Date): Promise<void> {
  await ex.execute(
    sql`insert into stripe_subscriptions (id, stripe_customer_id, status, plan, mrr_minor, currency, term_months, started_at, trial_end, ended_at, version_at, created_at, updated_at)
        values (${fact.id}, ${fact.stripeCustomerId}, ${fact.status}, ${fact.plan}, ${fact.mrrMinor}, ${fact.currency}, ${fact.termMonths}::smallint, ${iso(fact.startedAt)}::timestamptz,
          ${iso(fact.trialEnd)}::timestamptz, ${iso(fact.endedAt)}::timestamptz, ${iso(versionAt)}::timestamptz, ${iso(now)}::timestamptz, ${iso(now)}::timestamptz)
        on conflict (id) do update set stripe_customer_id = excluded.stripe_customer_id, status = excluded.status, plan = excluded.plan,
          mrr_minor = excluded.mrr_minor, currency = excluded.currency, term_months = excluded.term_months, started_at = excluded.started_at, trial_end = excluded.trial_end,
          ended_at = excluded.ended_at, version_at = excluded.version_at, updated_at = excluded.updated_at
        -- Two deliveries racing past the version check: the newer state is the one that stays.
        where stripe_subscriptions.version_at <= excluded.version_at`,
  );
}

/** The subscriptions of every Stripe customer linked to this Advocate customer (one company may pay through several). */
export async function subscriptionsOfCustomer(ex: Executor, customerId: string): Promise<StripeSubscriptionRow[]> {
  const rows = await queryRows<Record<string, unknown>>(
    ex,
    sql`select ${subscriptionRows.columns} from stripe_subscriptions
        join stripe_customers on stripe_customers.id = stripe_subscriptions.stripe_customer_id
        where stripe_customers.customer_id = ${customerId}`,
  );
  return rows.map(subscriptionRows.map);
}

/** Remembers which invoice a PaymentIntent (or a charge without one) paid. */
export async function recordInvoicePayment(ex: Executor, invoiceId: string, paymentIntentId: string | null, chargeId: string | null): Promise<void> {
  const paymentId = paymentIntentId ?? chargeId;
  if (paymentId === null) return;
  await ex.execute(
    sql`insert into stripe_invoice_payments (payment_id, invoice_id, charge_id) values (${paymentId}, ${invoiceId}, ${chargeId})
        on conflict (payment_id) do update set invoice_id = excluded.invoice_id, charge_id = coalesce(excluded.charge_id, stripe_invoice_payments.charge_id)`,
  );
}

/** The invoice a charge paid, through its PaymentIntent or its own id; null: not known (yet). */
export async function findInvoiceOfPayment(ex: Executor, paymentIntentId: string | null, chargeId: string): Promise<string | null> {
  const [row] = await queryRows<{ invoice_id: string }>(
    ex,
    sql`select invoice_id from stripe_invoice_payments where payment_id in (${paymentIntentId ?? chargeId}, ${chargeId}) or charge_id = ${chargeId} limit 1`,
  );
  return row?.invoice_id ?? null;
}

/** The billing fields Stripe keeps on a customer (its plan and MRR move through the billing history instead). */
export async function setBillingState(
  ex: Executor,
  customerId: string,
  values: { billingStatus: string | null; trialEndsAt: Date | null; plan?: string },
  now: Date,
): Promise<void> {
  const plan = values.plan === undefined ? sql`plan` : sql`${values.plan}`;
  await ex.execute(
    sql`update customers set billing_status = ${values.billingStatus}, trial_ends_at = ${iso(values.trialEndsAt)}::timestamptz, plan = ${plan},
          updated_at = ${iso(now)}::timestamptz where id = ${customerId}`,
  );
}

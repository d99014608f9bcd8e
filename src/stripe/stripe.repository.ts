import { eq, inArray, or, sql } from "drizzle-orm";
import type { Executor } from "../db/client.js";
import { customers, stripeCustomers, stripeEvents, stripeInvoicePayments, stripeSubscriptions } from "../db/schema/index.js";
import type { SubscriptionFact } from "./stripe.events.js";

export type StripeEventRow = typeof stripeEvents.$inferSelect;
export type StripeCustomerRow = typeof stripeCustomers.$inferSelect;
export type StripeSubscriptionRow = typeof stripeSubscriptions.$inferSelect;

export async function findStripeEvent(ex: Executor, id: string): Promise<StripeEventRow | undefined> {
  const [row] = await ex.select().from(stripeEvents).where(eq(stripeEvents.id, id));
  return row;
}

/** Stores the event's row; false when its id is there already (a redelivery, or a concurrent one that committed first). */
export async function insertStripeEvent(ex: Executor, row: typeof stripeEvents.$inferInsert): Promise<boolean> {
  const inserted = await ex.insert(stripeEvents).values(row).onConflictDoNothing().returning({ id: stripeEvents.id });
  return inserted.length > 0;
}

export async function setStripeEventOutcome(ex: Executor, id: string, outcome: string, reason: string | null): Promise<void> {
  await ex.update(stripeEvents).set({ outcome, reason }).where(eq(stripeEvents.id, id));
}

export async function findStripeCustomer(ex: Executor, id: string): Promise<StripeCustomerRow | undefined> {
  const [row] = await ex.select().from(stripeCustomers).where(eq(stripeCustomers.id, id)).for("update");
  return row;
}

export async function upsertStripeCustomer(ex: Executor, row: typeof stripeCustomers.$inferInsert, now: Date): Promise<void> {
  await ex
    .insert(stripeCustomers)
    .values({ ...row, createdAt: now, updatedAt: now })
    .onConflictDoUpdate({
      target: stripeCustomers.id,
      set: { email: row.email, name: row.name, versionAt: row.versionAt, livemode: row.livemode, updatedAt: now },
    });
}

export async function findSubscription(ex: Executor, id: string): Promise<StripeSubscriptionRow | undefined> {
  const [row] = await ex.select().from(stripeSubscriptions).where(eq(stripeSubscriptions.id, id)).for("update");
  return row;
}

export async function upsertSubscription(ex: Executor, fact: SubscriptionFact, versionAt: Date, now: Date): Promise<void> {
  const values = {
    stripeCustomerId: fact.stripeCustomerId,
    status: fact.status,
    plan: fact.plan,
    mrrMinor: fact.mrrMinor,
    currency: fact.currency,
    startedAt: fact.startedAt,
    trialEnd: fact.trialEnd,
    endedAt: fact.endedAt,
    versionAt,
    updatedAt: now,
  };
  await ex
    .insert(stripeSubscriptions)
    .values({ id: fact.id, ...values, createdAt: now })
    // Two deliveries racing past the version check: the newer state is the one that stays.
    .onConflictDoUpdate({ target: stripeSubscriptions.id, set: values, setWhere: sql`${stripeSubscriptions.versionAt} <= excluded.version_at` });
}

/** The subscriptions of every Stripe customer linked to this Advocate customer (one company may pay through several). */
export const subscriptionsOfCustomer = (ex: Executor, customerId: string) =>
  ex
    .select({ subscription: stripeSubscriptions })
    .from(stripeSubscriptions)
    .innerJoin(stripeCustomers, eq(stripeCustomers.id, stripeSubscriptions.stripeCustomerId))
    .where(eq(stripeCustomers.customerId, customerId))
    .then((rows) => rows.map((r) => r.subscription));

/** Remembers which invoice a PaymentIntent (or a charge without one) paid. */
export async function recordInvoicePayment(ex: Executor, invoiceId: string, paymentIntentId: string | null, chargeId: string | null): Promise<void> {
  const paymentId = paymentIntentId ?? chargeId;
  if (paymentId === null) return;
  await ex
    .insert(stripeInvoicePayments)
    .values({ paymentId, invoiceId, chargeId })
    .onConflictDoUpdate({ target: stripeInvoicePayments.paymentId, set: { invoiceId, chargeId: sql`coalesce(excluded.charge_id, ${stripeInvoicePayments.chargeId})` } });
}

/** The invoice a charge paid, through its PaymentIntent or its own id; null: not known (yet). */
export async function findInvoiceOfPayment(ex: Executor, paymentIntentId: string | null, chargeId: string): Promise<string | null> {
  const ids = [paymentIntentId, chargeId].filter((id): id is string => id !== null);
  const [row] = await ex
    .select({ invoiceId: stripeInvoicePayments.invoiceId })
    .from(stripeInvoicePayments)
    .where(or(inArray(stripeInvoicePayments.paymentId, ids), eq(stripeInvoicePayments.chargeId, chargeId)))
    .limit(1);
  return row?.invoiceId ?? null;
}

/** The billing fields Stripe keeps on a customer (its plan and MRR move through the billing history instead). */
export async function setBillingState(
  ex: Executor,
  customerId: string,
  values: { billingStatus: string | null; trialEndsAt: Date | null; plan?: string },
  now: Date,
): Promise<void> {
  await ex
    .update(customers)
    .set({ ...values, updatedAt: now })
    .where(eq(customers.id, customerId));
}

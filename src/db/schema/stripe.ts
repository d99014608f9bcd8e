import { boolean, index, integer, pgTable, smallint, text, uuid } from "drizzle-orm/pg-core";
import { lifecycleDates, timestamptz } from "./columns.js";
import { customers } from "./customers.js";

/**
 * Every Stripe event received, by Stripe's id: a redelivery finds its id here and changes nothing.
 * `outcome` says what became of it (applied, ignored, stale, rejected: stripe.enums.ts).
 */
export const stripeEvents = pgTable("stripe_events", {
  /** evt_…: the idempotency key. */
  id: text("id").primaryKey(),
  type: text("type").notNull(),
  livemode: boolean("livemode").notNull(),
  /** When Stripe created the event: the version out-of-order events are judged by. */
  created: timestamptz("created").notNull(),
  apiVersion: text("api_version"),
  receivedAt: timestamptz("received_at").notNull().defaultNow(),
  outcome: text("outcome").notNull(),
  /** Why it was ignored, stale or rejected; null when applied. */
  reason: text("reason"),
});

/**
 * A Stripe customer (cus_…) and the Advocate customer it is. Stripe's email is kept here: an
 * Advocate customer is a company and has no email of its own, and a billing address is not one of
 * the stakeholder roles the CRM sends.
 */
export const stripeCustomers = pgTable(
  "stripe_customers",
  {
    id: text("id").primaryKey(),
    customerId: uuid("customer_id")
      .notNull()
      .references(() => customers.id, { onDelete: "cascade" }),
    email: text("email"),
    name: text("name"),
    livemode: boolean("livemode").notNull(),
    /** `created` of the last customer.* event applied; null: only linked (checkout), never described. */
    versionAt: timestamptz("version_at"),
    ...lifecycleDates,
  },
  (t) => [index("stripe_customers_customer_idx").on(t.customerId)],
);

/**
 * The latest state of each Stripe subscription, kept whether or not its customer is known yet:
 * once it is, the state is applied to the Advocate customer (plan, MRR, trial, churn).
 */
export const stripeSubscriptions = pgTable(
  "stripe_subscriptions",
  {
    id: text("id").primaryKey(),
    stripeCustomerId: text("stripe_customer_id").notNull(),
    /** Stripe's status: trialing, active, past_due, unpaid, canceled, incomplete, incomplete_expired, paused. */
    status: text("status").notNull(),
    plan: text("plan").notNull(),
    /** The monthly amount in `currency`'s minor units. */
    mrrMinor: integer("mrr_minor").notNull(),
    currency: text("currency").notNull(),
    /** The contract term its main price's interval gives, in months (stripe.prices.ts, termMonthsOf); null: none. */
    termMonths: smallint("term_months"),
    startedAt: timestamptz("started_at").notNull(),
    trialEnd: timestamptz("trial_end"),
    endedAt: timestamptz("ended_at"),
    /** `created` of the last customer.subscription.* event applied: an older one is stale. */
    versionAt: timestamptz("version_at").notNull(),
    ...lifecycleDates,
  },
  (t) => [
    // A customer's subscriptions decide its billing: read by Stripe customer on every event.
    index("stripe_subscriptions_customer_idx").on(t.stripeCustomerId),
  ],
);

/**
 * Which invoice a PaymentIntent or charge paid (invoice.paid before basil, its payments list or
 * invoice_payment.paid from 2025-03-31.basil on): a basil charge names only its PaymentIntent,
 * so its refund finds the invoice here.
 */
export const stripeInvoicePayments = pgTable(
  "stripe_invoice_payments",
  {
    /** pi_… or, for a charge without a PaymentIntent, ch_…. */
    paymentId: text("payment_id").primaryKey(),
    invoiceId: text("invoice_id").notNull(),
    chargeId: text("charge_id"),
    amountMinor: integer("amount_minor"),
  },
  (t) => [index("stripe_invoice_payments_charge_idx").on(t.chargeId)],
);
